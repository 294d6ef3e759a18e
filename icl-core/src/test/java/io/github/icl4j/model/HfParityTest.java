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

    /** The families of issue 15: rope variants, Qwen3, Qwen2's sliding window, Phi-3, OLMo-2, NeoX odd rotary, GPT-2 scaling. */
    static final String[] NEW_FAMILIES = {"llama3", "llama_bias_linear", "llama_dynamic", "llama_yarn", "qwen3",
        "qwen2_window", "phi3", "olmo2", "gpt_neox_odd", "gpt2_scaling"};

    @ParameterizedTest
    @ValueSource(strings = {"gpt2", "gptj", "gpt_neox", "gpt_neox_seq", "llama", "mistral", "qwen2", "llama3",
        "llama_bias_linear", "llama_dynamic", "llama_yarn", "qwen3", "qwen2_window", "phi3", "olmo2", "gpt_neox_odd",
        "gpt2_scaling",
        "gemma", "gemma2", "gemma3"})
    void matchesTransformersInFp32(String family) {
        Path dir = TestData.resource("parity/" + family);
        try (Model model = Model.load(dir)) {
            Map<String, Double> diffs = maxDiffs(model, dir);
            assertThat(diffs).as(family + " max |Δ| per compared tensor")
                    .allSatisfy((k, v) -> assertThat(v).as(k).isLessThanOrEqualTo(FP32_TOLERANCE));
        }
    }

    /** The fixture's input sets (meta.json's input_sets: single, right, left and, for the newer ones, short). */
    static List<String> inputSets(Path dir) {
        try {
            var meta = new com.fasterxml.jackson.databind.ObjectMapper().readTree(dir.resolve("meta.json").toFile());
            List<String> sets = new ArrayList<>();
            meta.get("input_sets").forEach(n -> sets.add(n.asText()));
            return sets;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Max |Δ| against the fixture's reference, per input set and compared tensor. */
    static Map<String, Double> maxDiffs(Model model, Path dir) {
        Map<String, Double> diffs = new LinkedHashMap<>();
        try (SafetensorsFile ref = SafetensorsFile.open(dir.resolve("reference.safetensors"));
                PointerScope scope = new PointerScope()) {
            int layers = model.config().nLayers();
            for (String set : inputSets(dir)) {
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
                    diffs.put(set + ".logits", maxDiffAtReal(logits, ref.loadStored(set + ".logits"), mask, 1));
                    for (String h : hooks) {
                        int seqDim = h.endsWith("hook_pattern") ? 2 : 1;
                        diffs.put(set + "." + h, maxDiffAtReal(cache.get(h), ref.loadStored(set + "." + h), mask,
                                seqDim));
                    }
                }
            }
        }
        return diffs;
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
