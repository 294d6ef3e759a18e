package io.github.icl4j.gguf;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.icl4j.checkpoint.InvalidCheckpointException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How a {@code general.architecture = llama} GGUF file maps onto a Hugging Face {@code LlamaForCausalLM}: the
 * hyper-parameters under {@code llama.*}, the tensor names, and which tensors llama.cpp's converter permuted
 * for its rotary embedding layout.
 */
final class LlamaLayout {
    static final String ARCH = "llama";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern BLOCK = Pattern.compile("blk\\.(\\d+)\\.([a-z_]+)\\.(weight|bias)");
    private static final Map<String, String> BLOCK_NAMES = Map.ofEntries(
            Map.entry("attn_norm", "input_layernorm"),
            Map.entry("attn_q", "self_attn.q_proj"),
            Map.entry("attn_k", "self_attn.k_proj"),
            Map.entry("attn_v", "self_attn.v_proj"),
            Map.entry("attn_output", "self_attn.o_proj"),
            Map.entry("ffn_norm", "post_attention_layernorm"),
            Map.entry("ffn_gate", "mlp.gate_proj"),
            Map.entry("ffn_up", "mlp.up_proj"),
            Map.entry("ffn_down", "mlp.down_proj"));
    private static final Map<String, String> TOP_NAMES = Map.of(
            "token_embd.weight", "model.embed_tokens.weight",
            "output_norm.weight", "model.norm.weight",
            "output.weight", "lm_head.weight");
    /** GGUF tensors with no Hugging Face counterpart that are safe to leave out. */
    private static final Set<String> IGNORED = Set.of("rope_freqs.weight");

    /** How a stored q/k projection must be un-permuted. */
    record Permute(int heads) {
    }

    private final GgufFile file;
    final int layers;
    final int hidden;
    final int heads;
    final int[] kvHeads;
    /** HF name → GGUF name, in file order. */
    final Map<String, String> hfToGguf;
    /** HF name → un-permutation for q/k projections. */
    final Map<String, Permute> permutes;

    private LlamaLayout(GgufFile file) {
        this.file = file;
        String arch = file.architecture();
        if (!ARCH.equals(arch)) {
            throw new InvalidCheckpointException(file.path() + ": general.architecture '" + arch + "' is not supported "
                    + "yet; supported: " + ARCH + " (which covers Llama, Mistral and SmolLM2 files)");
        }
        if (file.getLong(key("expert_count"), 0) > 0) {
            throw new InvalidCheckpointException(file.path() + ": " + key("expert_count") + " = "
                    + file.get(key("expert_count")) + ": mixture-of-experts llama files are not supported yet");
        }
        layers = positive(key("block_count"));
        hidden = positive(key("embedding_length"));
        heads = positive(key("attention.head_count"));
        // every block holds several tensors: a larger count is corrupt, and would size per-layer arrays (2^31 - 1
        // layers asked for gigabytes before any tensor was looked at)
        if (layers > file.tensors().size()) {
            throw new InvalidCheckpointException(file.path() + ": metadata key '" + key("block_count") + "' is "
                    + layers + " but the file holds only " + file.tensors().size() + " tensors; expected at most one "
                    + "block per tensor");
        }
        kvHeads = perLayer(key("attention.head_count_kv"), heads);

        Map<String, String> names = new LinkedHashMap<>();
        Map<String, Permute> perm = new LinkedHashMap<>();
        for (GgufTensorInfo t : file.tensors()) {
            String g = t.name();
            checkKind(file, t);
            String hf = TOP_NAMES.get(g);
            if (hf == null) {
                Matcher m = BLOCK.matcher(g);
                String part = m.matches() ? BLOCK_NAMES.get(m.group(2)) : null;
                if (part == null) {
                    if (IGNORED.contains(g)) {
                        continue;
                    }
                    throw new InvalidCheckpointException(file.path() + ": tensor '" + g + "' has no Hugging Face "
                            + "Llama counterpart (variants such as mixture-of-experts are not supported yet)");
                }
                int layer;
                try {
                    layer = Integer.parseInt(m.group(1));
                } catch (NumberFormatException e) {
                    layer = Integer.MAX_VALUE;
                }
                if (layer >= layers) {
                    throw new InvalidCheckpointException(file.path() + ": tensor '" + g + "' names layer " + m.group(1)
                            + " but " + key("block_count") + " is " + layers);
                }
                hf = "model.layers." + layer + "." + part + "." + m.group(3);
                if (m.group(2).equals("attn_q") || m.group(2).equals("attn_k")) {
                    int h = m.group(2).equals("attn_q") ? heads : kvHeads[layer];
                    long rows = t.shape()[0];
                    if (rows % (2L * h) != 0) {
                        throw new InvalidCheckpointException(file.path() + ": tensor '" + g + "' has " + rows
                                + " rows, not a whole number of " + h + " rotary heads of even size");
                    }
                    perm.put(hf, new Permute(h));
                }
            }
            names.put(hf, g);
        }
        hfToGguf = Collections.unmodifiableMap(names);
        permutes = Collections.unmodifiableMap(perm);
    }

