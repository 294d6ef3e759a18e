package io.github.icl4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.github.icl4j.engine.GradientMetric;
import io.github.icl4j.engine.Intervention;
import io.github.icl4j.engine.Interventions;
import io.github.icl4j.engine.Pass;
import io.github.icl4j.engine.Reads;
import io.github.icl4j.runtime.Tensors;
import io.github.icl4j.testing.TestData;
import java.util.List;
import java.util.Random;
import org.bytedeco.pytorch.ScalarTypeOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The engine's gradient pass ({@link Reads#zGradients}): with the last block's MLP silenced and a metric linear in
 * the final residual, {@code Σ ∂metric/∂z · z} of a last-layer head is exactly the metric of the head's output as it
 * reaches the residual ({@code headOutputs}) — under a post-attention norm, through the norm with the real forward's
 * frozen scale, the rule the rest of the engine uses.
 */
class GradientPassTest {

    @ParameterizedTest
    @ValueSource(strings = {"llama", "gemma2", "olmo2", "gpt2"})
    void aLastLayerHeadsGradientTimesItsOutputIsItsFrozenScaleContribution(String family) {
        try (Model m = Model.load(TestData.resource("parity/" + family))) {
            int nL = m.config().nLayers();
            int nH = m.config().nHeads();
            int d = m.config().dModel();
            Random rng = new Random(5);
            float[] u = new float[d];
            for (int i = 0; i < d; i++) {
                u[i] = (float) rng.nextGaussian();
            }
            Tensor uT = Tensors.fromFloats(u, d);
            GradientMetric linear = (logits, resid, prompts) -> resid.to(ScalarType.Float).matmul(uT); // [b]
            List<PromptTokens> ps = List.of(PromptTokens.of(new long[] {3, 9, 14, 2, 7, 7, 30}),
                    PromptTokens.of(new long[] {5, 1, 8, 60, 2}), PromptTokens.of(new long[] {11, 4, 4, 9, 20, 21}));
            Intervention silence = Interventions.hook(HookPoint.mlpOut(nL - 1), (t, ctx) -> torch.zeros_like(t));
            float[][] estimate = new float[ps.size()][];
            float[][] contribution = new float[ps.size()][];
            Pass.over(m, ps).batchSize(2).reusePrefix(false).intervene(List.of(silence))
                    .reads(Reads.none().zGradients(linear, nL - 1)).forEach(c -> {
                        Tensor gz = c.zGradient(nL - 1).mul(c.z(nL - 1)).to(ScalarType.Float)
                                .sum(new long[] {1, 3}, false, new ScalarTypeOptional()); // [b, s, h, e] -> [b, h]
                        float[] f = Tensors.toFloats(gz);
                        for (int i = 0; i < c.size(); i++) {
                            estimate[c.index(i)] = java.util.Arrays.copyOfRange(f, i * nH, (i + 1) * nH);
                        }
                    });
            Pass.over(m, ps).batchSize(2).intervene(List.of(silence)).reads(Reads.none().headOutputs(nL - 1))
                    .forEach(c -> {
                        // [b, h, d] x [d] -> [b, h]
                        float[] f = Tensors.toFloats(c.headOutputs(nL - 1).to(ScalarType.Float).matmul(uT));
                        for (int i = 0; i < c.size(); i++) {
                            contribution[c.index(i)] = java.util.Arrays.copyOfRange(f, i * nH, (i + 1) * nH);
                        }
                    });
            for (int i = 0; i < ps.size(); i++) {
                for (int h = 0; h < nH; h++) {
                    assertThat((double) estimate[i][h]).as("%s prompt %d head %d", family, i, h)
                            .isCloseTo(contribution[i][h], within(1e-4 + 1e-4 * Math.abs(contribution[i][h])));
                }
            }
            assertThat((double) Math.abs(contribution[0][0]) + Math.abs(contribution[1][1])).isGreaterThan(1e-3);
        }
    }
}
