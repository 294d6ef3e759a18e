package io.github.icl4j.gguf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.icl4j.DType;
import io.github.icl4j.DeviceSpec;
import io.github.icl4j.checkpoint.InvalidCheckpointException;
import io.github.icl4j.checkpoint.SafetensorsFile;
import io.github.icl4j.runtime.Tensors;
import io.github.icl4j.testing.TestData;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The random Llama of the parity fixtures, converted to GGUF F32 as convert_hf_to_gguf.py does (q/k rows
 * permuted), reads back under Hugging Face names equal to the original safetensors tensors.
 */
class GgufWeightSourceTest {
    private static final Path DIR = TestData.resource("gguf/tiny_llama");
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    @Test
    void everyTensorEqualsTheSafetensorsOriginal() {
        try (GgufWeightSource gguf = GgufWeightSource.open(DIR.resolve("model-f32.gguf"));
                SafetensorsFile hf = SafetensorsFile.open(DIR.resolve("model.safetensors"));
                PointerScope scope = new PointerScope()) {
            assertThat(gguf.names()).containsExactlyInAnyOrderElementsOf(hf.names());
            assertThat(gguf.names()).contains("lm_head.weight", "model.layers.2.self_attn.k_proj.weight");
            for (String name : hf.names()) {
                Tensor expected = hf.loadStored(name);
                Tensor got = gguf.load(name, DType.FP32, DeviceSpec.CPU);
                assertThat(Tensors.shape(got)).as(name).containsExactly(Tensors.shape(expected));
                assertThat(gguf.info(name).shape()).as(name).containsExactly(Tensors.shape(expected));
                assertThat(gguf.info(name).dtype()).isEqualTo("F32");
                assertThat(Tensors.maxAbsDiff(got, expected)).as(name + " max |Δ|").isZero();
            }
            // the permutation really happened in the file: raw q rows differ from the HF ones
            Tensor rawQ = gguf.file().load("blk.0.attn_q.weight", DType.FP32, DeviceSpec.CPU);
            assertThat(Tensors.maxAbsDiff(rawQ, hf.loadStored("model.layers.0.self_attn.q_proj.weight")))
                    .isGreaterThan(0.0);
            assertThat(gguf.ggufName("model.layers.1.mlp.down_proj.weight")).isEqualTo("blk.1.ffn_down.weight");
            Tensor bf = gguf.load("model.layers.0.self_attn.k_proj.weight", DType.BF16, DeviceSpec.CPU);
            assertThat(bf.scalar_type().intern()).isEqualTo(DType.BF16.scalarType());
            assertThat(Tensors.maxAbsDiff(bf, hf.loadStored("model.layers.0.self_attn.k_proj.weight")))
                    .isLessThan(0.01);
        }
    }

    @Test
    void configMatchesConfigJson() throws IOException {
        JsonNode expected = JSON.readTree(DIR.resolve("config.json").toFile());
        ObjectNode got;
        try (GgufFile f = GgufFile.open(DIR.resolve("model-f32.gguf"))) {
            got = f.toHfConfig();
        }
        for (String field : List.of("model_type", "vocab_size", "hidden_size", "intermediate_size",
                "num_hidden_layers", "num_attention_heads", "num_key_value_heads", "head_dim", "rms_norm_eps",
                "max_position_embeddings", "tie_word_embeddings", "bos_token_id", "eos_token_id", "architectures",
                "hidden_act", "attention_bias", "mlp_bias")) {
            assertThat(got.get(field)).as(field).isEqualTo(expected.get(field));
        }
        assertThat(got.get("rope_theta").asDouble())
                .isEqualTo(expected.path("rope_parameters").path("rope_theta").asDouble());
        assertThat(got.path("rope_parameters").path("rope_theta").asDouble()).isEqualTo(10000.0);
        assertThat(got.path("rope_parameters").path("rope_type").asText()).isEqualTo("default");
    }

    /** A tiny llama GGUF written field by field: 1 layer, d 8, 2 heads, 1 KV head, ffn 16, vocab 5. */
    private static GgufBytes tinyLlama(String arch, boolean withOutput, String extraTensor) {
        return tinyLlama(arch, withOutput, extraTensor, 1, java.util.Map.of());
    }

