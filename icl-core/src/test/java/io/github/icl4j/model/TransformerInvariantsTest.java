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
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.ScalarTypeOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Properties every family must satisfy, on the random parity checkpoints. */
class TransformerInvariantsTest {
    static final long[] A = {5, 17, 3, 99, 42, 8, 23, 61, 2};
    static final long[] B = {11, 7, 64, 30, 1, 88};

    private static Model load(String family) {
        return Model.load(TestData.resource("parity/" + family));
    }

    @ParameterizedTest
    @ValueSource(strings = {"gpt2", "gptj", "gpt_neox", "llama", "qwen2", "qwen3", "phi3", "llama_bias_linear",
        "gpt2_scaling",
        "gemma", "gemma2", "gemma3"})
    void sumOfHeadOutputsPlusBiasIsTheAttentionOutput(String family) {
        try (Model m = load(family); ActivationCache cache = new ActivationCache(); PointerScope s = new PointerScope()) {
            int layers = m.config().nLayers();
            Hooks.Builder hb = Hooks.builder();
            for (int l = 0; l < layers; l++) {
                hb.cache(cache, HookPoint.result(l), HookPoint.attnOut(l));
            }
            m.logits(TokenBatch.of(A), hb.build());
            for (int l = 0; l < layers; l++) {
                Tensor result = cache.get(HookPoint.result(l)); // [b, s, h, d]
                assertThat(Tensors.shape(result)).containsExactly(1, A.length, m.config().nHeads(), m.config().dModel());
                Tensor sum = result.sum(new long[] {2}, false, new ScalarTypeOptional());
                Tensor bias = m.transformer().weights().layers().get(l).bO();
                if (bias != null) {
                    sum = sum.add(bias);
                }
                assertThat(Tensors.maxAbsDiff(sum, cache.get(HookPoint.attnOut(l)))).isLessThan(1e-5);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"gpt2", "gptj", "gpt_neox_seq", "llama", "mistral", "qwen3", "phi3",
        "gemma2"})
    void zeroingEveryHeadEqualsRemovingTheAttentionBlock(String family) {
        try (Model m = load(family); PointerScope s = new PointerScope()) {
            Hooks.Builder zeroZ = Hooks.builder();
            Hooks.Builder noAttn = Hooks.builder();
            for (int l = 0; l < m.config().nLayers(); l++) {
                Tensor bias = m.transformer().weights().layers().get(l).bO();
                zeroZ.add(HookPoint.z(l), (z, ctx) -> torch.zeros_like(z));
                // what is left of attention without any head is its output bias (zero when it has none)
                noAttn.add(HookPoint.attnOut(l), (out, ctx) -> bias == null ? torch.zeros_like(out)
                        : torch.zeros_like(out).add(bias));
            }
            TokenBatch batch = TokenBatch.of(A);
            double d = Tensors.maxAbsDiff(m.logits(batch, zeroZ.build()), m.logits(batch, noAttn.build()));
            assertThat(d).isLessThan(1e-5);
            // and it really changes the output
            assertThat(Tensors.maxAbsDiff(m.logits(batch, zeroZ.build()), m.logits(batch, Hooks.none())))
                    .isGreaterThan(1e-3);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"gpt2", "gptj", "gpt_neox", "llama", "mistral", "qwen2", "qwen3", "phi3", "olmo2",
        "qwen2_window", "llama3", "gpt_neox_odd",
        "gemma2", "gemma3"})
    void patternRowsSumToOneAndAreCausal(String family) {
        try (Model m = load(family); ActivationCache cache = new ActivationCache(); PointerScope s = new PointerScope()) {
            m.logits(TokenBatch.of(A), Hooks.builder().cache(cache, HookPoint.pattern(1)).build());
            Tensor p = cache.get(HookPoint.pattern(1)); // [1, h, s, s]
            Tensor rowSums = p.sum(new long[] {-1}, false, new ScalarTypeOptional());
            assertThat(Tensors.maxAbsDiff(rowSums, torch.ones_like(rowSums))).isLessThan(1e-5);
            Tensor future = p.triu(1); // strictly above the diagonal: keys after the query
            assertThat(future.abs().max().item_double()).isEqualTo(0.0);
        }
    }

    @ParameterizedTest
    // not phi3 (longrope) or dynamic rope: as in transformers, the longest sequence of the batch picks the
    // frequencies of every row, so a short sequence beside a long one is not computed as it is alone
    @ValueSource(strings = {"gpt2", "gptj", "gpt_neox", "llama", "mistral", "qwen2", "qwen3", "olmo2",
        "qwen2_window", "llama3", "gpt_neox_odd",
        "gemma2", "gemma3"})
    void paddedBatchesGiveEachSequenceItsUnpaddedLogits(String family) {
        try (Model m = load(family)) {
            float[] a = m.lastLogits(TokenBatch.of(A))[0];
            float[] b = m.lastLogits(TokenBatch.of(B))[0];
            for (TokenBatch.Padding side : TokenBatch.Padding.values()) {
                float[][] both = m.lastLogits(TokenBatch.of(A, B).padded(side));
                assertMaxDiff(both[0], a, 1e-4);
                assertMaxDiff(both[1], b, 1e-4);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"gpt2", "gptj", "gpt_neox", "llama", "mistral", "qwen2", "qwen3", "phi3", "olmo2",
        "qwen2_window", "llama3", "gpt_neox_odd",
        "gemma2", "gemma3"})
    void continuingFromACachedPrefixEqualsRecomputation(String family) {
        try (Model m = load(family); PointerScope s = new PointerScope()) {
            long[] prefix = {5, 17, 3, 99, 42};
            long[][] suffixes = {{8, 23, 61}, {11, 7}};
            KvCache cache = new KvCache(m.config().nLayers());
            m.logits(TokenBatch.of(prefix), Hooks.none(), cache);
            KvCache batchCache = cache.repeat(2);
            TokenBatch rest = TokenBatch.of(suffixes);
            Tensor cont = m.logits(rest, Hooks.none(), batchCache);
            for (int i = 0; i < 2; i++) {
                long[] full = new long[prefix.length + suffixes[i].length];
                System.arraycopy(prefix, 0, full, 0, prefix.length);
                System.arraycopy(suffixes[i], 0, full, prefix.length, suffixes[i].length);
                float[] expected = m.lastLogits(TokenBatch.of(full))[0];
                assertMaxDiff(Tensors.toFloats(cont.select(0, i).select(0, rest.lastIndex(i))), expected, 1e-4);
            }
        }
    }

    static void assertMaxDiff(float[] actual, float[] expected, double tol) {
        assertThat(actual).hasSameSizeAs(expected);
        double max = 0;
        for (int i = 0; i < actual.length; i++) {
            max = Math.max(max, Math.abs(actual[i] - expected[i]));
        }
        assertThat(max).isLessThanOrEqualTo(tol);
    }

    static Scalar scalar(double v) {
        return new Scalar(v);
    }

    @ParameterizedTest
    @ValueSource(strings = {"gpt2", "gptj", "gpt_neox", "llama", "mistral", "qwen2", "gemma2", "gemma3"})
    void releasingEachBlockChangesNoNumberAndFreesTheBlocksTemporaries(String family) {
        try (Model m = load(family); ActivationCache plain = new ActivationCache();
                ActivationCache released = new ActivationCache(); PointerScope s = new PointerScope()) {
            TokenBatch batch = TokenBatch.of(A, B);
            String[] names = {HookPoint.z(0), HookPoint.pattern(1), HookPoint.residPost(0), HookPoint.LN_FINAL};
            Tensor a = m.logits(batch, Hooks.builder().cache(plain, names).build());
            Tensor[] kept = new Tensor[2];
            Hooks hooks = Hooks.builder().cache(released, names).releaseEachBlock()
                    .add(HookPoint.q(0), (q, ctx) -> {
                        kept[0] = q; // a temporary of block 0, merely stored: freed when the block ends
                        return null;
                    })
                    .add(HookPoint.residPre(1), (x, ctx) -> {
                        kept[1] = x; // a block input: lives until the caller's scope closes
                        return null;
                    }).build();
            assertThat(hooks.releasesEachBlock()).isTrue();
            assertThat(hooks.toBuilder().build().releasesEachBlock()).isTrue();
            Tensor b = m.logits(batch, hooks);
            assertThat(Tensors.maxAbsDiff(a, b)).isZero();
            for (String n : names) {
                assertThat(Tensors.maxAbsDiff(plain.get(n), released.get(n))).as(n).isZero();
            }
            assertThat(kept[0].isNull()).as("block 0's q after the block").isTrue();
            assertThat(kept[1].isNull()).as("block 1's input").isFalse();
            assertThat(Tensors.shape(kept[1])).containsExactly(2, A.length, m.config().dModel());
        }
    }
}
