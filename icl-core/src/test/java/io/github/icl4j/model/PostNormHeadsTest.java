package io.github.icl4j.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.icl4j.ActivationCache;
import io.github.icl4j.HookPoint;
import io.github.icl4j.Hooks;
import io.github.icl4j.Model;
import io.github.icl4j.TokenBatch;
import io.github.icl4j.checkpoint.SafetensorsFile;
import io.github.icl4j.runtime.Tensors;
import io.github.icl4j.testing.TestData;
import java.nio.file.Path;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.ScalarTypeOptional;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.Test;

/**
 * OLMo-2 puts an RMSNorm between the heads and the residual. Its per-head outputs ({@code hook_result}) are
 * defined with that norm's scale frozen per prompt and position from the real forward; checked here from
 * {@code hook_z} and the weights alone, and against Hugging Face's post-norm attention output.
 */
class PostNormHeadsTest {
    static final long[] A = {5, 17, 3, 99, 42, 8, 23, 61, 2};

    @Test
    void headOutputsUnderTheFrozenScaleSumToTheRealAttentionOutput() {
        Path dir = TestData.resource("parity/olmo2");
        try (Model m = Model.load(dir); ActivationCache cache = new ActivationCache();
                SafetensorsFile ref = SafetensorsFile.open(dir.resolve("reference.safetensors"));
                PointerScope s = new PointerScope()) {
            ModelConfig c = m.config();
            assertThat(c.postNorms()).isTrue();
            assertThat(c.preNorms()).isFalse();
            Hooks.Builder hb = Hooks.builder();
            for (int l = 0; l < c.nLayers(); l++) {
                hb.cache(cache, HookPoint.result(l), HookPoint.attnOut(l), HookPoint.z(l));
            }
            Tensor ids = ref.loadStored("single.input_ids");
            TokenBatch batch = HfParityTest.batchOf(ids, ref.loadStored("single.attention_mask"));
            Tensor withResult = m.logits(batch, hb.build());
            for (int l = 0; l < c.nLayers(); l++) {
                LayerWeights lw = m.transformer().weights().layers().get(l);
                Tensor z = cache.get(HookPoint.z(l)); // [1, s, h, e]
                Tensor result = cache.get(HookPoint.result(l)); // [1, s, h, d]
                Tensor attnOut = cache.get(HookPoint.attnOut(l)); // [1, s, d]
                // the real forward: raw = z · W_O^T + b_O, then the post-norm
                Tensor raw = Transformer.linear(z.reshape(1, A.length, c.nHeads() * c.dHead()), lw.wO(), lw.bO());
                Tensor inv = raw.pow(new Scalar(2.0)).mean(new long[] {-1}, true, new ScalarTypeOptional())
                        .add(new Scalar(c.normEps())).rsqrt(); // [1, s, 1] the frozen scale
                Tensor g = lw.postAttnNormW();
                assertThat(Tensors.maxAbsDiff(attnOut, g.mul(raw.mul(inv)))).isLessThan(1e-5);
                // the definition, head by head: g ⊙ (z_h W_O^h) / rms(raw)
                for (int h = 0; h < c.nHeads(); h++) {
                    Tensor woh = lw.wO().narrow(1, (long) h * c.dHead(), c.dHead()); // [d, e]
                    Tensor head = z.select(2, h).matmul(woh.t()); // [1, s, d]
                    assertThat(Tensors.maxAbsDiff(result.select(2, h), g.mul(head.mul(inv)))).isLessThan(1e-5);
                }
                // heads plus the frozen-normed bias sum to the real attention output, which is Hugging Face's
                Tensor sum = result.sum(new long[] {2}, false, new ScalarTypeOptional()).add(g.mul(lw.bO().mul(inv)));
                assertThat(Tensors.maxAbsDiff(sum, attnOut)).isLessThan(1e-5);
                assertThat(Tensors.maxAbsDiff(attnOut, ref.loadStored("single." + HookPoint.attnOut(l))))
                        .isLessThan(HfParityTest.FP32_TOLERANCE);
                // the frozen scale really differs per position (not a constant that would hide a wrong rule)
                assertThat(inv.max().item_double() / inv.min().item_double()).isGreaterThan(1.05);
            }
            // asking for per-head outputs leaves the forward itself unchanged
            assertThat(Tensors.maxAbsDiff(withResult, m.logits(batch, Hooks.none()))).isLessThan(1e-5);
        }
    }

    @Test
    void valueOutputVectorsUnderTheFrozenScaleSumToTheHeadsResult() {
        try (Model m = Model.load(TestData.resource("parity/olmo2")); ActivationCache cache = new ActivationCache();
                PointerScope s = new PointerScope()) {
            ModelConfig c = m.config();
            int layer = 1;
            m.logits(TokenBatch.of(A), Hooks.builder().cache(cache, HookPoint.pattern(layer), HookPoint.v(layer),
                    HookPoint.z(layer), HookPoint.result(layer)).build());
            Tensor pattern = cache.get(HookPoint.pattern(layer)); // [1, h, s, s]
            Tensor v = cache.get(HookPoint.v(layer)); // [1, s, kv, e]
            LayerWeights lw = m.transformer().weights().layers().get(layer);
            int last = A.length - 1;
            Tensor raw = Transformer.linear(cache.get(HookPoint.z(layer)).select(1, last).reshape(1,
                    (long) c.nHeads() * c.dHead()), lw.wO(), lw.bO()).select(0, 0); // [d] real output, last position
            for (int h = 0; h < c.nHeads(); h++) {
                Tensor woh = lw.wO().narrow(1, (long) h * c.dHead(), c.dHead()); // [d, e]
                Tensor vo = v.select(0, 0).select(1, h / c.groupSize()).matmul(woh.t()); // [s, d]
                Tensor alpha = pattern.select(0, 0).select(0, h).select(0, last).unsqueeze(1); // [s, 1]
                Tensor divisor = raw.pow(new Scalar(2.0)).mean(new long[] {-1}, true, new ScalarTypeOptional())
                        .add(new Scalar(c.normEps())).sqrt(); // [1] the frozen RMS of the real output
                Tensor parts = m.transformer().throughAttentionPostNorm(layer, vo.mul(alpha), divisor); // [s, d]
                Tensor sum = parts.sum(new long[] {0}, false, new ScalarTypeOptional());
                Tensor result = cache.get(HookPoint.result(layer)).select(0, 0).select(0, last).select(0, h); // [d]
                assertThat(Tensors.maxAbsDiff(sum, result)).as("head " + h).isLessThan(1e-5);
            }
        }
    }
}
