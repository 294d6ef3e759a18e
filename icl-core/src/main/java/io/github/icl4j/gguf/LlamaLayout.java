package io.github.icl4j.gguf;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.icl4j.checkpoint.InvalidCheckpointException;
import io.github.icl4j.model.arch.GemmaAdapter;
import io.github.icl4j.model.arch.LlamaAdapter;
import io.github.icl4j.model.arch.Phi3Adapter;
import io.github.icl4j.model.arch.Presence;
import io.github.icl4j.model.arch.TensorMap;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How a GGUF file maps onto a Hugging Face model: {@code general.architecture = llama} (Llama, Mistral, SmolLM2)
 * onto {@code LlamaForCausalLM}, {@code qwen2}, {@code qwen3} and {@code phi3} onto their own classes, and
 * {@code gemma}, {@code gemma2}, {@code gemma3} onto Gemma's causal LMs. The hyper-parameters under
 * {@code <arch>.*}, the tensor names, which tensors llama.cpp's converter permuted for its interleaved rotary
 * layout (only {@code llama}'s q and k: qwen2/3 and phi3 files use llama.cpp's NeoX rotary, the Hugging Face
 * layout), which norms it stored as {@code 1 + w} (Gemma), and the rotary scaling: {@code <arch>.rope.scaling.*}
 * keys, the {@code rope_freqs} tensor of Llama 3.x files (per-frequency divisors) and Phi-3's
 * {@code rope_factors_long} / {@code rope_factors_short} (longrope).
 */
final class LlamaLayout {
    static final String ARCH = "llama";
    /** The architectures read, in the order error messages list them. */
    static final List<String> ARCHS = List.of("llama", "qwen2", "qwen3", "phi3", "gemma", "gemma2", "gemma3");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern BLOCK = Pattern.compile("blk\\.(\\d+)\\.([a-z_]+)\\.(weight|bias)");
    /**
     * Gemma 3's sliding-window layer pattern and local rotary base: not stored in the file; llama.cpp
     * ({@code set_swa_pattern(6)}, {@code rope_freq_base_train_swa = 10000}) and transformers hard-code them.
     */
    static final int GEMMA3_PATTERN = 6;
    static final double GEMMA3_LOCAL_BASE = 10_000.0;
    /** GGUF tensors with no Hugging Face counterpart: their values go into the config's rotary scaling. */
    private static final Set<String> ROPE_TENSORS = Set.of("rope_freqs.weight", "rope_factors_long.weight",
            "rope_factors_short.weight");

    /** The most blocks a header-only file (no tensors to bound them by) may declare. */
    private static final int MAX_BLOCKS_WITHOUT_TENSORS = 4096;

    /** How a stored q/k projection must be un-permuted. */
    record Permute(int heads) {
    }

    private final GgufFile file;
    /** {@code general.architecture}: one of {@link #ARCHS}. */
    final String arch;
    final int layers;
    final int hidden;
    final int heads;
    final int[] kvHeads;
    /** HF name → GGUF name, in file order. */
    final Map<String, String> hfToGguf;
    /** HF name → un-permutation for q/k projections. */
    final Map<String, Permute> permutes;
    /** HF names of norms stored as {@code 1 + w} (Gemma's converter adds the 1; Hugging Face keeps w). */
    final Set<String> plusOneNorms;

