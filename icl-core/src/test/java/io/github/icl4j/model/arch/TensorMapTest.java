package io.github.icl4j.model.arch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.icl4j.DType;
import io.github.icl4j.DeviceSpec;
import io.github.icl4j.checkpoint.HfCheckpoint;
import io.github.icl4j.model.ArchitectureAdapter;
import io.github.icl4j.model.ModelConfig;
import io.github.icl4j.model.TransformerWeights;
import io.github.icl4j.testing.TestData;
import java.io.IOException;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * One table drives load and export: for every committed transformers fixture, exporting the loaded weights gives back
 * exactly the checkpoint's tensors (every name that is not a buffer, bit-identical values), so the fused, transposed
 * and head-interleaved layouts invert each other.
 */
class TensorMapTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @ParameterizedTest
    @ValueSource(strings = {"gemma", "gemma2", "gemma3", "gpt2", "gpt2_scaling", "gpt_neox", "gpt_neox_odd",
        "gpt_neox_seq", "gptj", "llama", "llama3", "llama_bias_linear", "llama_dynamic", "llama_yarn", "mistral",
        "olmo2", "phi3", "qwen2", "qwen2_window", "qwen3"})
    void exportGivesBackTheCheckpointsTensors(String fixture) throws IOException {
        Path dir = TestData.resource("parity/" + fixture);
        JsonNode json = JSON.readTree(dir.resolve("config.json").toFile());
        ArchitectureAdapter adapter = Adapters.forModelType(json.path("model_type").asText(), dir);
        ModelConfig m = adapter.parseConfig(json, dir.resolve("config.json"));
        try (PointerScope scope = new PointerScope(); HfCheckpoint ckpt = HfCheckpoint.open(dir)) {
            TransformerWeights w = adapter.load(ckpt, m, DType.FP32, DeviceSpec.CPU);
            Map<String, Tensor> out = adapter.export(w, m);
            TensorMap table = tableOf(adapter);
            // every tensor written is the checkpoint's; every one not written is a buffer the table lets it hold
            assertThat(ckpt.names()).containsAll(out.keySet());
            Set<String> notWritten = new TreeSet<>(ckpt.names());
            notWritten.removeAll(out.keySet());
            assertThat(notWritten).allMatch(n -> table.unused().stream().anyMatch(p -> p.matcher(n).matches()));
            Set<String> weights = new TreeSet<>(out.keySet());
            assertThat(weights).hasSizeGreaterThan(m.nLayers());
            for (String n : weights) {
                Tensor stored = ckpt.load(n, DType.FP32, DeviceSpec.CPU);
                assertThat(out.get(n).sizes().vec().get()).as(n).containsExactly(stored.sizes().vec().get());
                assertThat(out.get(n).equal(stored)).as(n).isTrue();
            }
        }
    }

    @Test
    void ggufNamesOfEachVariantMapOneToOne() {
        Map<String, String> llama = LlamaAdapter.TENSORS.ggufBlockModules(EnumSet.of(Presence.QK_NORM));
        assertThat(llama).containsEntry("attn_q", "self_attn.q_proj").containsEntry("ffn_norm",
                "post_attention_layernorm").doesNotContainKey("attn_q_norm").hasSize(9);
        Map<String, String> gemma1 = GemmaAdapter.TENSORS.ggufBlockModules(EnumSet.of(Presence.POST_NORMS,
                Presence.QK_NORM));
        assertThat(gemma1).containsEntry("ffn_norm", "post_attention_layernorm").doesNotContainKey("post_ffw_norm");
        Map<String, String> gemma3 = GemmaAdapter.TENSORS.ggufBlockModules(EnumSet.of(Presence.NO_POST_NORMS));
        assertThat(gemma3).containsEntry("ffn_norm", "pre_feedforward_layernorm")
                .containsEntry("post_attention_norm", "post_attention_layernorm")
                .containsEntry("attn_k_norm", "self_attn.k_norm").hasSize(13);
        assertThat(Phi3Adapter.TENSORS.ggufBlockModules(EnumSet.noneOf(Presence.class)))
                .containsEntry("attn_qkv", "self_attn.qkv_proj").containsEntry("ffn_up", "mlp.gate_up_proj");
        assertThat(LlamaAdapter.TENSORS.ggufEnds()).containsEntry("output.weight", "lm_head.weight")
                .containsEntry("token_embd.weight", "model.embed_tokens.weight");
        // both of Gemma's ffn_norm rows at once would be a table error, not a silent pick
        assertThatThrownBy(() -> GemmaAdapter.TENSORS.ggufBlockModules(EnumSet.noneOf(Presence.class)))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("ffn_norm");
    }

    private static TensorMap tableOf(ArchitectureAdapter a) {
        if (a instanceof LlamaAdapter) {
            return LlamaAdapter.TENSORS;
        } else if (a instanceof GemmaAdapter) {
            return GemmaAdapter.TENSORS;
        } else if (a instanceof Phi3Adapter) {
            return Phi3Adapter.TENSORS;
        } else if (a instanceof Gpt2Adapter) {
            return Gpt2Adapter.TENSORS;
        } else if (a instanceof GptJAdapter) {
            return GptJAdapter.TENSORS;
        }
        return GptNeoXAdapter.TENSORS;
    }
}
