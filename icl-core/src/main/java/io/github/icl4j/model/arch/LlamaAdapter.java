package io.github.icl4j.model.arch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.icl4j.DType;
import io.github.icl4j.DeviceSpec;
import io.github.icl4j.checkpoint.WeightSource;
import io.github.icl4j.model.Activation;
import io.github.icl4j.model.ArchitectureAdapter;
import io.github.icl4j.model.ConfigJson;
import io.github.icl4j.model.LayerWeights;
import io.github.icl4j.model.ModelConfig;
import io.github.icl4j.model.ModelConfig.Family;
import io.github.icl4j.model.ModelConfig.NormKind;
import io.github.icl4j.model.ModelConfig.QkNorm;
import io.github.icl4j.model.ModelConfig.RotaryStyle;
import io.github.icl4j.model.RopeScaling;
import io.github.icl4j.model.TransformerWeights;
import io.github.icl4j.model.WeightLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.bytedeco.pytorch.Tensor;

/**
 * The Llama family: Llama (1-3.x), Mistral (sliding-window attention), Qwen2 (q/k/v biases, optional sliding
 * window above {@code max_window_layers}), Qwen3 (per-head q/k RMSNorm) and OLMo-2 (no pre-norms: RMSNorm after
 * attention and after the MLP, q/k RMSNorm over the whole projection). RMSNorm, rotate-half rotary on the whole
 * head with any {@link RopeScaling.Type}, gated SiLU MLP, grouped-query attention.
 *
 * <p>Tensor names under {@code model.layers.{i}.}: {@code input_layernorm}, {@code self_attn.{q,k,v,o}_proj},
 * {@code self_attn.{q,k}_norm} (Qwen3, OLMo-2), {@code post_attention_layernorm} (the MLP's pre-norm, or for
 * OLMo-2 the attention's post-norm), {@code post_feedforward_layernorm} (OLMo-2), {@code mlp.{gate,up,down}_proj}.
 */
public final class LlamaAdapter implements ArchitectureAdapter {
    private static final List<Pattern> BUFFERS = List.of(Pattern.compile(".*rotary_emb\\.inv_freq"),
            Pattern.compile("lm_head\\.weight"));

    @Override
    public Set<String> modelTypes() {
        return Set.of("llama", "mistral", "qwen2", "qwen3", "olmo2");
    }

    @Override
    public ModelConfig parseConfig(JsonNode json, Path source) {
        ConfigJson c = new ConfigJson(json, source);
        c.refuseVariants();
        String type = c.optString("llama", "model_type");
        Adapters.Heads heads = Adapters.Heads.read(c, type.equals("qwen3") ? 128 : 0); // 128: Qwen3Config's default
        int d = heads.d();
        int dHead = heads.dHead();
        // Llama-style attention rotates the whole head: transformers cannot run a partial rotary here either
        double partial = c.partialRotary(1.0, "partial_rotary_factor");
        if (partial != 1.0) {
            throw new IllegalArgumentException(source + ": partial_rotary_factor = " + partial + " is not supported for "
                    + "model_type '" + type + "' (its attention rotates the whole head); expected 1.0");
        }
        int maxPos = c.optPositive(4096, "max_position_embeddings");
        boolean qwen2 = type.equals("qwen2");
        boolean olmo2 = type.equals("olmo2");
        boolean attnBias = !type.equals("mistral") && !qwen2 && c.optBool(false, "attention_bias");
        boolean mlpBias = type.equals("llama") && c.optBool(false, "mlp_bias");
        ModelConfig.Builder b = ModelConfig.builder(type, Family.LLAMA).vocabSize(c.reqPositive("vocab_size"))
                .dModel(d).nLayers(c.reqPositive("num_hidden_layers")).nHeads(heads.nHeads()).nKvHeads(heads.nKv())
                .dHead(dHead)
                .dMlp(c.reqPositive("intermediate_size")).maxPositions(maxPos)
                .norm(NormKind.RMS_NORM, c.optPositiveDouble(olmo2 ? 1e-5 : 1e-6, "rms_norm_eps"))
                .activation(Activation.parse(c.optString("silu", "hidden_act"))).gatedMlp(true)
                .rotary(dHead, c.ropeTheta(10000.0, "rope_theta"), RotaryStyle.HALF)
                .ropeScaling(c.ropeScaling(maxPos, dHead, EnumSet.allOf(RopeScaling.Type.class), Map.of()))
                .biases(qwen2 || attnBias, attnBias, mlpBias).tiedEmbeddings(c.optBool(false, "tie_word_embeddings"))
                .tokenIds(c.optTokenId("bos_token_id"), c.optTokenId("eos_token_id"));
        if (type.equals("qwen3")) {
            b.qkNorm(QkNorm.PER_HEAD);
        } else if (olmo2) {
            b.qkNorm(QkNorm.WHOLE).sublayerNorms(false, true);
        }
        slidingWindow(c, type, b, c.reqPositive("num_hidden_layers"));
        return b.build();
    }