    private LlamaLayout(GgufFile file) {
        this.file = file;
        this.arch = file.architecture();
        if (!ARCHS.contains(arch)) {
            throw new InvalidCheckpointException(file.path() + ": general.architecture '" + arch + "' is not supported "
                    + "yet; supported: " + ARCHS + " (llama covers Llama, Mistral and SmolLM2 files; gemma3 covers "
                    + "Gemma 3 270M)");
        }
        boolean gemma = arch.startsWith("gemma");
        if (file.getLong(key("expert_count"), 0) > 0) {
            throw new InvalidCheckpointException(file.path() + ": " + key("expert_count") + " = "
                    + file.get(key("expert_count")) + ": mixture-of-experts files are not supported yet");
        }
        layers = positive(key("block_count"));
        hidden = positive(key("embedding_length"));
        heads = positive(key("attention.head_count"));
        // every block holds several tensors: a larger count is corrupt, and would size per-layer arrays (2^31 - 1
        // layers asked for gigabytes before any tensor was looked at); a header without tensors (read for its
        // config alone) is held to a bound no real model comes near
        int tensors = file.tensors().size();
        if (tensors > 0 && layers > tensors) {
            throw new InvalidCheckpointException(file.path() + ": metadata key '" + key("block_count") + "' is "
                    + layers + " but the file holds only " + tensors + " tensors; expected at most one "
                    + "block per tensor");
        }
        if (tensors == 0 && layers > MAX_BLOCKS_WITHOUT_TENSORS) {
            throw new InvalidCheckpointException(file.path() + ": metadata key '" + key("block_count") + "' is "
                    + layers + "; expected at most " + MAX_BLOCKS_WITHOUT_TENSORS + " in a file without tensors");
        }
        kvHeads = perLayer(key("attention.head_count_kv"), heads);

        // the GGUF names come from the family's tensor table; the presences skipped pick the variant's names
        TensorMap table = switch (arch) {
            case "phi3" -> Phi3Adapter.TENSORS;
            case "gemma", "gemma2", "gemma3" -> GemmaAdapter.TENSORS;
            default -> LlamaAdapter.TENSORS;
        };
        Set<Presence> skip = switch (arch) {
            case "gemma" -> EnumSet.of(Presence.POST_NORMS, Presence.QK_NORM); // Gemma 1: ffn_norm is the pre-MLP norm
            case "gemma2", "gemma3" -> EnumSet.of(Presence.NO_POST_NORMS);
            case "qwen3", "phi3" -> EnumSet.noneOf(Presence.class);
            default -> EnumSet.of(Presence.QK_NORM); // llama, qwen2: no q/k norms
        };
        Map<String, String> blockNames = table.ggufBlockModules(skip);
        Map<String, String> topNames = table.ggufEnds();
        Map<String, String> names = new LinkedHashMap<>();
        Map<String, Permute> perm = new LinkedHashMap<>();
        Set<String> plusOne = new java.util.HashSet<>();
        for (GgufTensorInfo t : file.tensors()) {
            String g = t.name();
            checkKind(file, t);
            String hf = topNames.get(g);
            if (hf == null) {
                Matcher m = BLOCK.matcher(g);
                String part = m.matches() ? blockNames.get(m.group(2)) : null;
                if (part == null) {
                    if (ROPE_TENSORS.contains(g)) {
                        continue;
                    }
                    throw new InvalidCheckpointException(file.path() + ": tensor '" + g + "' has no Hugging Face "
                            + arch + " counterpart (variants such as mixture-of-experts are not supported yet)");
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
                hf = table.blockName(layer, part + "." + m.group(3));
                // only llama's converter permutes q/k rows (for llama.cpp's interleaved rotary)
                if (arch.equals(ARCH) && (m.group(2).equals("attn_q") || m.group(2).equals("attn_k"))) {
                    int h = m.group(2).equals("attn_q") ? heads : kvHeads[layer];
                    long rows = t.shape()[0];
                    if (rows % (2L * h) != 0) {
                        throw new InvalidCheckpointException(file.path() + ": tensor '" + g + "' has " + rows
                                + " rows, not a whole number of " + h + " rotary heads of even size");
                    }
                    perm.put(hf, new Permute(h));
                }
            }
            if (gemma && g.endsWith("norm.weight")) {
                plusOne.add(hf);
            }
            names.put(hf, g);
        }
        hfToGguf = Collections.unmodifiableMap(names);
        permutes = Collections.unmodifiableMap(perm);
        plusOneNorms = Set.copyOf(plusOne);
        if (arch.equals("gemma3")) {
            // Gemma 3 normalises q and k per head: a file without those norms would load into a different model
            for (int l = 0; l < layers; l++) {
                for (String t : new String[] {"attn_q_norm", "attn_k_norm"}) {
                    String g = "blk." + l + "." + t + ".weight";
                    if (!file.hasTensor(g)) {
                        throw new InvalidCheckpointException(file.path() + ": tensor '" + g + "' is missing; a gemma3 "
                                + "file needs the per-head q and k norms of every layer");
                    }
                }
            }
        }
    }

    /**
     * Refuses a tensor whose rank or ggml type llama.cpp would not accept for its role: matrices are 2-D and stored
     * as floats or a quantisation, vectors (norm weights, biases) are 1-D and stored as F32, F16 or BF16 (llama.cpp
     * never quantises them), and integer or intermediate (Q8_1, Q8_K) types hold no weights. Shared by every
     * architecture's layout: a tensor named {@code *.bias} or {@code *_norm.weight} is a vector.
     */
    static void checkKind(GgufFile file, GgufTensorInfo t) {
        String g = t.name();
        // rotary factor tensors (rope_freqs, rope_factors_long/short) are per-frequency vectors
        boolean vector = ROPE_TENSORS.contains(g) || g.endsWith(".bias") || g.endsWith("_norm.weight");
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

    private String key(String k) {
        return arch + "." + k;
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
