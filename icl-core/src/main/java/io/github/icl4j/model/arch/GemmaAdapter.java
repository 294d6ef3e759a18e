package io.github.icl4j.model.arch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.icl4j.checkpoint.WeightSource;
import io.github.icl4j.model.Activation;
import io.github.icl4j.model.ConfigJson;
import io.github.icl4j.model.ModelConfig;
import io.github.icl4j.model.RopeScaling;
import io.github.icl4j.model.ModelConfig.AttentionType;
import io.github.icl4j.model.ModelConfig.Family;
import io.github.icl4j.model.ModelConfig.NormKind;
import io.github.icl4j.model.ModelConfig.QkNorm;
import io.github.icl4j.model.ModelConfig.RotaryStyle;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Google's Gemma family: Gemma ({@code gemma}), Gemma 2 ({@code gemma2}) and Gemma 3 ({@code gemma3_text}, and
 * {@code gemma3} checkpoints whose text model sits under {@code text_config}; their vision tower is not loaded).
 *
 * <p>Llama's layout plus: RMSNorm scaling by {@code 1 + w}; embeddings multiplied by sqrt(d) (the tied
 * unembedding is not); GELU-tanh gated MLP. Gemma 2 and 3 add norms after attention and after the MLP,
 * attention scaled by {@code query_pre_attn_scalar^-0.5}, and sliding-window layers ({@code layer_types}, else
 * every second layer for Gemma 2 and five of every six for Gemma 3). Gemma 2 soft-caps attention scores and
 * logits; Gemma 3 normalises q and k per head before rotary and gives its sliding layers their own rotary
 * base ({@code rope_local_base_freq}, 10,000).
 */
public final class GemmaAdapter extends TensorTableAdapter {
    /**
     * Gemma's tensors: Llama's, with Gemma 2/3's norms after attention and around the MLP (Gemma 1 names its
     * pre-MLP norm {@code post_attention_layernorm}, as Llama; Gemma 2/3 use that name for the norm on the attention
     * output and {@code pre_feedforward_layernorm} for the pre-MLP one), inside {@code model.language_model.} in
     * multimodal Gemma 3 checkpoints, whose vision tower is skipped.
     */
    public static final TensorMap TENSORS = new TensorMap("model.",
            List.of("model.language_model.", "language_model.model."), "layers.", LlamaAdapter.ENDS,
            Stream.concat(Stream.of(
                    MappedTensor.of("input_layernorm.weight", WeightSlot.LN1_W).gguf("attn_norm.weight"),
                    MappedTensor.of("post_attention_layernorm.weight", WeightSlot.LN2_W).gguf("ffn_norm.weight")
                            .when(Presence.NO_POST_NORMS),
                    MappedTensor.of("pre_feedforward_layernorm.weight", WeightSlot.LN2_W).gguf("ffn_norm.weight")
                            .when(Presence.POST_NORMS),
                    MappedTensor.of("post_attention_layernorm.weight", WeightSlot.POST_ATTN_NORM_W)
                            .gguf("post_attention_norm.weight").when(Presence.POST_NORMS),
                    MappedTensor.of("post_feedforward_layernorm.weight", WeightSlot.POST_MLP_NORM_W)
                            .gguf("post_ffw_norm.weight").when(Presence.POST_NORMS)),
                    LlamaAdapter.ATTENTION_AND_MLP.stream()).toList(),
            List.of(Pattern.compile(".*rotary_emb\\..*inv_freq"), Pattern.compile("lm_head\\.weight"),
                    Pattern.compile("(model\\.)?vision_tower\\..*"),
                    Pattern.compile("(model\\.)?multi_modal_projector\\..*")));

    /** Reads and writes checkpoints through {@link #TENSORS}; the model types it handles are named here. */
    public GemmaAdapter() {
        super(TENSORS, "gemma", "gemma2", "gemma3_text", "gemma3");
    }