    /**
     * Refuses a tensor whose rank or ggml type llama.cpp would not accept for its role: matrices are 2-D and stored
     * as floats or a quantisation, vectors (norm weights, biases) are 1-D and stored as F32, F16 or BF16 (llama.cpp
     * never quantises them), and integer or intermediate (Q8_1, Q8_K) types hold no weights. Shared by every
     * architecture's layout: a tensor named {@code *.bias} or {@code *_norm.weight} is a vector.
     */
    static void checkKind(GgufFile file, GgufTensorInfo t) {
        String g = t.name();
        if (IGNORED.contains(g)) {
            return;
        }
        boolean vector = g.endsWith(".bias") || g.endsWith("_norm.weight");
        int rank = t.dims().length;
        if (rank != (vector ? 1 : 2)) {
            throw new InvalidCheckpointException(file.path() + ": tensor '" + g + "' has " + rank + " dimensions "
                    + java.util.Arrays.toString(t.dims()) + "; expected " + (vector ? "1 (a vector)" : "2 (a matrix)"));
        }
        GgmlType type = t.type();
        boolean ok = vector ? VECTOR_TYPES.contains(type) : !NO_WEIGHT_TYPES.contains(type);
        if (!ok) {
            throw new InvalidCheckpointException(file.path() + ": tensor '" + g + "' is stored as " + type
                    + ", which llama.cpp does not allow for " + (vector ? "a norm weight or bias (expected one of "
                    + VECTOR_TYPES + ")" : "a weight matrix (integer and intermediate types hold no weights)"));
        }
    }

    private static final Set<GgmlType> VECTOR_TYPES = java.util.EnumSet.of(GgmlType.F32, GgmlType.F16, GgmlType.BF16);
    private static final Set<GgmlType> NO_WEIGHT_TYPES = java.util.EnumSet.of(GgmlType.I8, GgmlType.I16, GgmlType.I32,
            GgmlType.I64, GgmlType.Q8_1, GgmlType.Q8_K);

    static LlamaLayout of(GgufFile file) {
        return new LlamaLayout(file);
    }

    private static String key(String k) {
        return ARCH + "." + k;
    }

    private int positive(String key) {
        int v = file.getInt(key);
        if (v <= 0) {
            throw new InvalidCheckpointException(file.path() + ": metadata key '" + key + "' is " + v
                    + "; expected a positive integer");
        }
        return v;
    }

    /** A per-layer integer: a scalar for every layer, or an array of one value per layer. */
    private int[] perLayer(String key, int fallback) {
        int[] out = new int[layers];
        if (!file.has(key)) {
            java.util.Arrays.fill(out, fallback);
            return out;
        }
        if (file.valueType(key) == GgufValueType.ARRAY) {
            int[] a = file.getIntArray(key);
            if (a.length != layers) {
                throw new InvalidCheckpointException(file.path() + ": metadata key '" + key + "' has " + a.length
                        + " values; expected one per layer (" + layers + ")");
            }
            out = a;
        } else {
            java.util.Arrays.fill(out, file.getInt(key));
        }
        for (int v : out) {
            if (v <= 0 || heads % v != 0) {
                throw new InvalidCheckpointException(file.path() + ": metadata key '" + key + "' holds " + v
                        + "; expected a positive divisor of the head count " + heads);
            }
        }
        return out;
    }

