package io.github.icl4j.gguf;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.icl4j.checkpoint.InvalidCheckpointException;

/**
 * The Hugging Face {@code config.json} a GGUF file's metadata implies (see {@link GgufFile#toHfConfig()}): the
 * hyper-parameters under {@code <arch>.*} and the rotary scaling ({@code <arch>.rope.scaling.*} keys, the
 * {@code rope_freqs} tensor of Llama 3.x files as per-frequency divisors, Phi-3's {@code rope_factors_long} /
 * {@code rope_factors_short} as longrope), over the shape {@link LlamaLayout} read.
 */
final class GgufHfConfig {
    private static final ObjectMapper JSON = new ObjectMapper();
    /**
     * Gemma 3's sliding-window layer pattern and local rotary base: not stored in the file; llama.cpp
     * ({@code set_swa_pattern(6)}, {@code rope_freq_base_train_swa = 10000}) and transformers hard-code them.
     */
    static final int GEMMA3_PATTERN = 6;
    static final double GEMMA3_LOCAL_BASE = 10_000.0;

    private final GgufFile file;
    private final LlamaLayout layout;
    private final String arch;
    private final int layers;
    private final int hidden;
    private final int heads;
    private final int[] kvHeads;

    GgufHfConfig(GgufFile file, LlamaLayout layout) {
        this.file = file;
        this.layout = layout;
        this.arch = layout.arch;
        this.layers = layout.layers;
        this.hidden = layout.hidden;
        this.heads = layout.heads;
        this.kvHeads = layout.kvHeads;
    }

    private String key(String k) {
        return layout.key(k);
    }

    private int positive(String key) {
        return layout.positive(key);
    }

    /** float32 metadata as the shortest decimal that reads back to the same float (1e-5, not 9.99999974e-6). */
    private static double clean(float f) {
        return Double.parseDouble(Float.toString(f));
    }

    /** The {@code config.json} tree (see {@link GgufFile#toHfConfig()}). */
    ObjectNode toHfConfig() {
        ObjectNode c = JSON.createObjectNode();
        if (arch.startsWith("gemma")) {
            return gemmaConfig(c);
        }
        String hfClass = switch (arch) {
            case "qwen2" -> "Qwen2ForCausalLM";
            case "qwen3" -> "Qwen3ForCausalLM";
            case "phi3" -> "Phi3ForCausalLM";
            default -> "LlamaForCausalLM";
        };
        c.putArray("architectures").add(hfClass);
        c.put("model_type", arch);
        putShape(c);
        if (!c.has("head_dim")) {
            throw new InvalidCheckpointException(file.path() + ": " + key("embedding_length") + " " + hidden
                    + " is not a multiple of " + key("attention.head_count") + " " + heads + " and there is no "
                    + key("attention.key_length"));
        }
        int headDim = c.get("head_dim").asInt();
        c.put("hidden_act", "silu");
        c.put("rms_norm_eps", clean(file.getFloat(key("attention.layer_norm_rms_epsilon"))));
        double theta = clean(file.getFloat(key("rope.freq_base"), 10000f));
        c.put("rope_theta", theta);
        ObjectNode rope = c.putObject("rope_parameters");
        rope.put("rope_theta", theta);
        int maxPos = positive(key("context_length"));
        c.put("max_position_embeddings", maxPos);
        putRope(c, rope, headDim);
        if (arch.equals("phi3") && file.getInt(key("attention.sliding_window"), 0) > 0) {
            c.put("sliding_window", file.getInt(key("attention.sliding_window")));
        }
        c.put("tie_word_embeddings", !file.hasTensor("output.weight"));
        c.put("attention_bias", !arch.equals("qwen2") && file.hasTensor("blk.0.attn_q.bias"));
        c.put("mlp_bias", false);
        putId(c, "bos_token_id", "tokenizer.ggml.bos_token_id");
        putId(c, "eos_token_id", "tokenizer.ggml.eos_token_id");
        putId(c, "pad_token_id", "tokenizer.ggml.padding_token_id");
        return c;
    }