    /**
     * As above, with a block count and per-tensor overrides: name → {ggml type, dims "a,b" ("" for none)}.
     */
    static GgufBytes tinyLlama(String arch, boolean withOutput, String extraTensor, long blockCount,
            java.util.Map<String, Object[]> overrides) {
        List<String[]> tensors = new java.util.ArrayList<>();
        tensors.add(new String[] {"token_embd.weight", "8,5"});
        tensors.add(new String[] {"blk.0.attn_norm.weight", "8"});
        tensors.add(new String[] {"blk.0.attn_q.weight", "8,8"});
        tensors.add(new String[] {"blk.0.attn_k.weight", "8,4"});
        tensors.add(new String[] {"blk.0.attn_v.weight", "8,4"});
        tensors.add(new String[] {"blk.0.attn_output.weight", "8,8"});
        tensors.add(new String[] {"blk.0.ffn_norm.weight", "8"});
        tensors.add(new String[] {"blk.0.ffn_gate.weight", "8,16"});
        tensors.add(new String[] {"blk.0.ffn_up.weight", "8,16"});
        tensors.add(new String[] {"blk.0.ffn_down.weight", "16,8"});
        tensors.add(new String[] {"output_norm.weight", "8"});
        tensors.add(new String[] {"rope_freqs.weight", "2"});
        if (withOutput) {
            tensors.add(new String[] {"output.weight", "8,5"});
        }
        if (extraTensor != null) {
            tensors.add(new String[] {extraTensor, "8"});
        }
        GgufBytes b = GgufBytes.header(tensors.size(), 10).kvString("general.architecture", arch)
                .kvU32(arch + ".block_count", blockCount).kvU32(arch + ".embedding_length", 8)
                .kvU32(arch + ".feed_forward_length", 16).kvU32(arch + ".attention.head_count", 2)
                .kvU32(arch + ".attention.head_count_kv", 1).kvU32(arch + ".context_length", 32)
                .kvF32(arch + ".attention.layer_norm_rms_epsilon", 1e-6f).kvF32(arch + ".rope.freq_base", 500000f)
                .kvU32("tokenizer.ggml.bos_token_id", 3);
        long offset = 0;
        long[] sizes = new long[tensors.size()];
        for (int i = 0; i < tensors.size(); i++) {
            Object[] o = overrides.getOrDefault(tensors.get(i)[0], new Object[] {GgmlType.F32, tensors.get(i)[1]});
            GgmlType type = (GgmlType) o[0];
            String spec = (String) o[1];
            long[] dims = spec.isEmpty() ? new long[0]
                    : java.util.Arrays.stream(spec.split(",")).mapToLong(Long::parseLong).toArray();
            b.tensor(tensors.get(i)[0], type, offset, dims);
            sizes[i] = type.bytesFor(java.util.Arrays.stream(dims).reduce(1, (x, y) -> x * y));
            offset += (sizes[i] + 31) / 32 * 32;
        }
        b.align(32);
        float v = 0;
        for (long s : sizes) {
            for (long k = 0; k < s / 4; k++) {
                b.f32(v++);
            }
            b.zeros((int) (s % 4));
            b.align(32);
        }
        return b;
    }

    @Test
    void tiedEmbeddingsAndAHandMadeFile() {
        Path p = tinyLlama("llama", false, null).write(tmp, "tied.gguf");
        try (GgufWeightSource s = GgufWeightSource.open(p); PointerScope scope = new PointerScope()) {
            assertThat(s.names()).doesNotContain("lm_head.weight").hasSize(11);
            assertThat(s.contains("model.norm.weight")).isTrue();
            assertThatThrownBy(() -> s.load("lm_head.weight", DType.FP32, DeviceSpec.CPU))
                    .isInstanceOf(InvalidCheckpointException.class).hasMessageContaining(p.toString())
                    .hasMessageContaining("'lm_head.weight'").hasMessageContaining("tied");
            ObjectNode c = s.file().toHfConfig();
            assertThat(c.get("tie_word_embeddings").asBoolean()).isTrue();
            assertThat(c.get("vocab_size").asInt()).isEqualTo(5); // from token_embd: no llama.vocab_size key
            assertThat(c.get("num_key_value_heads").asInt()).isEqualTo(1);
            assertThat(c.get("head_dim").asInt()).isEqualTo(4);
            assertThat(c.get("rms_norm_eps").asDouble()).isEqualTo(1e-6);
            assertThat(c.get("rope_theta").asDouble()).isEqualTo(500000.0);
            assertThat(c.get("bos_token_id").asInt()).isEqualTo(3);
            assertThat(c.has("eos_token_id")).isFalse();
            // rope_freqs (Llama 3.1 frequency scaling) is not carried over: the config says so
            assertThat(c.path("rope_parameters").path("rope_type").asText()).isEqualTo("llama3");
            // k has one head: rows (h=0, i, j) of [1, 2, 2] go back to (h, j, i)
            float[] k = Tensors.toFloats(s.load("model.layers.0.self_attn.k_proj.weight", DType.FP32, DeviceSpec.CPU));
            float[] rawK = s.file().dequantize("blk.0.attn_k.weight");
            int[] rowOrder = {0, 2, 1, 3};
            for (int r = 0; r < 4; r++) {
                for (int col = 0; col < 8; col++) {
                    assertThat(k[r * 8 + col]).isEqualTo(rawK[rowOrder[r] * 8 + col]);
                }
            }
        }
    }

