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
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * GPT-NeoX / Pythia: rotate-half rotary on the first {@code rotary_pct} of each head, LayerNorm, parallel
 * residual by default, and a fused {@code query_key_value} whose rows are laid out per head as
 * {@code [heads, (q|k|v), dHead]}.
 */
public final class GptNeoXAdapter extends TensorTableAdapter {
    /** GPT-NeoX's tensors: {@code query_key_value} interleaves q, k and v per head. */
    public static final TensorMap TENSORS = new TensorMap("gpt_neox.", List.of(), "layers.", List.of(
            MappedTensor.of("embed_in.weight", WeightSlot.EMBED),
            MappedTensor.of("embed_out.weight", WeightSlot.UNEMBED).when(Presence.UNTIED).atRoot(),
            MappedTensor.of("final_layer_norm.weight", WeightSlot.FINAL_NORM_W),
            MappedTensor.of("final_layer_norm.bias", WeightSlot.FINAL_NORM_B)), List.of(
            MappedTensor.of("input_layernorm.weight", WeightSlot.LN1_W),
            MappedTensor.of("input_layernorm.bias", WeightSlot.LN1_B),
            MappedTensor.of("post_attention_layernorm.weight", WeightSlot.LN2_W),
            MappedTensor.of("post_attention_layernorm.bias", WeightSlot.LN2_B),
            MappedTensor.fused("attention.query_key_value.weight", TensorLayout.HEAD_INTERLEAVED, WeightSlot.Q_W,
                    WeightSlot.K_W, WeightSlot.V_W),
            MappedTensor.fused("attention.query_key_value.bias", TensorLayout.HEAD_INTERLEAVED, WeightSlot.Q_B,
                    WeightSlot.K_B, WeightSlot.V_B).when(Presence.QKV_BIAS),
            MappedTensor.of("attention.dense.weight", WeightSlot.O_W),
            MappedTensor.of("attention.dense.bias", WeightSlot.O_B).when(Presence.OUT_BIAS),
            MappedTensor.of("mlp.dense_h_to_4h.weight", WeightSlot.UP_W),
            MappedTensor.of("mlp.dense_h_to_4h.bias", WeightSlot.UP_B),
            MappedTensor.of("mlp.dense_4h_to_h.weight", WeightSlot.DOWN_W),
            MappedTensor.of("mlp.dense_4h_to_h.bias", WeightSlot.DOWN_B)),
            List.of(Pattern.compile(".*attention\\.(bias|masked_bias)"), Pattern.compile(".*rotary_emb\\.inv_freq")));

    /** Reads and writes checkpoints through {@link #TENSORS}; the model types it handles are named here. */
    public GptNeoXAdapter() {
        super(TENSORS, "gpt_neox");
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
        ObjectNode o = Adapters.configStart("GPTNeoXForCausalLM", "gpt_neox");
        Adapters.putDecoderWidth(o, m);
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
}
