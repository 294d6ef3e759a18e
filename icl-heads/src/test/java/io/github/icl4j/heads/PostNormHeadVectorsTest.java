package io.github.icl4j.heads;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.icl4j.ActivationCache;
import io.github.icl4j.HeadId;
import io.github.icl4j.HookPoint;
import io.github.icl4j.Hooks;
import io.github.icl4j.Model;
import io.github.icl4j.PromptTokens;
import io.github.icl4j.TokenBatch;
import io.github.icl4j.runtime.Tensors;
import org.bytedeco.javacpp.PointerScope;
import org.junit.jupiter.api.Test;

/**
 * Value-output vectors under a post-attention norm (Gemma 2/3) follow the frozen-scale rule: weighted by attention
 * and summed over positions and heads they give the block's real attention output at the reading position.
 */
class PostNormHeadVectorsTest {
    @Test
    void weightedValueOutputsOfAllHeadsSumToTheRealAttentionOutput() {
        long[] ids = {3, 14, 15, 9, 26, 5, 35, 8};
        try (Model m = Fixtures.randomGemma3(40, 16, 2, 4, 32, 7, null); ActivationCache cache = new ActivationCache();
                PointerScope scope = new PointerScope()) {
            assertThat(m.config().postNorms()).isTrue();
            int d = m.config().dModel();
            int last = ids.length - 1;
            for (int l = 0; l < 2; l++) {
                m.logits(TokenBatch.of(ids), Hooks.builder().cache(cache, HookPoint.attnOut(l)).build());
                float[] real = Tensors.toFloats(cache.get(HookPoint.attnOut(l)).select(0, 0).select(0, last));
                double[] sum = new double[d];
                for (int h = 0; h < m.config().nHeads(); h++) {
                    float[][] rows = ValueOutputs.allPositions(m, PromptTokens.of(ids), new HeadId(l, h), true);
                    assertThat(rows).hasNumberOfRows(ids.length);
                    for (float[] row : rows) {
                        for (int j = 0; j < d; j++) {
                            sum[j] += row[j];
                        }
                    }
                }
                double max = 0;
                double norm = 0;
                for (int j = 0; j < d; j++) {
                    max = Math.max(max, Math.abs(sum[j] - real[j]));
                    norm = Math.max(norm, Math.abs(real[j]));
                }
                assertThat(norm).as("layer " + l + " attention output is not trivially zero").isGreaterThan(0.1);
                assertThat(max).as("layer " + l + ": Σ heads, positions of α vo vs hook_attn_out").isLessThan(1e-4);
            }
        }
    }
}
