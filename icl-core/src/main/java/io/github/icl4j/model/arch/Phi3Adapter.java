package io.github.icl4j.model.arch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.icl4j.model.Activation;
import io.github.icl4j.model.ConfigJson;
import io.github.icl4j.model.ModelConfig;
import io.github.icl4j.model.ModelConfig.Family;
import io.github.icl4j.model.ModelConfig.NormKind;
import io.github.icl4j.model.ModelConfig.RotaryStyle;
import io.github.icl4j.model.RopeScaling;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Phi-3 (and Phi-4-mini, which shares {@code model_type} phi3): the Llama block with a fused
 * {@code self_attn.qkv_proj} (rows {@code q | k | v}: {@code nHeads*dHead}, then {@code nKvHeads*dHead} twice) and a
 * fused {@code mlp.gate_up_proj} (rows {@code gate | up}), both split on load into the canonical per-head
 * projections so every hook and head patch works as for Llama; rotary with an optional
 * {@code partial_rotary_factor}, {@code default} or {@code longrope} scaling (the old spellings {@code su} and
 * {@code yarn} mean longrope for Phi-3, as in {@code transformers}), and an optional sliding window on every layer.
 */
public final class Phi3Adapter extends TensorTableAdapter {
    /** Phi-3's tensors: Llama's ends, fused {@code qkv_proj} (rows q | k | v) and {@code gate_up_proj}. */
    public static final TensorMap TENSORS = new TensorMap("model.", List.of(), "layers.", LlamaAdapter.ENDS, List.of(
            MappedTensor.of("input_layernorm.weight", WeightSlot.LN1_W).gguf("attn_norm.weight"),
            MappedTensor.of("post_attention_layernorm.weight", WeightSlot.LN2_W).gguf("ffn_norm.weight"),
            MappedTensor.fused("self_attn.qkv_proj.weight", TensorLayout.ROWS, WeightSlot.Q_W, WeightSlot.K_W,
                    WeightSlot.V_W).gguf("attn_qkv.weight").explained(m -> "num_attention_heads " + m.nHeads()
                            + " + 2 × num_key_value_heads " + m.nKvHeads() + " heads of head_dim " + m.dHead()),
            MappedTensor.of("self_attn.o_proj.weight", WeightSlot.O_W).gguf("attn_output.weight"),
            MappedTensor.fused("mlp.gate_up_proj.weight", TensorLayout.ROWS, WeightSlot.GATE_W, WeightSlot.UP_W)
                    .gguf("ffn_up.weight").explained(m -> "2 × intermediate_size " + m.dMlp()),
            MappedTensor.of("mlp.down_proj.weight", WeightSlot.DOWN_W).gguf("ffn_down.weight")),
            List.of(Pattern.compile(".*rotary_emb\\.inv_freq"), Pattern.compile("lm_head\\.weight")));

    /** Reads and writes checkpoints through {@link #TENSORS}; the model types it handles are named here. */
    public Phi3Adapter() {
        super(TENSORS, "phi3");
    }

    @Override
    public ModelConfig parseConfig(JsonNode json, Path source) {
        ConfigJson c = new ConfigJson(json, source);
        c.refuseVariants();
        Adapters.Heads heads = Adapters.Heads.read(c, 0);
        int dHead = heads.dHead();
        int rotaryDim = c.rotaryDim(dHead, c.partialRotary(1.0, "partial_rotary_factor"), "partial_rotary_factor");
        int maxPos = c.optPositive(4096, "max_position_embeddings");
        return ModelConfig.builder("phi3", Family.LLAMA).vocabSize(c.reqPositive("vocab_size"))
                .dModel(heads.d()).nLayers(c.reqPositive("num_hidden_layers")).nHeads(heads.nHeads())
                .nKvHeads(heads.nKv()).dHead(dHead)
                .dMlp(c.reqPositive("intermediate_size")).maxPositions(maxPos)
                .norm(NormKind.RMS_NORM, c.optPositiveDouble(1e-5, "rms_norm_eps"))
                .activation(Activation.parse(c.optString("silu", "hidden_act"))).gatedMlp(true)
                .rotary(rotaryDim, c.ropeTheta(10000.0, "rope_theta"), RotaryStyle.HALF)
                .ropeScaling(c.ropeScaling(maxPos, rotaryDim,
                        EnumSet.of(RopeScaling.Type.DEFAULT, RopeScaling.Type.LONGROPE),
                        Map.of("su", "longrope", "yarn", "longrope")))
                .slidingWindow(c.has("sliding_window") ? c.optPositive(1, "sliding_window") : 0)
                .tiedEmbeddings(c.optBool(false, "tie_word_embeddings"))
                .tokenIds(c.optTokenId("bos_token_id"), c.optTokenId("eos_token_id")).build();
    }

    @Override
    public ObjectNode toConfigJson(ModelConfig m) {
        ObjectNode o = Adapters.configStart("Phi3ForCausalLM", "phi3");
        Adapters.putDecoderWidth(o, m);
        o.put("num_key_value_heads", m.nKvHeads());
        if (m.dHead() * m.nHeads() != m.dModel()) {
            o.put("head_dim", m.dHead());
        }
        o.put("intermediate_size", m.dMlp());
        o.put("max_position_embeddings", m.maxPositions());
        o.put("rms_norm_eps", m.normEps());
        o.put("hidden_act", m.activation().hfName());
        ObjectNode rope = o.putObject("rope_parameters");
        rope.put("rope_theta", m.rotaryBase());
        rope.put("partial_rotary_factor", (double) m.rotaryDim() / m.dHead());
        Adapters.putRopeScaling(rope, m.ropeScaling());
        if (m.ropeScaling().originalMaxPositions() > 0) {
            o.put("original_max_position_embeddings", m.ropeScaling().originalMaxPositions());
        }
        if (m.slidingWindow() > 0) {
            o.put("sliding_window", m.slidingWindow());
        } else {
            o.putNull("sliding_window");
        }
        o.put("tie_word_embeddings", m.tiedEmbeddings());
        Adapters.putTokenIds(o, m);
        return o;
    }
}
