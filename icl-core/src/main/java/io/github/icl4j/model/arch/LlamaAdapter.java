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
import io.github.icl4j.model.ModelConfig.PositionKind;
import io.github.icl4j.model.ModelConfig.RotaryStyle;
import io.github.icl4j.model.TransformerWeights;
import io.github.icl4j.model.WeightLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.bytedeco.pytorch.Tensor;

/**
 * The Llama family: Llama, Mistral (sliding-window attention) and Qwen2 (q/k/v biases). RMSNorm, rotate-half
 * rotary on the whole head, gated SiLU MLP, grouped-query attention.
 */
public final class LlamaAdapter implements ArchitectureAdapter {
    private static final List<Pattern> BUFFERS = List.of(Pattern.compile(".*rotary_emb\\.inv_freq"),
            Pattern.compile("lm_head\\.weight"));

    @Override
    public Set<String> modelTypes() {
        return Set.of("llama", "mistral", "qwen2");
    }

    @Override
    public ModelConfig parseConfig(JsonNode json, Path source) {
        ConfigJson c = new ConfigJson(json, source);
        String type = c.optString("llama", "model_type");
        c.refuseRopeScaling();
        int d = c.reqInt("hidden_size");
        int nHeads = c.reqInt("num_attention_heads");
        int nKv = c.optInt(nHeads, "num_key_value_heads");
        if (!c.has("head_dim") && d % nHeads != 0) {
            throw new IllegalArgumentException(source + ": hidden_size " + d + " is not a multiple of "
                    + "num_attention_heads " + nHeads + " and no head_dim is given");
        }
        int dHead = c.optInt(d / nHeads, "head_dim");
        boolean qwen = type.equals("qwen2");
        boolean attnBias = c.optBool(false, "attention_bias");
        int window = 0;
        if (type.equals("mistral")) {
            window = c.optInt(0, "sliding_window");
        } else if (qwen && c.optBool(false, "use_sliding_window")) {
            throw new IllegalArgumentException(source + ": Qwen2 use_sliding_window=true is not supported");
        }
        if (c.optBool(false, "mlp_bias")) {
            // The gate projection's bias has no slot in the canonical layout yet; refuse rather than drop it.
            throw new IllegalArgumentException(source + ": mlp_bias=true is not supported");
        }
        String act = c.optString("silu", "hidden_act");
        return new ModelConfig(type, Family.LLAMA, c.reqInt("vocab_size"), d, c.reqInt("num_hidden_layers"), nHeads,
                nKv, dHead, c.reqInt("intermediate_size"), c.optInt(4096, "max_position_embeddings"),
                NormKind.RMS_NORM, c.optDouble(1e-6, "rms_norm_eps"), Activation.parse(act), true, false, false,
                PositionKind.ROTARY, dHead, c.ropeTheta(10000.0, "rope_theta"), RotaryStyle.HALF,
                qwen || attnBias, !qwen && attnBias, c.optBool(false, "mlp_bias"), false,
                c.optBool(false, "tie_word_embeddings"), window, c.optTokenId("bos_token_id"),
                c.optTokenId("eos_token_id"));
    }

    @Override
    public ObjectNode toConfigJson(ModelConfig m) {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        String arch = switch (m.modelType()) {
            case "mistral" -> "MistralForCausalLM";
            case "qwen2" -> "Qwen2ForCausalLM";
            default -> "LlamaForCausalLM";
        };
        o.putArray("architectures").add(arch);
        o.put("model_type", m.modelType());
        o.put("vocab_size", m.vocabSize());
        o.put("hidden_size", m.dModel());
        o.put("num_hidden_layers", m.nLayers());
        o.put("num_attention_heads", m.nHeads());
        o.put("num_key_value_heads", m.nKvHeads());
        o.put("head_dim", m.dHead());
        o.put("intermediate_size", m.dMlp());
        o.put("max_position_embeddings", m.maxPositions());
        o.put("rms_norm_eps", m.normEps());
        o.put("rope_theta", m.rotaryBase());
        o.put("hidden_act", m.activation().hfName());
        if (!m.modelType().equals("qwen2")) {
            o.put("attention_bias", m.qkvBias());
        }
        o.put("mlp_bias", m.mlpBias());
        o.put("tie_word_embeddings", m.tiedEmbeddings());
        if (m.modelType().equals("mistral")) {
            if (m.slidingWindow() > 0) {
                o.put("sliding_window", m.slidingWindow());
            } else {
                o.putNull("sliding_window");
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
        long q = (long) m.nHeads() * m.dHead();
        long kv = (long) m.nKvHeads() * m.dHead();
        List<LayerWeights> layers = new ArrayList<>();
        for (int l = 0; l < m.nLayers(); l++) {
            String p = "layers." + l + ".";
            String a = p + "self_attn.";
            boolean b = m.qkvBias();
            layers.add(new LayerWeights(
                    w.get(p + "input_layernorm.weight", d), null,
                    w.get(p + "post_attention_layernorm.weight", d), null,
                    w.get(a + "q_proj.weight", q, d), w.when(b, a + "q_proj.bias", q),
                    w.get(a + "k_proj.weight", kv, d), w.when(b, a + "k_proj.bias", kv),
                    w.get(a + "v_proj.weight", kv, d), w.when(b, a + "v_proj.bias", kv),
                    w.get(a + "o_proj.weight", d, q), w.when(m.outBias(), a + "o_proj.bias", d),
                    w.get(p + "mlp.gate_proj.weight", f, d),
                    w.get(p + "mlp.up_proj.weight", f, d), null,
                    w.get(p + "mlp.down_proj.weight", d, f), null));
        }
        Tensor embed = w.get("embed_tokens.weight", m.vocabSize(), d);
        Tensor unembed = m.tiedEmbeddings() ? embed : w.get("lm_head.weight", m.vocabSize(), d);
        TransformerWeights tw = new TransformerWeights(embed, null, layers, w.get("norm.weight", d), null, unembed, null);
        w.finish(BUFFERS);
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
            out.put(p + "input_layernorm.weight", lw.ln1W());
            out.put(p + "post_attention_layernorm.weight", lw.ln2W());
            out.put(a + "q_proj.weight", lw.wQ());
            out.put(a + "k_proj.weight", lw.wK());
            out.put(a + "v_proj.weight", lw.wV());
            out.put(a + "o_proj.weight", lw.wO());
            if (lw.bQ() != null) {
                out.put(a + "q_proj.bias", lw.bQ());
                out.put(a + "k_proj.bias", lw.bK());
                out.put(a + "v_proj.bias", lw.bV());
            }
            if (lw.bO() != null) {
                out.put(a + "o_proj.bias", lw.bO());
            }
            out.put(p + "mlp.gate_proj.weight", lw.wGate());
            out.put(p + "mlp.up_proj.weight", lw.wUp());
            out.put(p + "mlp.down_proj.weight", lw.wDown());
        }
        out.put("model.norm.weight", t.finalNormW());
        if (!m.tiedEmbeddings()) {
            out.put("lm_head.weight", t.unembed());
        }
        return out;
    }
}