    @Override
    public ModelConfig parseConfig(JsonNode json, Path source) {
        String type = json.path("model_type").asText("gemma");
        JsonNode top = json;
        if (type.equals("gemma3")) {
            // multimodal checkpoint: the language model's config is nested
            JsonNode text = json.get("text_config");
            if (text == null || !text.isObject()) {
                throw new IllegalArgumentException(source + ": model_type 'gemma3' needs a 'text_config' object "
                        + "(the language model's configuration)");
            }
            json = text;
            type = "gemma3_text";
        }
        ConfigJson c = new ConfigJson(json, source);
        ConfigJson outer = new ConfigJson(top, source);
        c.refuseVariants(); // mixture-of-experts keys, or a multimodal config other than gemma3's own nesting
        boolean gemma1 = type.equals("gemma");
        boolean gemma3 = type.equals("gemma3_text");
        if (c.optBool(false, "use_bidirectional_attention")) {
            throw new IllegalArgumentException(source + ": use_bidirectional_attention=true is not supported "
                    + "(icl4j runs causal decoders)");
        }
        if (c.optBool(false, "attention_bias")) {
            throw new IllegalArgumentException(source + ": attention_bias=true is not supported for " + type);
        }
        int d = c.reqInt("hidden_size");
        int nLayers = c.reqInt("num_hidden_layers");
        int nHeads = c.reqInt("num_attention_heads");
        int nKv = c.optInt(nHeads, "num_key_value_heads");
        int dHead = c.optInt(256, "head_dim");
        int maxPos = c.optInt(gemma3 ? 131072 : 8192, "max_position_embeddings");
        String act = gemma1 ? c.optString("gelu_pytorch_tanh", "hidden_act")
                : c.optString("gelu_pytorch_tanh", "hidden_activation", "hidden_act");

        double globalBase = gemma3 ? 1_000_000.0 : 10_000.0;
        double localBase = 0;
        RopeScaling scaling = RopeScaling.NONE;
        JsonNode rope = json.get("rope_parameters");
        if (gemma3 && rope != null && rope.has("full_attention")) {
            // transformers 5: one rotary per layer type
            globalBase = ropeTheta(rope.get("full_attention"), globalBase, source, "rope_parameters.full_attention");
            localBase = ropeTheta(rope.get("sliding_attention"), 10_000.0, source, "rope_parameters.sliding_attention");
        } else {
            // Gemma 3's linear scaling (4B and up) applies to the global blocks only, as in transformers
            scaling = c.ropeScaling(maxPos, dHead, gemma3 ? Set.of(RopeScaling.Type.DEFAULT, RopeScaling.Type.LINEAR)
                    : Set.of(RopeScaling.Type.DEFAULT), Map.of());
            globalBase = c.ropeTheta(globalBase, "rope_theta");
            if (gemma3) {
                localBase = c.optDouble(10_000.0, "rope_local_base_freq");
            }
        }

        int window = 0;
        List<AttentionType> sliding = List.of();
        if (!gemma1) {
            window = c.optInt(4096, "sliding_window");
            sliding = layerTypes(c, json, nLayers, gemma3 ? 6 : 2, source);
            if (sliding.contains(AttentionType.SLIDING)) {
                if (window <= 0) {
                    throw new IllegalArgumentException(source + ": 'sliding_window' = " + window + " must be > 0 "
                            + "when layers use sliding attention");
                }
                if (window > maxPos) {
                    throw new IllegalArgumentException(source + ": 'sliding_window' = " + window + " is larger than "
                            + "the context ('max_position_embeddings' = " + maxPos + "); expected at most " + maxPos);
                }
            } else {
                window = 0;
            }
        }
        double attnScale = 1.0 / Math.sqrt(gemma1 ? dHead : positiveNumber(c, "query_pre_attn_scalar", 256));
        double attnCap = gemma1 ? 0 : softcap(c, "attn_logit_softcapping", type.equals("gemma2") ? 50.0 : 0);
        double finalCap = gemma1 ? 0 : softcap(c, "final_logit_softcapping", type.equals("gemma2") ? 30.0 : 0);
        boolean tied = c.has("tie_word_embeddings") ? c.optBool(true, "tie_word_embeddings")
                : outer.optBool(true, "tie_word_embeddings");
        return ModelConfig.builder(type, Family.LLAMA).vocabSize(c.reqInt("vocab_size")).dModel(d).nLayers(nLayers)
                .nHeads(nHeads).nKvHeads(nKv).dHead(dHead).dMlp(c.reqInt("intermediate_size")).maxPositions(maxPos)
                .norm(NormKind.RMS_NORM, c.optDouble(1e-6, "rms_norm_eps")).activation(Activation.parse(act))
                .gatedMlp(true).rotary(dHead, globalBase, RotaryStyle.HALF).ropeScaling(scaling).tiedEmbeddings(tied)
                .slidingWindow(window).layerTypes(sliding)
                .tokenIds(c.optTokenId("bos_token_id"), c.optTokenId("eos_token_id"))
                .normWeightOffset(1.0).sublayerNorms(true, !gemma1).qkNorm(gemma3 ? QkNorm.PER_HEAD : QkNorm.NONE)
                .embeddingScale(Math.sqrt(d)).attentionScale(attnScale).softcaps(attnCap, finalCap)
                .localRotaryBase(localBase).build();
    }

    private static double ropeTheta(JsonNode p, double dflt, Path source, String key) {
        if (p == null || !p.isObject()) {
            return dflt;
        }
        String type = p.path("rope_type").asText("default");
        if (!type.equals("default")) {
            throw new IllegalArgumentException(source + ": " + key + " type '" + type + "' is not supported; only "
                    + "unscaled rotary ('default')");
        }
        JsonNode t = p.get("rope_theta");
        if (t == null || t.isNull()) {
            return dflt;
        }
        if (!t.isNumber() || !(t.asDouble() > 0)) {
            throw new IllegalArgumentException(source + ": " + key + ".rope_theta = " + t + " must be a number > 0");
        }
        return t.asDouble();
    }

