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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.bytedeco.pytorch.Tensor;

/**
 * GPT-J: one LayerNorm feeding attention and MLP in parallel, interleaved ("rotate every two") rotary on the
 * first {@code rotary_dim} dimensions of each head, no attention biases, and an unembedding with a bias.
 */
public final class GptJAdapter implements ArchitectureAdapter {
    private static final List<Pattern> BUFFERS = List.of(Pattern.compile(".*attn\\.(bias|masked_bias)"));

    @Override
    public Set<String> modelTypes() {
        return Set.of("gptj");
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
        int dHead = d / nHeads;
        int rotaryDim = c.optPositive(dHead, "rotary_dim");
        if (rotaryDim > dHead || rotaryDim % 2 != 0) {
            throw new IllegalArgumentException(source + ": 'rotary_dim' = " + rotaryDim + " must be even and at most "
                    + "the head size " + dHead);
        }
        // GPT-J's sinusoid table has a fixed base and no scaling: any other rope type would be silently ignored
        c.ropeScaling(c.optPositive(2048, "n_positions"), rotaryDim, java.util.EnumSet.of(RopeScaling.Type.DEFAULT),
                Map.of());
        return ModelConfig.builder("gptj", Family.GPTJ).vocabSize(c.reqPositive("vocab_size")).dModel(d)
                .nLayers(c.reqPositive("n_layer", "num_hidden_layers")).nHeads(nHeads).dHead(dHead)
                .dMlp(c.optPositive(4 * d, "n_inner")).maxPositions(c.optPositive(2048, "n_positions"))
                .norm(NormKind.LAYER_NORM, c.optPositiveDouble(1e-5, "layer_norm_epsilon"))
                .activation(Activation.parse(c.optString("gelu_new", "activation_function")))
                .parallelResidual(true).sharedNorm(true).rotary(rotaryDim, 10000.0, RotaryStyle.INTERLEAVED)
                .biases(false, false, true).lmHeadBias(true).tiedEmbeddings(c.optBool(false, "tie_word_embeddings"))
                .tokenIds(c.optTokenId("bos_token_id"), c.optTokenId("eos_token_id")).build();
    }

    @Override
    public ObjectNode toConfigJson(ModelConfig m) {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.putArray("architectures").add("GPTJForCausalLM");
        o.put("model_type", "gptj");
        o.put("vocab_size", m.vocabSize());
        o.put("n_embd", m.dModel());
        o.put("n_layer", m.nLayers());
        o.put("n_head", m.nHeads());
        o.put("n_inner", m.dMlp());
        o.put("n_positions", m.maxPositions());
        o.put("rotary_dim", m.rotaryDim());
        o.put("layer_norm_epsilon", m.normEps());
        o.put("activation_function", m.activation().hfName());
        o.put("tie_word_embeddings", m.tiedEmbeddings());
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
            layers.add(new LayerWeights(
                    w.get(p + "ln_1.weight", d), w.get(p + "ln_1.bias", d), null, null,
                    w.get(p + "attn.q_proj.weight", d, d), null,
                    w.get(p + "attn.k_proj.weight", d, d), null,
                    w.get(p + "attn.v_proj.weight", d, d), null,
                    w.get(p + "attn.out_proj.weight", d, d), null,
                    null,
                    w.get(p + "mlp.fc_in.weight", f, d), w.get(p + "mlp.fc_in.bias", f),
                    w.get(p + "mlp.fc_out.weight", d, f), w.get(p + "mlp.fc_out.bias", d)));
        }
        Tensor embed = w.get("wte.weight", m.vocabSize(), d);
        Tensor unembed = m.tiedEmbeddings() ? embed : w.get("lm_head.weight", m.vocabSize(), d);
        TransformerWeights tw = new TransformerWeights(embed, null, layers, w.get("ln_f.weight", d),
                w.get("ln_f.bias", d), unembed, w.get("lm_head.bias", m.vocabSize()));
        w.finish(BUFFERS);
        return tw;
    }

    @Override
    public Map<String, Tensor> export(TransformerWeights t, ModelConfig m) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        out.put("transformer.wte.weight", t.embed());
        for (int l = 0; l < m.nLayers(); l++) {
            LayerWeights lw = t.layers().get(l);
            String p = "transformer.h." + l + ".";
            out.put(p + "ln_1.weight", lw.ln1W());
            out.put(p + "ln_1.bias", lw.ln1B());
            out.put(p + "attn.q_proj.weight", lw.wQ());
            out.put(p + "attn.k_proj.weight", lw.wK());
            out.put(p + "attn.v_proj.weight", lw.wV());
            out.put(p + "attn.out_proj.weight", lw.wO());
            out.put(p + "mlp.fc_in.weight", lw.wUp());
            out.put(p + "mlp.fc_in.bias", lw.bUp());
            out.put(p + "mlp.fc_out.weight", lw.wDown());
            out.put(p + "mlp.fc_out.bias", lw.bDown());
        }
        out.put("transformer.ln_f.weight", t.finalNormW());
        out.put("transformer.ln_f.bias", t.finalNormB());
        if (!m.tiedEmbeddings()) {
            out.put("lm_head.weight", t.unembed());
        }
        out.put("lm_head.bias", t.unembedBias());
        return out;
    }
}
