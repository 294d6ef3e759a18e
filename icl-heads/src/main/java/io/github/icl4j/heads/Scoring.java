package io.github.icl4j.heads;

import io.github.icl4j.Model;
import io.github.icl4j.PromptTokens;
import io.github.icl4j.engine.Pass;
import io.github.icl4j.engine.Reads;
import io.github.icl4j.model.ModelConfig;
import io.github.icl4j.runtime.Tensors;
import java.util.Arrays;
import java.util.List;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * The one-pass head scoring of METHOD §3.1: a single forward per prompt batch (the pass engine) reads, at the last
 * position only, the residual entering every layer, every head's output ({@code hook_z} times its slice of
 * {@code W_O}) and the final residual; every head's score then follows from projections, with no per-head re-run.
 */
final class Scoring {
    private Scoring() {
    }

    /** Per-prompt scores {@code [prompt][class][layer][head]} (fp32 precision). */
    static float[][][][] perPrompt(Model model, List<? extends PromptTokens> prompts, long[] labelIds,
            boolean unembedBias, int batchSize) {
        ModelConfig c = model.config();
        int nL = c.nLayers();
        int nH = c.nHeads();
        int[] layers = new int[nL];
        Arrays.setAll(layers, l -> l);
        float[][][][] out = new float[prompts.size()][2][nL][nH];
        // one pass per batch reads, at the last position only, the residual entering every layer, every head's
        // output and the final residual
        Pass.over(model, prompts).batchSize(batchSize).sortByLength(true).reusePrefix(false)
                .reads(Reads.none().residuals(layers).residuals(nL).headOutputs(layers)).forEach(chunk -> {
                    int b = chunk.size();
                    Tensor fin = chunk.residual(nL); // [b, d]
                    FixedScaleProjection proj = FixedScaleProjection.of(model, unembedBias);
                    Tensor inv = proj.inverseScale(fin).unsqueeze(1); // [b, 1]
                    Tensor ids = Tensors.fromLongs(labelIds, labelIds.length).to(fin.device(), ScalarType.Long);
                    for (int l = 0; l < nL; l++) {
                        try (PointerScope layer = new PointerScope()) {
                            Tensor base = chunk.residual(l).to(ScalarType.Float).unsqueeze(1); // [b, 1, d]
                            Tensor with = base.add(chunk.headOutputs(l).to(ScalarType.Float)); // [b, h, d]
                            Tensor lp = proj.logProbsOf(torch.cat(new TensorVector(base, with), 1), inv, ids); // [b, 1 + h, 2]
                            // the increase of each head over the residual alone: [b, h, 2]
                            Tensor s = Tensors.slice(lp, 1, 1, nH + 1).sub(Tensors.slice(lp, 1, 0, 1));
                            float[] v = Tensors.toFloats(s);
                            for (int i = 0; i < b; i++) {
                                for (int h = 0; h < nH; h++) {
                                    for (int k = 0; k < 2; k++) {
                                        out[chunk.index(i)][k][l][h] = v[(i * nH + h) * 2 + k];
                                    }
                                }
                            }
                        }
                    }
                });
        return out;
    }
}
