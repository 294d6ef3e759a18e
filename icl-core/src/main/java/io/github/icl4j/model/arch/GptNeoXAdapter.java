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
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;

/**
 * GPT-NeoX / Pythia: rotate-half rotary on the first {@code rotary_pct} of each head, LayerNorm, parallel
 * residual by default, and a fused {@code query_key_value} whose rows are laid out per head as
 * {@code [heads, (q|k|v), dHead]}.
 */
public final class GptNeoXAdapter implements ArchitectureAdapter {
    private static final List<Pattern> BUFFERS = List.of(
            Pattern.compile(".*attention\\.(bias|masked_bias)"), Pattern.compile(".*rotary_emb\\.inv_freq"));

    @Override
    public Set<String> modelTypes() {
        return Set.of("gpt_neox");
    }

    @Override
    public ModelConfig parseConfig(JsonNode json, Path source) {
        ConfigJson c = new ConfigJson(json, source);
        c.refuseVariants();
        int d = c.reqPositive("hidden_size");
        int nHeads = c.reqPositive("num_attention_heads");
        if (d % nHeads != 0) {
            throw new IllegalArgumentException(source + ": hidden_size " + d + " is not a multiple of "
                    + "num_attention_heads " + nHeads);
        }
        int dHead = d / nHeads;
        // rotary dim = int(head * factor), as HF; an odd one (head 12, factor 0.25 -> 3) rotates 4 dimensions
        int rotaryDim = c.rotaryDim(dHead, c.partialRotary(0.25, "rotary_pct", "partial_rotary_factor"),
                "partial_rotary_factor");
        int maxPos = c.optPositive(2048, "max_position_embeddings");
        boolean bias = c.optBool(true, "attention_bias");
        return ModelConfig.builder("gpt_neox", Family.GPT_NEOX).vocabSize(c.reqPositive("vocab_size")).dModel(d)
                .nLayers(c.reqPositive("num_hidden_layers")).nHeads(nHeads).dHead(dHead)
                .dMlp(c.reqPositive("intermediate_size")).maxPositions(maxPos)
                .norm(NormKind.LAYER_NORM, c.optPositiveDouble(1e-5, "layer_norm_eps"))
                .activation(Activation.parse(c.optString("gelu", "hidden_act")))
                .parallelResidual(c.optBool(true, "use_parallel_residual"))
                .rotary(rotaryDim, c.ropeTheta(10000.0, "rotary_emb_base", "rope_theta"), RotaryStyle.HALF)
                .ropeScaling(c.ropeScaling(maxPos, rotaryDim, EnumSet.allOf(RopeScaling.Type.class), Map.of()))
                .biases(bias, bias, true).tiedEmbeddings(c.optBool(false, "tie_word_embeddings"))
                .tokenIds(c.optTokenId("bos_token_id"), c.optTokenId("eos_token_id")).build();
    }

    @Override
    public ObjectNode toConfigJson(ModelConfig m) {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.putArray("architectures").add("GPTNeoXForCausalLM");
        o.put("model_type", "gpt_neox");
        o.put("vocab_size", m.vocabSize());
        o.put("hidden_size", m.dModel());
        o.put("num_hidden_layers", m.nLayers());
        o.put("num_attention_heads", m.nHeads());
        o.put("intermediate_size", m.dMlp());
        o.put("max_position_embeddings", m.maxPositions());
        ObjectNode rope = o.putObject("rope_parameters");
        rope.put("rope_theta", m.rotaryBase());
        rope.put("partial_rotary_factor", (double) m.rotaryDim() / m.dHead());
        Adapters.putRopeScaling(rope, m.ropeScaling());
        o.put("rotary_pct", (double) m.rotaryDim() / m.dHead());
        o.put("rotary_emb_base", m.rotaryBase());
        o.put("layer_norm_eps", m.normEps());
        o.put("hidden_act", m.activation().hfName());
        o.put("use_parallel_residual", m.parallelResidual());
        o.put("attention_bias", m.qkvBias());
        o.put("tie_word_embeddings", m.tiedEmbeddings());
        Adapters.putTokenIds(o, m);
        return o;
    }

