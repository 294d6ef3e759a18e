package io.github.icl4j.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.icl4j.ActivationCache;
import io.github.icl4j.HookPoint;
import io.github.icl4j.Hooks;
import io.github.icl4j.LoadOptions;
import io.github.icl4j.Model;
import io.github.icl4j.TokenBatch;
import io.github.icl4j.checkpoint.SafetensorsFile;
import io.github.icl4j.runtime.Tensors;
import io.github.icl4j.testing.TestData;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * icl4j against Hugging Face transformers on small random checkpoints of every family (fixtures made by
 * tools/parity/make_parity_fixtures.py): logits and hooks at every real position, for one sequence and for
 * right- and left-padded batches.
 */
class HfParityTest {
    static final double FP32_TOLERANCE = 1e-4;
    /** bf16 keeps 8 mantissa bits: relative error ~ 4e-3 per op; these small models stay well inside 0.15. */
    static final double BF16_LOGIT_TOLERANCE = 0.15;

    @ParameterizedTest
    @ValueSource(strings = {"gpt2", "gptj", "gpt_neox", "gpt_neox_seq", "llama", "mistral", "qwen2", "gemma", "gemma2",
        "gemma3"})
    void matchesTransformersInFp32(String family) {
        Path dir = TestData.resource("parity/" + family);
        try (Model model = Model.load(dir); SafetensorsFile ref = SafetensorsFile.open(dir.resolve("reference.safetensors"));
                PointerScope scope = new PointerScope()) {
            int layers = model.config().nLayers();
            for (String set : List.of("single", "right", "left")) {
                Tensor ids = ref.loadStored(set + ".input_ids");
                Tensor mask = ref.loadStored(set + ".attention_mask");
                TokenBatch batch = batchOf(ids, mask);
                List<String> hooks = new ArrayList<>(List.of(HookPoint.LN_FINAL));
                for (int l = 0; l < layers; l++) {
                    hooks.addAll(List.of(HookPoint.residPre(l), HookPoint.residPost(l), HookPoint.z(l),
                            HookPoint.attnOut(l), HookPoint.mlpOut(l), HookPoint.pattern(l)));
                }
                try (ActivationCache cache = new ActivationCache()) {
                    Tensor logits = model.logits(batch, Hooks.builder().cache(cache, hooks.toArray(String[]::new)).build());
                    Map<String, Double> diffs = new LinkedHashMap<>();
                    diffs.put("logits", maxDiffAtReal(logits, ref.loadStored(set + ".logits"), mask, 1));
                    for (String h : hooks) {
                        int seqDim = h.endsWith("hook_pattern") ? 2 : 1;
                        diffs.put(h, maxDiffAtReal(cache.get(h), ref.loadStored(set + "." + h), mask, seqDim));
                    }
                    assertThat(diffs).as(family + "/" + set + " max |Δ| per compared tensor")
                            .allSatisfy((k, v) -> assertThat(v).as(k).isLessThanOrEqualTo(FP32_TOLERANCE));
                }
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"gpt2", "gpt_neox", "llama"})
    void bf16StaysCloseToTheFp32Reference(String family) {
        Path dir = TestData.resource("parity/" + family);
        try (Model model = Model.load(dir, LoadOptions.defaults().withDtype("bf16"));
                SafetensorsFile ref = SafetensorsFile.open(dir.resolve("reference.safetensors"));
                PointerScope scope = new PointerScope()) {
            Tensor mask = ref.loadStored("right.attention_mask");
            Tensor logits = model.logits(batchOf(ref.loadStored("right.input_ids"), mask), Hooks.none());
            assertThat(logits.scalar_type().intern()).isEqualTo(ScalarType.BFloat16);
            double d = maxDiffAtReal(logits, ref.loadStored("right.logits"), mask, 1);
            assertThat(d).as(family + " bf16 logits max |Δ|").isLessThanOrEqualTo(BF16_LOGIT_TOLERANCE);
        }
    }

    /** Rebuilds the unpadded sequences and the padding side from ids and mask. */
    static TokenBatch batchOf(Tensor ids, Tensor mask) {
        long[] flatIds = Tensors.toLongs(ids);
        long[] flatMask = Tensors.toLongs(mask);
        int b = (int) ids.size(0);
        int s = (int) ids.size(1);
        long[][] seqs = new long[b][];
        boolean left = false;
        for (int i = 0; i < b; i++) {
            List<Long> real = new ArrayList<>();
            for (int j = 0; j < s; j++) {
                if (flatMask[i * s + j] == 1) {
                    real.add(flatIds[i * s + j]);
                }
            }
            left |= flatMask[i * s] == 0;
            seqs[i] = real.stream().mapToLong(Long::longValue).toArray();
        }
        TokenBatch batch = TokenBatch.of(seqs);
        return left ? batch.padded(TokenBatch.Padding.LEFT) : batch;
    }

    /** Max |a - b| over entries whose position along {@code seqDim} is a real token. */
    static double maxDiffAtReal(Tensor a, Tensor b, Tensor mask, int seqDim) {
        Tensor diff = a.to(ScalarType.Float).sub(b.to(ScalarType.Float)).abs();
        long[] shape = new long[(int) diff.dim()];
        java.util.Arrays.fill(shape, 1);
        shape[0] = mask.size(0);
        shape[seqDim] = mask.size(1);
        Tensor m = mask.to(ScalarType.Float).view(shape);
        return diff.mul(m).max().item_double();
    }
}
