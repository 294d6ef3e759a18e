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
import io.github.icl4j.model.RopeScaling;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * GPT-J: one LayerNorm feeding attention and MLP in parallel, interleaved ("rotate every two") rotary on the
 * first {@code rotary_dim} dimensions of each head, no attention biases, and an unembedding with a bias.
 */
public final class GptJAdapter extends TensorTableAdapter {
    /** GPT-J's tensors: one norm per block, separate q/k/v without biases, an unembedding bias. */
    public static final TensorMap TENSORS = new TensorMap("transformer.", List.of(), "h.", List.of(
            MappedTensor.of("wte.weight", WeightSlot.EMBED),
            MappedTensor.of("lm_head.weight", WeightSlot.UNEMBED).when(Presence.UNTIED).atRoot(),
            MappedTensor.of("ln_f.weight", WeightSlot.FINAL_NORM_W),
            MappedTensor.of("ln_f.bias", WeightSlot.FINAL_NORM_B),
            MappedTensor.of("lm_head.bias", WeightSlot.UNEMBED_BIAS).atRoot()), List.of(
            MappedTensor.of("ln_1.weight", WeightSlot.LN1_W),
            MappedTensor.of("ln_1.bias", WeightSlot.LN1_B),
            MappedTensor.of("attn.q_proj.weight", WeightSlot.Q_W),
            MappedTensor.of("attn.k_proj.weight", WeightSlot.K_W),
            MappedTensor.of("attn.v_proj.weight", WeightSlot.V_W),
            MappedTensor.of("attn.out_proj.weight", WeightSlot.O_W),
            MappedTensor.of("mlp.fc_in.weight", WeightSlot.UP_W),
            MappedTensor.of("mlp.fc_in.bias", WeightSlot.UP_B),
            MappedTensor.of("mlp.fc_out.weight", WeightSlot.DOWN_W),
            MappedTensor.of("mlp.fc_out.bias", WeightSlot.DOWN_B)),
            List.of(Pattern.compile(".*attn\\.(bias|masked_bias)")));

    /** Reads and writes checkpoints through {@link #TENSORS}; the model types it handles are named here. */
    public GptJAdapter() {
        super(TENSORS, "gptj");
    }

    @Override
    public ModelConfig parseConfig(JsonNode json, Path source) {
        ConfigJson c = new ConfigJson(json, source);
        c.refuseVariants();
        Adapters.Heads heads = Adapters.Heads.readGpt2(c);
        int d = heads.d();
        int nHeads = heads.nHeads();
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
        ObjectNode o = Adapters.configStart("GPTJForCausalLM", "gptj");
        Adapters.putGpt2Shape(o, m);
        o.put("rotary_dim", m.rotaryDim());
        o.put("layer_norm_epsilon", m.normEps());
        o.put("activation_function", m.activation().hfName());
        o.put("tie_word_embeddings", m.tiedEmbeddings());
        Adapters.putTokenIds(o, m);
        return o;
    }
}