    @Override
    public TransformerWeights load(WeightSource src, ModelConfig m, DType dtype, DeviceSpec device) {
        WeightLoader w = new WeightLoader(src, dtype, device, "gpt_neox.");
        long d = m.dModel();
        long f = m.dMlp();
        long h = m.nHeads();
        long e = m.dHead();
        List<LayerWeights> layers = new ArrayList<>();
        for (int l = 0; l < m.nLayers(); l++) {
            String p = "layers." + l + ".";
            // [3d, d] viewed as [heads, 3, dHead, d]: q, k, v of each head are adjacent.
            Tensor qkv = w.get(p + "attention.query_key_value.weight", 3 * d, d).view(h, 3, e, d);
            Tensor[] wqkv = new Tensor[3];
            Tensor[] bqkv = new Tensor[3];
            Tensor qkvB = m.qkvBias() ? w.get(p + "attention.query_key_value.bias", 3 * d).view(h, 3, e) : null;
            for (int i = 0; i < 3; i++) {
                wqkv[i] = qkv.select(1, i).reshape(h * e, d).contiguous(); // [heads*dHead, d]
                bqkv[i] = qkvB == null ? null : qkvB.select(1, i).reshape(h * e).contiguous();
            }
            layers.add(new LayerWeights(
                    w.get(p + "input_layernorm.weight", d), w.get(p + "input_layernorm.bias", d),
                    w.get(p + "post_attention_layernorm.weight", d), w.get(p + "post_attention_layernorm.bias", d),
                    wqkv[0], bqkv[0], wqkv[1], bqkv[1], wqkv[2], bqkv[2],
                    w.get(p + "attention.dense.weight", d, d), w.when(m.outBias(), p + "attention.dense.bias", d),
                    null,
                    w.get(p + "mlp.dense_h_to_4h.weight", f, d), w.get(p + "mlp.dense_h_to_4h.bias", f),
                    w.get(p + "mlp.dense_4h_to_h.weight", d, f), w.get(p + "mlp.dense_4h_to_h.bias", d)));
        }
        Tensor embed = w.get("embed_in.weight", m.vocabSize(), d);
        Tensor unembed = m.tiedEmbeddings() ? embed : w.get("embed_out.weight", m.vocabSize(), d);
        TransformerWeights tw = new TransformerWeights(embed, null, layers, w.get("final_layer_norm.weight", d),
                w.get("final_layer_norm.bias", d), unembed, null);
        w.finish(BUFFERS);
        return tw;
    }

    @Override
    public Map<String, Tensor> export(TransformerWeights t, ModelConfig m) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        long d = m.dModel();
        long h = m.nHeads();
        long e = m.dHead();
        out.put("gpt_neox.embed_in.weight", t.embed());
        for (int l = 0; l < m.nLayers(); l++) {
            LayerWeights lw = t.layers().get(l);
            String p = "gpt_neox.layers." + l + ".";
            out.put(p + "input_layernorm.weight", lw.ln1W());
            out.put(p + "input_layernorm.bias", lw.ln1B());
            out.put(p + "post_attention_layernorm.weight", lw.ln2W());
            out.put(p + "post_attention_layernorm.bias", lw.ln2B());
            // [heads, 3, dHead, d] -> [3d, d]
            out.put(p + "attention.query_key_value.weight", torch.stack(new TensorVector(
                    lw.wQ().view(h, e, d), lw.wK().view(h, e, d), lw.wV().view(h, e, d)), 1).reshape(3 * d, d));
            if (lw.bQ() != null) {
                out.put(p + "attention.query_key_value.bias", torch.stack(new TensorVector(
                        lw.bQ().view(h, e), lw.bK().view(h, e), lw.bV().view(h, e)), 1).reshape(3 * d));
            }
            out.put(p + "attention.dense.weight", lw.wO());
            if (lw.bO() != null) {
                out.put(p + "attention.dense.bias", lw.bO());
            }
            out.put(p + "mlp.dense_h_to_4h.weight", lw.wUp());
            out.put(p + "mlp.dense_h_to_4h.bias", lw.bUp());
            out.put(p + "mlp.dense_4h_to_h.weight", lw.wDown());
            out.put(p + "mlp.dense_4h_to_h.bias", lw.bDown());
        }
        out.put("gpt_neox.final_layer_norm.weight", t.finalNormW());
        out.put("gpt_neox.final_layer_norm.bias", t.finalNormB());
        if (!m.tiedEmbeddings()) {
            out.put("embed_out.weight", t.unembed());
        }
        return out;
    }
}
