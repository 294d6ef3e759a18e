package io.github.icl4j.heads;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.github.icl4j.ActivationCache;
import io.github.icl4j.HeadId;
import io.github.icl4j.HeadOutputs;
import io.github.icl4j.HookPoint;
import io.github.icl4j.IclPrompt;
import io.github.icl4j.Model;
import io.github.icl4j.Probe;
import io.github.icl4j.model.ModelConfig;
import io.github.icl4j.model.ModelConfig.NormKind;
import io.github.icl4j.model.TransformerWeights;
import io.github.icl4j.runtime.Tensors;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The one-pass head scores equal a naive per-head projection computed here in doubles. */
class ScoringTest {

    @ParameterizedTest
    @CsvSource({"llama, false", "gpt2, false", "gptj, true"})
    void onePassScoresEqualNaivePerHeadProjection(String family, boolean unembedBias) {
        try (Model model = Fixtures.parityModel(family)) {
            ModelConfig c = model.config();
            List<IclPrompt> prompts = Fixtures.toys(5, 3, 3, 11);
            long[] ids = {Fixtures.FOO, Fixtures.BAR};
            float[][][][] fast = Scoring.perPrompt(model, prompts, ids, unembedBias, 2);

            TransformerWeights w = model.transformer().weights();
            float[] wu = Tensors.toFloats(w.unembed()); // [V, d]
            float[] bias = unembedBias && w.unembedBias() != null ? Tensors.toFloats(w.unembedBias()) : null;
            float[] g = Tensors.toFloats(w.finalNormW());
            for (int i = 0; i < prompts.size(); i++) {
                IclPrompt p = prompts.get(i);
                int last = p.lastPosition();
                HeadOutputs heads = Probe.on(model).prompt(p).headOutputs();
                String[] names = new String[c.nLayers() + 1];
                for (int l = 0; l < c.nLayers(); l++) {
                    names[l] = HookPoint.residPre(l);
                }
                names[c.nLayers()] = HookPoint.residPost(c.nLayers() - 1);
                try (ActivationCache cache = Probe.on(model).prompt(p).cache(names)) {
                    double[] hf = row(cache.floats(names[c.nLayers()]), last, c.dModel());
                    double scale = c.norm() == NormKind.RMS_NORM ? 1 / Math.sqrt(meanSq(hf) + c.normEps())
                            : 1 / Math.sqrt(var(hf) + c.normEps());
                    for (int l = 0; l < c.nLayers(); l++) {
                        double[] r = row(cache.floats(HookPoint.residPre(l)), last, c.dModel());
                        double[] base = logProbs(r, scale, g, wu, bias, c, ids);
                        for (int h = 0; h < c.nHeads(); h++) {
                            float[] o = heads.of(0, HeadId.of(l, h));
                            double[] x = r.clone();
                            for (int j = 0; j < x.length; j++) {
                                x[j] += o[j];
                            }
                            double[] with = logProbs(x, scale, g, wu, bias, c, ids);
                            for (int k = 0; k < 2; k++) {
                                assertThat((double) fast[i][k][l][h]).as("prompt %d %s class %d", i, HeadId.of(l, h), k)
                                        .isCloseTo(with[k] - base[k], within(2e-4));
                            }
                        }
                    }
                }
            }
        }
    }

    static double[] row(float[] flat, int pos, int d) {
        double[] r = new double[d];
        for (int j = 0; j < d; j++) {
            r[j] = flat[pos * d + j];
        }
        return r;
    }

    static double meanSq(double[] v) {
        double s = 0;
        for (double x : v) {
            s += x * x;
        }
        return s / v.length;
    }

    static double var(double[] v) {
        double m = 0;
        for (double x : v) {
            m += x;
        }
        m /= v.length;
        double s = 0;
        for (double x : v) {
            s += (x - m) * (x - m);
        }
        return s / v.length;
    }

    /** log p(ids) of {@code proj(v)} with the fixed scale, in doubles. */
    static double[] logProbs(double[] v, double scale, float[] g, float[] wu, float[] bias, ModelConfig c, long[] ids) {
        int d = c.dModel();
        double[] u = v.clone();
        if (c.norm() == NormKind.LAYER_NORM) {
            double m = 0;
            for (double x : u) {
                m += x;
            }
            m /= d;
            for (int j = 0; j < d; j++) {
                u[j] -= m;
            }
        }
        for (int j = 0; j < d; j++) {
            u[j] *= scale * g[j];
        }
        int vocab = wu.length / d;
        double[] logits = new double[vocab];
        double max = Double.NEGATIVE_INFINITY;
        for (int t = 0; t < vocab; t++) {
            double s = bias == null ? 0 : bias[t];
            for (int j = 0; j < d; j++) {
                s += wu[t * d + j] * u[j];
            }
            logits[t] = s;
            max = Math.max(max, s);
        }
        double z = 0;
        for (double x : logits) {
            z += Math.exp(x - max);
        }
        double lse = max + Math.log(z);
        double[] out = new double[ids.length];
        for (int k = 0; k < ids.length; k++) {
            out[k] = logits[(int) ids[k]] - lse;
        }
        return out;
    }
}
