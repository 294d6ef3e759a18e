package io.github.icl4j.model.arch;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.icl4j.model.ArchitectureAdapter;
import com.fasterxml.jackson.databind.JsonNode;
import io.github.icl4j.checkpoint.InvalidCheckpointException;
import io.github.icl4j.model.ConfigJson;
import io.github.icl4j.model.ModelConfig;
import io.github.icl4j.model.ModelConfig.AttentionType;
import io.github.icl4j.model.WeightLoader;
import io.github.icl4j.model.RopeScaling;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The registry of families by {@code model_type}, and helpers shared by the adapters. */
public final class Adapters {
    private static final List<ArchitectureAdapter> ALL = List.of(new Gpt2Adapter(), new GptJAdapter(),
            new GptNeoXAdapter(), new LlamaAdapter(), new Phi3Adapter(),
            new GemmaAdapter());
    private static final Map<String, ArchitectureAdapter> BY_TYPE = new TreeMap<>();

    static {
        for (ArchitectureAdapter a : ALL) {
            for (String t : a.modelTypes()) {
                BY_TYPE.put(t, a);
            }
        }
    }

    private Adapters() {
    }

    /**
     * The adapter for a {@code model_type}.
     *
     * @throws IllegalArgumentException naming the type, the file and the supported types
     */
    public static ArchitectureAdapter forModelType(String modelType, Path source) {
        ArchitectureAdapter a = modelType == null ? null : BY_TYPE.get(modelType);
        if (a == null) {
            throw new IllegalArgumentException(source + ": model_type '" + modelType + "' is not supported"
                    + kindOf(modelType) + "; supported: " + BY_TYPE.keySet());
        }
        return a;
    }

    /** Why a known unsupported type is refused (mixture-of-experts, multimodal), or "". */
    private static String kindOf(String modelType) {
        if (modelType == null) {
            return " (config.json has no model_type)";
        }
        String t = modelType.toLowerCase(java.util.Locale.ROOT);
        if (t.contains("moe") || t.equals("mixtral") || t.startsWith("deepseek") || t.equals("dbrx")
                || t.equals("jamba") || t.equals("olmoe") || t.equals("granitemoe")) {
            return " (a mixture-of-experts architecture)";
        }
        if (t.contains("_vl") || t.contains("llava") || t.contains("vision") || t.contains("idefics")
                || t.contains("paligemma") || t.endsWith("_omni") || t.equals("mllama")) {
            return " (a multimodal architecture; load its language model alone)";
        }
        return "";
    }

    /** The supported {@code model_type} values. */
    public static java.util.Set<String> supportedModelTypes() {
        return BY_TYPE.keySet();
    }

    /** The attention geometry of a Llama-like {@code config.json}: width, query and key/value heads, head size. */
    record Heads(int d, int nHeads, int nKv, int dHead) {
        /**
         * Reads {@code hidden_size}, {@code num_attention_heads}, {@code num_key_value_heads} and {@code head_dim}
         * ({@code defaultHeadDim} when absent, or {@code hidden_size / num_attention_heads} when that is 0).
         */
        static Heads read(ConfigJson c, int defaultHeadDim) {
            int d = c.reqPositive("hidden_size");
            int nHeads = c.reqPositive("num_attention_heads");
            int nKv = c.optPositive(nHeads, "num_key_value_heads");
            if (nHeads % nKv != 0) {
                throw new IllegalArgumentException(c.source() + ": num_attention_heads " + nHeads + " is not a multiple "
                        + "of num_key_value_heads " + nKv);
            }
            if (c.has("head_dim")) {
                return new Heads(d, nHeads, nKv, c.optPositive(1, "head_dim"));
            }
            if (defaultHeadDim > 0) {
                return new Heads(d, nHeads, nKv, defaultHeadDim);
            }
            if (d % nHeads != 0) {
                throw new IllegalArgumentException(c.source() + ": hidden_size " + d + " is not a multiple of "
                        + "num_attention_heads " + nHeads + " and no head_dim is given");
            }
            return new Heads(d, nHeads, nKv, d / nHeads);
        }

        /**
         * Reads a GPT-2-style config's {@code n_embd} and {@code n_head} (or their {@code hidden_size} and
         * {@code num_attention_heads} aliases): one key/value head per query head, the head size the width's share.
         */
        static Heads readGpt2(ConfigJson c) {
            int d = c.reqPositive("n_embd", "hidden_size");
            int nHeads = c.reqPositive("n_head", "num_attention_heads");
            if (d % nHeads != 0) {
                throw new IllegalArgumentException(c.source() + ": n_embd " + d + " is not a multiple of n_head "
                        + nHeads);
            }
            return new Heads(d, nHeads, nHeads, d / nHeads);
        }
    }