    /** float32 metadata as the shortest decimal that reads back to the same float (1e-5, not 9.99999974e-6). */
    private static double clean(float f) {
        return Double.parseDouble(Float.toString(f));
    }

    ObjectNode toHfConfig() {
        ObjectNode c = JSON.createObjectNode();
        c.putArray("architectures").add("LlamaForCausalLM");
        c.put("model_type", "llama");
        int vocab;
        if (file.has(key("vocab_size"))) {
            vocab = positive(key("vocab_size"));
        } else if (file.hasTensor("token_embd.weight")) {
            vocab = Math.toIntExact(file.tensor("token_embd.weight").shape()[0]);
        } else {
            vocab = file.getArray("tokenizer.ggml.tokens").size();
        }
        c.put("vocab_size", vocab);
        c.put("hidden_size", hidden);
        c.put("intermediate_size", positive(key("feed_forward_length")));
        c.put("num_hidden_layers", layers);
        c.put("num_attention_heads", heads);
        for (int v : kvHeads) {
            if (v != kvHeads[0]) {
                throw new InvalidCheckpointException(file.path() + ": " + key("attention.head_count_kv")
                        + " differs between layers; a Hugging Face Llama config needs one value");
            }
        }
        c.put("num_key_value_heads", kvHeads[0]);
        if (file.has(key("attention.key_length"))) {
            c.put("head_dim", positive(key("attention.key_length")));
        } else if (hidden % heads == 0) {
            c.put("head_dim", hidden / heads);
        }
        c.put("hidden_act", "silu");
        c.put("rms_norm_eps", clean(file.getFloat(key("attention.layer_norm_rms_epsilon"))));
        double theta = clean(file.getFloat(key("rope.freq_base"), 10000f));
        c.put("rope_theta", theta);
        ObjectNode rope = c.putObject("rope_parameters");
        rope.put("rope_theta", theta);
        String scaling = file.getString(key("rope.scaling.type"), "none");
        if (!scaling.equals("none")) {
            ObjectNode rs = c.putObject("rope_scaling");
            rs.put("rope_type", scaling);
            rs.put("type", scaling);
            rope.put("rope_type", scaling);
            if (file.has(key("rope.scaling.factor"))) {
                double factor = clean(file.getFloat(key("rope.scaling.factor")));
                rs.put("factor", factor);
                rope.put("factor", factor);
            }
            if (file.has(key("rope.scaling.original_context_length"))) {
                int orig = file.getInt(key("rope.scaling.original_context_length"));
                rs.put("original_max_position_embeddings", orig);
                rope.put("original_max_position_embeddings", orig);
            }
        } else if (file.hasTensor("rope_freqs.weight")) {
            // Llama 3.1+ stores its rotary frequency scaling as this tensor, not as metadata: say so, so that a
            // loader that only does unscaled rotary refuses the model instead of computing something else.
            ObjectNode rs = c.putObject("rope_scaling");
            rs.put("rope_type", "llama3");
            rs.put("type", "llama3");
            rs.put("gguf_tensor", "rope_freqs.weight");
            rope.put("rope_type", "llama3");
        } else {
            rope.put("rope_type", "default");
        }
        c.put("max_position_embeddings", positive(key("context_length")));
        c.put("tie_word_embeddings", !file.hasTensor("output.weight"));
        c.put("attention_bias", file.hasTensor("blk.0.attn_q.bias"));
        c.put("mlp_bias", false);
        putId(c, "bos_token_id", "tokenizer.ggml.bos_token_id");
        putId(c, "eos_token_id", "tokenizer.ggml.eos_token_id");
        putId(c, "pad_token_id", "tokenizer.ggml.padding_token_id");
        return c;
    }

    private void putId(ObjectNode c, String field, String key) {
        if (file.has(key)) {
            c.put(field, file.getInt(key));
        }
    }
}
