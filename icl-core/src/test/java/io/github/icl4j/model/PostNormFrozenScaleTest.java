package io.github.icl4j.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.icl4j.ActivationCache;
import io.github.icl4j.HookPoint;
import io.github.icl4j.Hooks;
import io.github.icl4j.Model;
import io.github.icl4j.TokenBatch;
import io.github.icl4j.runtime.Tensors;
import io.github.icl4j.testing.TestData;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.ScalarTypeOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The frozen-scale rule for per-head outputs under a post-attention norm (Gemma 2/3), on the random parity
 * checkpoints: each head's output is {@code (1 + g) ⊙ z_h W_O^h / scale} with the real forward's scale, the heads
 * sum to the block's real attention output, and with the scale frozen a head's output is linear in the head.
 */
class PostNormFrozenScaleTest {
    static final long[] A = {5, 17, 3, 99, 42, 8, 23, 61, 2};
    static final long[] B = {11, 7, 64, 30, 1, 88};

    @ParameterizedTest
    @ValueSource(strings = {"gemma2", "gemma3"})
    void perHeadOutputsUnderTheFrozenScaleSumToTheRealAttentionOutput(String family) {
        try (Model m = Model.load(TestData.resource("parity/" + family)); ActivationCache cache = new ActivationCache();
                PointerScope s = new PointerScope()) {
            ModelConfig c = m.config();
            assertThat(c.postNorms()).isTrue();
            Hooks.Builder hb = Hooks.builder();
            for (int l = 0; l < c.nLayers(); l++) {
                hb.cache(cache, HookPoint.result(l), HookPoint.attnOut(l), HookPoint.z(l), HookPoint.ln1PostScale(l));
            }
            // a padded batch: the scale is per prompt and position
            m.logits(TokenBatch.of(A, B), hb.build());
            for (int l = 0; l < c.nLayers(); l++) {
                Tensor result = cache.get(HookPoint.result(l)); // [b, s, h, d]
                Tensor attnOut = cache.get(HookPoint.attnOut(l)); // [b, s, d]
                Tensor sum = result.sum(new long[] {2}, false, new ScalarTypeOptional());
                assertThat(Tensors.maxAbsDiff(sum, attnOut)).as("layer " + l + ": Σ heads vs attn_out").isLessThan(1e-5);

                // the rule by hand for one head: z_h W_O^h through the norm with the cached (real) divisor
                Tensor scale = cache.get(HookPoint.ln1PostScale(l)); // [b, s, 1]
                assertThat(Tensors.shape(scale)).containsExactly(2, A.length, 1);
                int h = 1;
                long e = c.dHead();
                Tensor zh = cache.get(HookPoint.z(l)).select(2, h); // [b, s, e]
                Tensor woh = m.transformer().weights().layers().get(l).wO().narrow(1, h * e, e); // [d, e]
                Tensor raw = zh.matmul(woh.t()); // [b, s, d]
                Tensor byHand = m.transformer().throughAttentionPostNorm(l, raw, scale);
                assertThat(Tensors.maxAbsDiff(byHand, result.select(2, h))).as("layer " + l + " head " + h)
                        .isLessThan(1e-5);
                // frozen scale: linear in the head (twice the head's vector gives twice its output)
                assertThat(Tensors.maxAbsDiff(m.transformer().throughAttentionPostNorm(l, raw.mul(new org.bytedeco
                        .pytorch.Scalar(2.0)), scale), byHand.mul(new org.bytedeco.pytorch.Scalar(2.0))))
                        .isLessThan(1e-5);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"gemma2", "gemma3"})
    void hookingTheResultKeepsTheLogitsAndTheScaleNeedsTheRealForward(String family) {
        try (Model m = Model.load(TestData.resource("parity/" + family)); PointerScope s = new PointerScope()) {
            Hooks.Builder identity = Hooks.builder();
            for (int l = 0; l < m.config().nLayers(); l++) {
                identity.add(HookPoint.result(l), (r, ctx) -> r);
            }
            TokenBatch batch = TokenBatch.of(A);
            assertThat(Tensors.maxAbsDiff(m.logits(batch, identity.build()), m.logits(batch, Hooks.none())))
                    .isLessThan(1e-5);
            Tensor v = torch.ones(new long[] {m.config().dModel()});
            org.assertj.core.api.Assertions.assertThatThrownBy(
                    () -> m.transformer().throughAttentionPostNorm(0, v, null))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ln1_post.hook_scale");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"llama", "gemma"})
    void withoutAPostNormTheRuleIsTheIdentity(String family) {
        try (Model m = Model.load(TestData.resource("parity/" + family)); PointerScope s = new PointerScope()) {
            Tensor v = torch.randn(new long[] {3, m.config().dModel()});
            assertThat(Tensors.maxAbsDiff(m.transformer().throughAttentionPostNorm(0, v, null), v)).isEqualTo(0.0);
        }
    }

    /**
     * The pass engine's head outputs ({@code Probe...headOutputs()}, the reads icl-heads scores with) are the rows of
     * {@code hook_result} at each prompt's last position: the same frozen-scale rule, prompts batched with padding.
     */
    @ParameterizedTest
    @ValueSource(strings = {"gemma2", "gemma3"})
    void theEnginesHeadOutputsAreHookResultAtTheLastPosition(String family) {
        try (Model m = Model.load(TestData.resource("parity/" + family)); PointerScope s = new PointerScope()) {
            ModelConfig c = m.config();
            io.github.icl4j.HeadOutputs read = io.github.icl4j.Probe.on(m)
                    .prompts(java.util.List.of(io.github.icl4j.PromptTokens.of(A), io.github.icl4j.PromptTokens.of(B)))
                    .headOutputs();
            long[][] prompts = {A, B};
            for (int p = 0; p < prompts.length; p++) {
                try (ActivationCache cache = new ActivationCache()) {
                    Hooks.Builder hb = Hooks.builder();
                    for (int l = 0; l < c.nLayers(); l++) {
                        hb.cache(cache, HookPoint.result(l));
                    }
                    m.logits(TokenBatch.of(prompts[p]), hb.build());
                    for (int l = 0; l < c.nLayers(); l++) {
                        // [1, s, h, d] -> [h, d] at the last position
                        Tensor last = cache.get(HookPoint.result(l)).select(0, 0).select(0, prompts[p].length - 1);
                        for (int h = 0; h < c.nHeads(); h++) {
                            float[] want = Tensors.toFloats(last.select(0, h));
                            float[] got = read.of(p, new io.github.icl4j.HeadId(l, h));
                            for (int j = 0; j < want.length; j++) {
                                assertThat((double) got[j]).as("prompt %d layer %d head %d dim %d", p, l, h, j)
                                        .isCloseTo(want[j], org.assertj.core.data.Offset.offset(1e-5));
                            }
                        }
                    }
                }
            }
        }
    }
}
