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
import org.bytedeco.pytorch.TensorVector;

/**
 * GPT-2: learned absolute positions, LayerNorm, sequential block, fused {@code c_attn}, and {@code Conv1D}
 * weights stored {@code [in, out]} (transposed on load to the canonical {@code [out, in]}).
 */
public final class Gpt2Adapter implements ArchitectureAdapter {
    private static final List<Pattern> BUFFERS = List.of(Pattern.compile(".*attn\\.(bias|masked_bias)"),
            Pattern.compile("lm_head\\.weight"));

    @Override
    public Set<String> modelTypes() {
        return Set.of("gpt2");
    }

    @Override
    public ModelConfig parseConfig(JsonNode json, Path source) {
        ConfigJson c = new ConfigJson(json, source);
        c.refuseVariants();
        int d = c.reqPositive("n_embd", "hidden_size");
        int nHeads = c.reqPositive("n_head", "num_attention_heads");
        if (d % nHeads != 0) {
            throw new IllegalArgumentException(source + ": n_embd " + d + " is not a multiple of n_head " + nHeads);
        }
        boolean scaleWeights = c.optBool(true, "scale_attn_weights");
        return ModelConfig.builder("gpt2", Family.GPT2).vocabSize(c.reqPositive("vocab_size")).dModel(d)
                .nLayers(c.reqPositive("n_layer", "num_hidden_layers")).nHeads(nHeads).dHead(d / nHeads)
                .dMlp(c.optPositive(4 * d, "n_inner")).maxPositions(c.optPositive(1024, "n_positions"))
                .norm(NormKind.LAYER_NORM, c.optPositiveDouble(1e-5, "layer_norm_epsilon"))
                .activation(Activation.parse(c.optString("gelu_new", "activation_function"))).absolutePositions()
                .biases(true, true, true).tiedEmbeddings(c.optBool(true, "tie_word_embeddings"))
                // scale_attn_weights=false: raw q·k scores (a factor of exactly 1)
                .attentionScale(scaleWeights ? 0 : 1.0)
                .scaleAttnByInverseLayer(c.optBool(false, "scale_attn_by_inverse_layer_idx"))
                .tokenIds(c.optTokenId("bos_token_id"), c.optTokenId("eos_token_id")).build();
    }

    @Override
    public ObjectNode toConfigJson(ModelConfig m) {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.putArray("architectures").add("GPT2LMHeadModel");
        o.put("model_type", "gpt2");
        o.put("vocab_size", m.vocabSize());
        o.put("n_embd", m.dModel());
        o.put("n_layer", m.nLayers());
        o.put("n_head", m.nHeads());
        o.put("n_inner", m.dMlp());
        o.put("n_positions", m.maxPositions());
        o.put("layer_norm_epsilon", m.normEps());
        o.put("activation_function", m.activation().hfName());
        o.put("tie_word_embeddings", m.tiedEmbeddings());
        o.put("scale_attn_weights", m.attentionScale() != 1.0);
        o.put("scale_attn_by_inverse_layer_idx", m.scaleAttnByInverseLayer());
        Adapters.putTokenIds(o, m);
        return o;
    }

    @Override
    public TransformerWeights load(WeightSource src, ModelConfig m, DType dtype, DeviceSpec device) {
        WeightLoader w = new WeightLoader(src, dtype, device, "transformer.");
        long d = m.dModel();
        long f = m.dMlp();
        List<LayerWeights> layers = new ArrayList<>();
        for (int l = 0; l < m.nLayers(); l++) {
            String p = "h." + l + ".";
            // Conv1D stores [in, out]: c_attn [d, 3d] -> [3d, d] rows q | k | v.
            TensorVector qkv = w.get(p + "attn.c_attn.weight", d, 3 * d).t().contiguous().split(d, 0);
            TensorVector qkvB = w.get(p + "attn.c_attn.bias", 3 * d).split(d, 0);
            layers.add(new LayerWeights(
                    w.get(p + "ln_1.weight", d), w.get(p + "ln_1.bias", d),
                    w.get(p + "ln_2.weight", d), w.get(p + "ln_2.bias", d),
                    qkv.get(0).contiguous(), qkvB.get(0).contiguous(),
                    qkv.get(1).contiguous(), qkvB.get(1).contiguous(),
                    qkv.get(2).contiguous(), qkvB.get(2).contiguous(),
                    w.get(p + "attn.c_proj.weight", d, d).t().contiguous(), w.get(p + "attn.c_proj.bias", d),
                    null,
                    w.get(p + "mlp.c_fc.weight", d, f).t().contiguous(), w.get(p + "mlp.c_fc.bias", f),
                    w.get(p + "mlp.c_proj.weight", f, d).t().contiguous(), w.get(p + "mlp.c_proj.bias", d)));
        }
        Tensor embed = w.get("wte.weight", m.vocabSize(), d);
        Tensor unembed = m.tiedEmbeddings() ? embed : w.get("lm_head.weight", m.vocabSize(), d);
        TransformerWeights tw = new TransformerWeights(embed, w.get("wpe.weight", m.maxPositions(), d), layers,
                w.get("ln_f.weight", d), w.get("ln_f.bias", d), unembed, null);
        w.finish(BUFFERS);
        return tw;
    }

    @Override
    public Map<String, Tensor> export(TransformerWeights t, ModelConfig m) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        out.put("transformer.wte.weight", t.embed());
        out.put("transformer.wpe.weight", t.posEmbed());
        for (int l = 0; l < m.nLayers(); l++) {
            LayerWeights lw = t.layers().get(l);
            String p = "transformer.h." + l + ".";
            out.put(p + "ln_1.weight", lw.ln1W());
            out.put(p + "ln_1.bias", lw.ln1B());
            out.put(p + "ln_2.weight", lw.ln2W());
            out.put(p + "ln_2.bias", lw.ln2B());
            out.put(p + "attn.c_attn.weight", Adapters.cat(0, lw.wQ(), lw.wK(), lw.wV()).t().contiguous());
            out.put(p + "attn.c_attn.bias", Adapters.cat(0, lw.bQ(), lw.bK(), lw.bV()));
            out.put(p + "attn.c_proj.weight", lw.wO().t().contiguous());
            out.put(p + "attn.c_proj.bias", lw.bO());
            out.put(p + "mlp.c_fc.weight", lw.wUp().t().contiguous());
            out.put(p + "mlp.c_fc.bias", lw.bUp());
            out.put(p + "mlp.c_proj.weight", lw.wDown().t().contiguous());
            out.put(p + "mlp.c_proj.bias", lw.bDown());
        }
        out.put("transformer.ln_f.weight", t.finalNormW());
        out.put("transformer.ln_f.bias", t.finalNormB());
        if (!m.tiedEmbeddings()) {
            out.put("lm_head.weight", t.unembed());
        }
        return out;
    }
}
