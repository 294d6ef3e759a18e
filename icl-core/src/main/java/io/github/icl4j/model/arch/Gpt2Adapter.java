package io.github.icl4j.model.arch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.icl4j.model.Activation;
import io.github.icl4j.model.ConfigJson;
import io.github.icl4j.model.ModelConfig;
import io.github.icl4j.model.ModelConfig.Family;
import io.github.icl4j.model.ModelConfig.NormKind;
import io.github.icl4j.model.ModelConfig.PositionKind;
import io.github.icl4j.model.ModelConfig.RotaryStyle;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;

/**
 * GPT-2: learned absolute positions, LayerNorm, sequential block, fused {@code c_attn}, and {@code Conv1D}
 * weights stored {@code [in, out]} (transposed on load to the canonical {@code [out, in]}).
 */
public final class Gpt2Adapter extends TensorTableAdapter {
    /** GPT-2's tensors: {@code Conv1D} weights stored {@code [in, out]}, {@code c_attn} fusing q | k | v. */
    public static final TensorMap TENSORS = new TensorMap("transformer.", List.of(), "h.", List.of(
            MappedTensor.of("wte.weight", WeightSlot.EMBED),
            MappedTensor.of("lm_head.weight", WeightSlot.UNEMBED).when(Presence.UNTIED).atRoot(),
            MappedTensor.of("wpe.weight", WeightSlot.POS_EMBED),
            MappedTensor.of("ln_f.weight", WeightSlot.FINAL_NORM_W),
            MappedTensor.of("ln_f.bias", WeightSlot.FINAL_NORM_B)), List.of(
            MappedTensor.of("ln_1.weight", WeightSlot.LN1_W),
            MappedTensor.of("ln_1.bias", WeightSlot.LN1_B),
            MappedTensor.of("ln_2.weight", WeightSlot.LN2_W),
            MappedTensor.of("ln_2.bias", WeightSlot.LN2_B),
            MappedTensor.fused("attn.c_attn.weight", TensorLayout.CONV1D_ROWS, WeightSlot.Q_W, WeightSlot.K_W,
                    WeightSlot.V_W),
            MappedTensor.fused("attn.c_attn.bias", TensorLayout.ROWS, WeightSlot.Q_B, WeightSlot.K_B, WeightSlot.V_B),
            MappedTensor.of("attn.c_proj.weight", WeightSlot.O_W).layout(TensorLayout.CONV1D),
            MappedTensor.of("attn.c_proj.bias", WeightSlot.O_B),
            MappedTensor.of("mlp.c_fc.weight", WeightSlot.UP_W).layout(TensorLayout.CONV1D),
            MappedTensor.of("mlp.c_fc.bias", WeightSlot.UP_B),
            MappedTensor.of("mlp.c_proj.weight", WeightSlot.DOWN_W).layout(TensorLayout.CONV1D),
            MappedTensor.of("mlp.c_proj.bias", WeightSlot.DOWN_B)),
            List.of(Pattern.compile(".*attn\\.(bias|masked_bias)"), Pattern.compile("lm_head\\.weight")));

    /** Reads and writes checkpoints through {@link #TENSORS}; the model types it handles are named here. */
    public Gpt2Adapter() {
        super(TENSORS, "gpt2");
    }

    @Override
    public ModelConfig parseConfig(JsonNode json, Path source) {
        ConfigJson c = new ConfigJson(json, source);
        c.refuseVariants();
        Adapters.Heads heads = Adapters.Heads.readGpt2(c);
        int d = heads.d();
        int nHeads = heads.nHeads();
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
        ObjectNode o = Adapters.configStart("GPT2LMHeadModel", "gpt2");
        Adapters.putGpt2Shape(o, m);
        o.put("layer_norm_epsilon", m.normEps());
        o.put("activation_function", m.activation().hfName());
        o.put("tie_word_embeddings", m.tiedEmbeddings());
        o.put("scale_attn_weights", m.attentionScale() != 1.0);
        o.put("scale_attn_by_inverse_layer_idx", m.scaleAttnByInverseLayer());
        Adapters.putTokenIds(o, m);
        return o;
    }
}