    /** Per layer, true for sliding attention: {@code layer_types}, else every {@code pattern}-th layer global. */
    private static List<AttentionType> layerTypes(ConfigJson c, JsonNode json, int nLayers, int defaultPattern,
            Path source) {
        JsonNode types = json.get("layer_types");
        List<AttentionType> out = new ArrayList<>();
        if (types != null && !types.isNull()) {
            if (!types.isArray() || types.size() != nLayers) {
                throw new IllegalArgumentException(source + ": 'layer_types' = " + types + " must list one type per "
                        + "layer (" + nLayers + ")");
            }
            for (JsonNode t : types) {
                AttentionType a = AttentionType.of(t.asText());
                if (a == null) {
                    throw new IllegalArgumentException(source + ": 'layer_types' holds '" + t.asText()
                            + "'; expected sliding_attention or full_attention");
                }
                out.add(a);
            }
            return out;
        }
        int pattern = c.optInt(defaultPattern, "sliding_window_pattern", "_sliding_window_pattern");
        if (pattern <= 0) {
            throw new IllegalArgumentException(source + ": 'sliding_window_pattern' = " + pattern + " must be > 0");
        }
        for (int l = 0; l < nLayers; l++) {
            out.add((l + 1) % pattern != 0 ? AttentionType.SLIDING : AttentionType.FULL);
        }
        return out;
    }

    private static double positiveNumber(ConfigJson c, String key, double dflt) {
        double v = c.optDouble(dflt, key);
        if (!(v > 0) || !Double.isFinite(v)) {
            throw new IllegalArgumentException(c.source() + ": '" + key + "' = " + v + " must be a finite number > 0");
        }
        return v;
    }

    /** A soft-cap: absent or null = the default (0 = none); a given value must be finite and > 0. */
    private static double softcap(ConfigJson c, String key, double dflt) {
        JsonNode n = c.node(key);
        if (n != null && n.isNull()) {
            return 0;
        }
        double v = c.optDouble(dflt, key);
        if (n != null && (!(v > 0) || !Double.isFinite(v))) {
            throw new IllegalArgumentException(c.source() + ": '" + key + "' = " + n + " must be a finite number > 0 "
                    + "(or null for no soft-capping)");
        }
        return v;
    }

    @Override
    public ObjectNode toConfigJson(ModelConfig m) {
        String type = m.modelType().equals("gemma3") ? "gemma3_text" : m.modelType();
        boolean gemma1 = type.equals("gemma");
        ObjectNode o = Adapters.configStart(switch (type) {
            case "gemma2" -> "Gemma2ForCausalLM";
            case "gemma3_text" -> "Gemma3ForCausalLM";
            default -> "GemmaForCausalLM";
        }, type);
        Adapters.putRmsDecoderShape(o, m);
        o.put(gemma1 ? "hidden_act" : "hidden_activation", m.activation() == Activation.GELU_TANH
                ? "gelu_pytorch_tanh" : m.activation().hfName());
        o.put("attention_bias", false);
        o.put("tie_word_embeddings", m.tiedEmbeddings());
        if (!gemma1) {
            double q = 1.0 / (m.attentionScaleAt(0) * m.attentionScaleAt(0));
            if (q == Math.rint(q)) {
                o.put("query_pre_attn_scalar", (long) q);
            } else {
                o.put("query_pre_attn_scalar", q);
            }
            o.put("sliding_window", m.slidingWindow() > 0 ? m.slidingWindow() : m.maxPositions());
            var types = o.putArray("layer_types");
            for (int l = 0; l < m.nLayers(); l++) {
                types.add(m.windowAt(l) > 0 ? "sliding_attention" : "full_attention");
            }
            putCap(o, "attn_logit_softcapping", m.attnSoftcap());
            putCap(o, "final_logit_softcapping", m.finalSoftcap());
        }
        if (type.equals("gemma3_text")) {
            o.put("rope_local_base_freq", m.localRotaryBase() > 0 ? m.localRotaryBase() : m.rotaryBase());
        }
        Adapters.putTokenIds(o, m);
        return o;
    }

    private static void putCap(ObjectNode o, String key, double cap) {
        if (cap > 0) {
            o.put(key, cap);
        } else {
            o.putNull(key);
        }
    }

    /** The prefix of the text model's tensors: plain, or inside a multimodal Gemma 3 checkpoint. */
    private static String prefix(WeightSource src) {
        for (String p : new String[] {"model.language_model.", "language_model.model."}) {
            if (src.names().stream().anyMatch(n -> n.startsWith(p))) {
                return p;
            }
        }
        return "model.";
    }
}
