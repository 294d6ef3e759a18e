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
import io.github.icl4j.model.ModelConfig;
import io.github.icl4j.model.ModelConfig.Family;
import io.github.icl4j.model.ModelConfig.NormKind;
import io.github.icl4j.model.ModelConfig.PositionKind;
import io.github.icl4j.model.ModelConfig.RotaryStyle;
import io.github.icl4j.model.TransformerWeights;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.bytedeco.pytorch.Tensor;

/**
 * GPT-2: learned absolute positions, LayerNorm, sequential block, fused {@code c_attn}, and {@code Conv1D}
 * weights stored {@code [in, out]} (transposed on load to the canonical {@code [out, in]}).
 */
public final class Gpt2Adapter implements ArchitectureAdapter {
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
        return TENSORS.load(src, m, dtype, device);
    }

    @Override
    public Map<String, Tensor> export(TransformerWeights t, ModelConfig m) {
        return TENSORS.export(t, m);
    }
}