    /** Writes a rotary scaling's type and parameters into a {@code rope_parameters} object. */
    static void putRopeScaling(ObjectNode rope, RopeScaling r) {
        rope.put("rope_type", r.type().hfName());
        if (!Double.isNaN(r.factor())) {
            rope.put("factor", r.factor());
        }
        if (r.originalMaxPositions() > 0) {
            rope.put("original_max_position_embeddings", r.originalMaxPositions());
        }
        if (!Double.isNaN(r.attentionFactor())) {
            rope.put("attention_factor", r.attentionFactor());
        }
        switch (r.type()) {
            case LLAMA3 -> {
                rope.put("low_freq_factor", r.lowFreqFactor());
                rope.put("high_freq_factor", r.highFreqFactor());
            }
            case YARN -> {
                rope.put("beta_fast", r.betaFast());
                rope.put("beta_slow", r.betaSlow());
                if (r.mscale() != 0) {
                    rope.put("mscale", r.mscale());
                }
                if (r.mscaleAllDim() != 0) {
                    rope.put("mscale_all_dim", r.mscaleAllDim());
                }
                rope.put("truncate", r.truncate());
            }
            case LONGROPE -> {
                r.shortFactor().forEach(rope.putArray("short_factor")::add);
                r.longFactor().forEach(rope.putArray("long_factor")::add);
            }
            default -> {
            }
        }
        if (!r.freqFactors().isEmpty()) {
            // a GGUF file's rope_freqs tensor: no transformers key holds it; icl4j reads this one back
            r.freqFactors().forEach(rope.putArray("rope_freqs")::add);
        }
    }

    /**
     * Per-block attention types: {@code layer_types} when the config lists them, else sliding from block
     * {@code firstSliding} on (Qwen2/Qwen3's {@code max_window_layers}).
     */
    static List<AttentionType> layerTypes(ConfigJson c, int layers, int firstSliding) {
        JsonNode n = c.node("layer_types");
        List<AttentionType> out = new ArrayList<>();
        if (n == null || n.isNull()) {
            for (int l = 0; l < layers; l++) {
                out.add(l >= firstSliding ? AttentionType.SLIDING : AttentionType.FULL);
            }
            return out;
        }
        if (!n.isArray() || n.size() != layers) {
            throw new IllegalArgumentException(c.source() + ": 'layer_types' = " + n + " must list one type per layer ("
                    + layers + ")");
        }
        for (JsonNode t : n) {
            AttentionType a = AttentionType.of(t.asText());
            if (a == null) {
                throw new IllegalArgumentException(c.source() + ": 'layer_types' holds " + t + "; supported: "
                        + "full_attention, sliding_attention");
            }
            out.add(a);
        }
        return out;
    }

    /** Writes Qwen-style sliding-window keys: {@code use_sliding_window}, {@code sliding_window}, {@code layer_types}. */
    static void putLayerTypes(ObjectNode o, ModelConfig m) {
        o.put("use_sliding_window", m.slidingWindow() > 0);
        if (m.slidingWindow() > 0) {
            o.put("sliding_window", m.slidingWindow());
            var types = o.putArray("layer_types");
            for (int l = 0; l < m.nLayers(); l++) {
                types.add(m.windowAt(l) > 0 ? AttentionType.SLIDING.hfName() : AttentionType.FULL.hfName());
            }
        } else {
            o.putNull("sliding_window");
        }
    }

    /**
     * Fails before loading when a tensor's shape is not what the configured heads or sizes imply, naming the
     * tensor, its shape, and {@code why} (the config keys and values it should split into).
     */
    static void checkShape(WeightLoader w, String name, String why, long... expected) {
        if (!w.has(name)) {
            return; // reported as missing by the load itself
        }
        long[] shape = w.info(name).shape();
        if (!java.util.Arrays.equals(shape, expected)) {
            throw new InvalidCheckpointException(w.origin() + ": tensor '" + name + "' has shape "
                    + java.util.Arrays.toString(shape) + " which does not split into config.json's " + why
                    + " (expected " + java.util.Arrays.toString(expected) + ")");
        }
    }

    /** A new {@code config.json} tree opening, as every family's does, with its Hugging Face class and model_type. */
    static ObjectNode configStart(String architecture, String modelType) {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.putArray("architectures").add(architecture);
        o.put("model_type", modelType);
        return o;
    }

    /** GPT-2-style shape keys (GPT-2 and GPT-J): vocabulary, width, layers, heads, MLP width, positions. */
    static void putGpt2Shape(ObjectNode o, ModelConfig m) {
        o.put("vocab_size", m.vocabSize());
        o.put("n_embd", m.dModel());
        o.put("n_layer", m.nLayers());
        o.put("n_head", m.nHeads());
        o.put("n_inner", m.dMlp());
        o.put("n_positions", m.maxPositions());
    }

    /** The shape keys that open a {@code hidden_size}-style config.json: vocabulary, width, layers, heads. */
    static void putDecoderWidth(ObjectNode o, ModelConfig m) {
        o.put("vocab_size", m.vocabSize());
        o.put("hidden_size", m.dModel());
        o.put("num_hidden_layers", m.nLayers());
        o.put("num_attention_heads", m.nHeads());
    }

    /** The shape keys every RMSNorm decoder's config.json carries (Llama-likes and Gemma write them alike). */
    static void putRmsDecoderShape(ObjectNode o, ModelConfig m) {
        putDecoderWidth(o, m);
        o.put("num_key_value_heads", m.nKvHeads());
        o.put("head_dim", m.dHead());
        o.put("intermediate_size", m.dMlp());
        o.put("max_position_embeddings", m.maxPositions());
        o.put("rms_norm_eps", m.normEps());
        o.put("rope_theta", m.rotaryBase());
    }

    static void putTokenIds(ObjectNode o, ModelConfig m) {
        if (m.bosTokenId() >= 0) {
            o.put("bos_token_id", m.bosTokenId());
        }
        if (m.eosTokenId() >= 0) {
            o.put("eos_token_id", m.eosTokenId());
        }
    }
}