    @Test
    void unsupportedArchitecturesAndVariantsAreNamed() {
        Path gpt2 = tinyLlama("gpt2", true, null).write(tmp, "gpt2.gguf");
        assertThatThrownBy(() -> GgufWeightSource.open(gpt2)).isInstanceOf(InvalidCheckpointException.class)
                .hasMessageContaining(gpt2.toString()).hasMessageContaining("'gpt2' is not supported yet");
        try (GgufFile f = GgufFile.open(gpt2)) {
            assertThatThrownBy(f::toHfConfig).isInstanceOf(InvalidCheckpointException.class)
                    .hasMessageContaining("general.architecture 'gpt2' is not supported yet");
        }
        Path moe = tinyLlama("llama", true, "blk.0.ffn_gate_inp.weight").write(tmp, "moe.gguf");
        assertThatThrownBy(() -> GgufWeightSource.open(moe)).isInstanceOf(InvalidCheckpointException.class)
                .hasMessageContaining(moe.toString()).hasMessageContaining("'blk.0.ffn_gate_inp.weight'");
        Path layer = tinyLlama("llama", true, "blk.7.attn_norm.weight").write(tmp, "layer.gguf");
        assertThatThrownBy(() -> GgufWeightSource.open(layer)).isInstanceOf(InvalidCheckpointException.class)
                .hasMessageContaining("names layer 7 but llama.block_count is 1");
    }

    @Test
    void missingHyperParametersAreNamed() {
        Path p = GgufBytes.header(0, 2).kvString("general.architecture", "llama").kvU32("llama.block_count", 2)
                .write(tmp, "partial.gguf");
        assertThatThrownBy(() -> GgufWeightSource.open(p)).isInstanceOf(InvalidCheckpointException.class)
                .hasMessageContaining(p.toString()).hasMessageContaining("'llama.embedding_length' is missing");
        Path noArch = GgufBytes.header(0, 0).write(tmp, "noarch.gguf");
        assertThatThrownBy(() -> GgufWeightSource.open(noArch)).isInstanceOf(InvalidCheckpointException.class)
                .hasMessageContaining("'general.architecture' is missing");
    }

    @Test
    void aHugeBlockCountIsRefusedBeforeAnyAllocation() {
        Path p = tinyLlama("llama", true, null, Integer.MAX_VALUE, java.util.Map.of()).write(tmp, "blocks.gguf");
        assertThatThrownBy(() -> GgufWeightSource.open(p)).isInstanceOf(InvalidCheckpointException.class)
                .hasMessageContaining(p.toString()).hasMessageContaining("'llama.block_count' is 2147483647")
                .hasMessageContaining("holds only 13 tensors");
    }

    @Test
    void tensorsOfTheWrongRankAreNamedNotAnIndexError() {
        Path scalar = tinyLlama("llama", true, null, 1, java.util.Map.of("blk.0.attn_q.weight",
                new Object[] {GgmlType.F32, ""})).write(tmp, "scalar.gguf");
        assertThatThrownBy(() -> GgufWeightSource.open(scalar)).isInstanceOf(InvalidCheckpointException.class)
                .hasMessageContaining(scalar.toString()).hasMessageContaining("'blk.0.attn_q.weight' has 0 dimensions")
                .hasMessageContaining("expected 2");
        Path flatNorm = tinyLlama("llama", true, null, 1, java.util.Map.of("blk.0.attn_norm.weight",
                new Object[] {GgmlType.F32, "4,2"})).write(tmp, "norm2d.gguf");
        assertThatThrownBy(() -> GgufWeightSource.open(flatNorm)).isInstanceOf(InvalidCheckpointException.class)
                .hasMessageContaining("'blk.0.attn_norm.weight' has 2 dimensions").hasMessageContaining("expected 1");
    }

    @Test
    void typesLlamaCppDoesNotAllowAreRefused() {
        Path intNorm = tinyLlama("llama", true, null, 1, java.util.Map.of("output_norm.weight",
                new Object[] {GgmlType.I32, "8"})).write(tmp, "intnorm.gguf");
        assertThatThrownBy(() -> GgufWeightSource.open(intNorm)).isInstanceOf(InvalidCheckpointException.class)
                .hasMessageContaining(intNorm.toString()).hasMessageContaining("'output_norm.weight' is stored as I32")
                .hasMessageContaining("norm weight or bias");
        Path intMatrix = tinyLlama("llama", true, null, 1, java.util.Map.of("blk.0.ffn_up.weight",
                new Object[] {GgmlType.I8, "8,16"})).write(tmp, "intmatrix.gguf");
        assertThatThrownBy(() -> GgufWeightSource.open(intMatrix)).isInstanceOf(InvalidCheckpointException.class)
                .hasMessageContaining("'blk.0.ffn_up.weight' is stored as I8").hasMessageContaining("weight matrix");
        Path halfNorm = tinyLlama("llama", true, null, 1, java.util.Map.of("output_norm.weight",
                new Object[] {GgmlType.F16, "8"})).write(tmp, "halfnorm.gguf");
        try (GgufWeightSource s = GgufWeightSource.open(halfNorm)) {
            assertThat(s.info("model.norm.weight").dtype()).isEqualTo("F16");
        }
    }
}