    /** Mistral: one window on every layer; Qwen2/Qwen3: {@code use_sliding_window} from {@code max_window_layers} on. */
    private static void slidingWindow(ConfigJson c, String type, ModelConfig.Builder b, int layers) {
        switch (type) {
            case "mistral" -> b.slidingWindow(c.has("sliding_window") ? c.optPositive(1, "sliding_window") : 0);
            case "qwen2", "qwen3" -> {
                if (!c.optBool(false, "use_sliding_window")) {
                    return; // transformers drops the window
                }
                int window = c.has("sliding_window") ? c.optPositive(4096, "sliding_window") : 4096;
                b.slidingWindow(window).layerTypes(Adapters.layerTypes(c, layers, c.optInt(28, "max_window_layers")));
            }
            default -> {
            }
        }
    }

    @Override
    public ObjectNode toConfigJson(ModelConfig m) {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        String arch = switch (m.modelType()) {
            case "mistral" -> "MistralForCausalLM";
            case "qwen2" -> "Qwen2ForCausalLM";
            case "qwen3" -> "Qwen3ForCausalLM";
            case "olmo2" -> "Olmo2ForCausalLM";
            default -> "LlamaForCausalLM";
        };
        o.putArray("architectures").add(arch);
        o.put("model_type", m.modelType());
        Adapters.putRmsDecoderShape(o, m);
        ObjectNode rope = o.putObject("rope_parameters");
        rope.put("rope_theta", m.rotaryBase());
        Adapters.putRopeScaling(rope, m.ropeScaling());
        o.put("hidden_act", m.activation().hfName());
        if (!m.modelType().equals("qwen2") && !m.modelType().equals("mistral")) {
            o.put("attention_bias", m.outBias());
        }
        o.put("mlp_bias", m.mlpBias());
        o.put("tie_word_embeddings", m.tiedEmbeddings());
        switch (m.modelType()) {
            case "mistral" -> {
                if (m.slidingWindow() > 0) {
                    o.put("sliding_window", m.slidingWindow());
                } else {
                    o.putNull("sliding_window");
                }
            }
            case "qwen2", "qwen3" -> Adapters.putLayerTypes(o, m);
            default -> {
            }
        }
        Adapters.putTokenIds(o, m);
        return o;
    }

    @Override
    public TransformerWeights load(WeightSource src, ModelConfig m, DType dtype, DeviceSpec device) {
        WeightLoader w = new WeightLoader(src, dtype, device, "model.");
        long d = m.dModel();
        long f = m.dMlp();
        long e = m.dHead();
        long q = m.nHeads() * e;
        long kv = m.nKvHeads() * e;
        boolean olmo2 = !m.preNorms();
        List<LayerWeights> layers = new ArrayList<>();
        for (int l = 0; l < m.nLayers(); l++) {
            String p = "layers." + l + ".";
            String a = p + "self_attn.";
            boolean b = m.qkvBias();
            boolean mb = m.mlpBias();
            Adapters.checkShape(w, a + "q_proj.weight", "num_attention_heads = " + m.nHeads() + " heads of head_dim = "
                    + e, q, d);
            Adapters.checkShape(w, a + "k_proj.weight", "num_key_value_heads = " + m.nKvHeads() + " heads of "
                    + "head_dim = " + e, kv, d);
            boolean perHead = m.qkNorm() == QkNorm.PER_HEAD;
            boolean qk = m.qkNorm() != QkNorm.NONE;
            // OLMo-2's post_attention_layernorm is the attention's post-norm, not the MLP's pre-norm
            layers.add(new LayerWeights(
                    olmo2 ? null : w.get(p + "input_layernorm.weight", d), null,
                    olmo2 ? null : w.get(p + "post_attention_layernorm.weight", d), null,
                    w.get(a + "q_proj.weight", q, d), w.when(b, a + "q_proj.bias", q),
                    w.get(a + "k_proj.weight", kv, d), w.when(b, a + "k_proj.bias", kv),
                    w.get(a + "v_proj.weight", kv, d), w.when(b, a + "v_proj.bias", kv),
                    w.get(a + "o_proj.weight", d, q), w.when(m.outBias(), a + "o_proj.bias", d),
                    w.get(p + "mlp.gate_proj.weight", f, d),
                    w.get(p + "mlp.up_proj.weight", f, d), w.when(mb, p + "mlp.up_proj.bias", f),
                    w.get(p + "mlp.down_proj.weight", d, f), w.when(mb, p + "mlp.down_proj.bias", d),
                    w.when(mb, p + "mlp.gate_proj.bias", f),
                    w.when(qk, a + "q_norm.weight", perHead ? e : q), w.when(qk, a + "k_norm.weight", perHead ? e : kv),
                    olmo2 ? w.get(p + "post_attention_layernorm.weight", d) : null, null,
                    olmo2 ? w.get(p + "post_feedforward_layernorm.weight", d) : null, null));
        }
        return LlamaAdapter.finishLlamaLayout(w, m, layers, BUFFERS);
    }