    /**
     * The rotary scaling as {@code rope_parameters}: {@code rope.scaling.type} linear / yarn with its keys, Phi-3's
     * longrope factor tensors, a Llama 3.x {@code rope_freqs} tensor (kept as {@code rope_freqs}, divisors of each
     * frequency as llama.cpp applies them), and Phi-3's rotated fraction from {@code rope.dimension_count}.
     */
    private void putRope(ObjectNode c, ObjectNode rope, int headDim) {
        if (arch.equals("phi3") && file.has(key("rope.dimension_count"))) {
            int dims = positive(key("rope.dimension_count"));
            rope.put("partial_rotary_factor", (double) dims / headDim);
        }
        String scaling = file.getString(key("rope.scaling.type"), "none");
        boolean longrope = file.hasTensor("rope_factors_long.weight") || file.hasTensor("rope_factors_short.weight");
        if (longrope) {
            rope.put("rope_type", "longrope");
            putFactors(rope, "long_factor", "rope_factors_long.weight");
            putFactors(rope, "short_factor", "rope_factors_short.weight");
            int orig = file.getInt(key("rope.scaling.original_context_length"), 0);
            if (orig <= 0) {
                throw new InvalidCheckpointException(file.path() + ": longrope factor tensors without a positive "
                        + key("rope.scaling.original_context_length"));
            }
            c.put("original_max_position_embeddings", orig);
            rope.put("original_max_position_embeddings", orig);
            if (file.has(key("rope.scaling.attn_factor"))) {
                rope.put("attention_factor", clean(file.getFloat(key("rope.scaling.attn_factor"))));
            }
        } else if (!scaling.equals("none")) {
            rope.put("rope_type", scaling);
            if (file.has(key("rope.scaling.factor"))) {
                rope.put("factor", clean(file.getFloat(key("rope.scaling.factor"))));
            }
            if (file.has(key("rope.scaling.original_context_length"))) {
                rope.put("original_max_position_embeddings", file.getInt(key("rope.scaling.original_context_length")));
            }
            if (scaling.equals("yarn")) {
                putFloat(rope, "beta_fast", "rope.scaling.yarn_beta_fast");
                putFloat(rope, "beta_slow", "rope.scaling.yarn_beta_slow");
                putFloat(rope, "attention_factor", "rope.scaling.attn_factor");
            }
        } else {
            rope.put("rope_type", "default");
        }
        if (file.hasTensor("rope_freqs.weight")) {
            // Llama 3.1+: llama.cpp stores the llama3 frequency scaling as divisors of each frequency
            putFactors(rope, "rope_freqs", "rope_freqs.weight");
        }
    }

    private void putFactors(ObjectNode rope, String field, String tensor) {
        if (!file.hasTensor(tensor)) {
            throw new InvalidCheckpointException(file.path() + ": tensor '" + tensor + "' is missing beside its pair");
        }
        var a = rope.putArray(field);
        for (float f : file.dequantize(tensor)) {
            a.add(clean(f));
        }
    }

    private void putFloat(ObjectNode o, String field, String k) {
        if (file.has(key(k))) {
            o.put(field, clean(file.getFloat(key(k))));
        }
    }