    /**
     * The Llama layout's embedding, final RMSNorm and unembedding (tied or {@code lm_head}) around {@code layers},
     * after which every tensor of the source must have been read ({@code unused}: buffers it may hold). Shared by
     * the Llama-like adapters (Llama/Qwen/OLMo-2, Phi-3, Gemma).
     */
    static TransformerWeights finishLlamaLayout(WeightLoader w, ModelConfig m, List<LayerWeights> layers,
            List<Pattern> unused) {
        long d = m.dModel();
        Tensor embed = w.get("embed_tokens.weight", m.vocabSize(), d);
        Tensor unembed = m.tiedEmbeddings() ? embed : w.get("lm_head.weight", m.vocabSize(), d);
        TransformerWeights tw = new TransformerWeights(embed, null, layers, w.get("norm.weight", d), null, unembed,
                null);
        w.finish(unused);
        return tw;
    }

    @Override
    public Map<String, Tensor> export(TransformerWeights t, ModelConfig m) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        out.put("model.embed_tokens.weight", t.embed());
        for (int l = 0; l < m.nLayers(); l++) {
            LayerWeights lw = t.layers().get(l);
            String p = "model.layers." + l + ".";
            String a = p + "self_attn.";
            if (m.preNorms()) {
                out.put(p + "input_layernorm.weight", lw.ln1W());
                out.put(p + "post_attention_layernorm.weight", lw.ln2W());
            } else {
                out.put(p + "post_attention_layernorm.weight", lw.postAttnNormW());
                out.put(p + "post_feedforward_layernorm.weight", lw.postMlpNormW());
            }
            out.put(a + "q_proj.weight", lw.wQ());
            out.put(a + "k_proj.weight", lw.wK());
            out.put(a + "v_proj.weight", lw.wV());
            out.put(a + "o_proj.weight", lw.wO());
            putIfPresent(out, a + "q_proj.bias", lw.bQ());
            putIfPresent(out, a + "k_proj.bias", lw.bK());
            putIfPresent(out, a + "v_proj.bias", lw.bV());
            putIfPresent(out, a + "o_proj.bias", lw.bO());
            putIfPresent(out, a + "q_norm.weight", lw.qNormW());
            putIfPresent(out, a + "k_norm.weight", lw.kNormW());
            out.put(p + "mlp.gate_proj.weight", lw.wGate());
            out.put(p + "mlp.up_proj.weight", lw.wUp());
            out.put(p + "mlp.down_proj.weight", lw.wDown());
            putIfPresent(out, p + "mlp.gate_proj.bias", lw.bGate());
            putIfPresent(out, p + "mlp.up_proj.bias", lw.bUp());
            putIfPresent(out, p + "mlp.down_proj.bias", lw.bDown());
        }
        out.put("model.norm.weight", t.finalNormW());
        if (!m.tiedEmbeddings()) {
            out.put("lm_head.weight", t.unembed());
        }
        return out;
    }

    static void putIfPresent(Map<String, Tensor> out, String name, Tensor t) {
        if (t != null) {
            out.put(name, t);
        }
    }
}