    /** Vocabulary, widths, depth and head counts: the fields every architecture shares. */
    private void putShape(ObjectNode c) {
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
                        + " differs between layers; a Hugging Face config needs one value");
            }
        }
        c.put("num_key_value_heads", kvHeads[0]);
        if (file.has(key("attention.key_length"))) {
            c.put("head_dim", positive(key("attention.key_length")));
        } else if (hidden % heads == 0) {
            c.put("head_dim", hidden / heads);
        }
    }

    /**
     * Gemma's config. What the file does not store is what llama.cpp assumes: {@code query_pre_attn_scalar} =
     * head width (llama.cpp uses d / heads only for the 27B models, which this does not detect), Gemma 2's
     * every-second-layer and Gemma 3's five-of-six sliding layers, Gemma 3's local rotary base 10,000.
     */
    private ObjectNode gemmaConfig(ObjectNode c) {
        String type = arch.equals("gemma3") ? "gemma3_text" : arch;
        c.putArray("architectures").add(switch (arch) {
            case "gemma2" -> "Gemma2ForCausalLM";
            case "gemma3" -> "Gemma3ForCausalLM";
            default -> "GemmaForCausalLM";
        });
        c.put("model_type", type);
        putShape(c);
        int headDim = c.get("head_dim").asInt();
        c.put(arch.equals("gemma") ? "hidden_act" : "hidden_activation", "gelu_pytorch_tanh");
        c.put("rms_norm_eps", clean(file.getFloat(key("attention.layer_norm_rms_epsilon"))));
        String scaling = file.getString(key("rope.scaling.type"), "none");
        if (!scaling.equals("none")) {
            throw new InvalidCheckpointException(file.path() + ": " + key("rope.scaling.type") + " = '" + scaling
                    + "' is not supported; only unscaled rotary");
        }
        double theta = clean(file.getFloat(key("rope.freq_base"), arch.equals("gemma3") ? 1e6f : 10000f));
        int ctx = positive(key("context_length"));
        c.put("max_position_embeddings", ctx);
        c.put("tie_word_embeddings", !file.hasTensor("output.weight"));
        c.put("attention_bias", false);
        if (arch.equals("gemma3")) {
            ObjectNode rope = c.putObject("rope_parameters");
            rope.putObject("full_attention").put("rope_type", "default").put("rope_theta", theta);
            double local = file.has(key("rope.freq_base_swa"))
                    ? clean(file.getFloat(key("rope.freq_base_swa"))) : GEMMA3_LOCAL_BASE;
            rope.putObject("sliding_attention").put("rope_type", "default").put("rope_theta", local);
        } else {
            c.put("rope_theta", theta);
        }
        if (!arch.equals("gemma")) {
            c.put("query_pre_attn_scalar", headDim);
            int window = positive(key("attention.sliding_window"));
            if (window > ctx) {
                throw new InvalidCheckpointException(file.path() + ": metadata key '" + key("attention.sliding_window")
                        + "' is " + window + ", larger than the context (" + key("context_length") + " = " + ctx
                        + "); expected at most " + ctx);
            }
            c.put("sliding_window", window);
            int pattern = arch.equals("gemma3") ? GEMMA3_PATTERN : 2;
            var types = c.putArray("layer_types");
            for (int l = 0; l < layers; l++) {
                types.add((l + 1) % pattern != 0 ? "sliding_attention" : "full_attention");
            }
            putCap(c, "attn_logit_softcapping", "attn_logit_softcapping");
            putCap(c, "final_logit_softcapping", "final_logit_softcapping");
        }
        putId(c, "bos_token_id", "tokenizer.ggml.bos_token_id");
        putId(c, "eos_token_id", "tokenizer.ggml.eos_token_id");
        putId(c, "pad_token_id", "tokenizer.ggml.padding_token_id");
        return c;
    }

    /** A soft-cap from {@code <arch>.<key>} (Gemma 2 stores both), or null = none; 0, NaN, ∞ or < 0 fail. */
    private void putCap(ObjectNode c, String field, String k) {
        if (!file.has(key(k))) {
            c.putNull(field);
            return;
        }
        float v = file.getFloat(key(k));
        if (!(v > 0) || Float.isInfinite(v)) {
            throw new InvalidCheckpointException(file.path() + ": metadata key '" + key(k) + "' is " + v
                    + "; expected a finite soft-cap > 0");
        }
        c.put(field, clean(v));
    }

    private void putId(ObjectNode c, String field, String key) {
        if (file.has(key)) {
            c.put(field, file.getInt(key));
        }
    }
}
