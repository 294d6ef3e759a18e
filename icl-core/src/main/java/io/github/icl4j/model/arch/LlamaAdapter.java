package io.github.icl4j.model.arch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.icl4j.model.Activation;
import io.github.icl4j.model.ConfigJson;
import io.github.icl4j.model.ModelConfig;
import io.github.icl4j.model.ModelConfigBuilder;
import io.github.icl4j.model.ModelConfig.Family;
import io.github.icl4j.model.ModelConfig.NormKind;
import io.github.icl4j.model.ModelConfig.QkNorm;
import io.github.icl4j.model.ModelConfig.RotaryStyle;
import io.github.icl4j.model.RopeScaling;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;

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
public final class LlamaAdapter extends TensorTableAdapter {
    /**
     * The attention and MLP rows every Llama-layout family shares (Llama, Qwen, OLMo-2, Gemma): separate q/k/v/o
     * projections with optional biases, optional q/k norms, a gated MLP.
     */
    static final List<MappedTensor> ATTENTION_AND_MLP = List.of(
            MappedTensor.of("self_attn.q_proj.weight", WeightSlot.Q_W).gguf("attn_q.weight")
                    .explained(m -> "num_attention_heads = " + m.nHeads() + " heads of head_dim = " + m.dHead()),
            MappedTensor.of("self_attn.q_proj.bias", WeightSlot.Q_B).gguf("attn_q.bias").when(Presence.QKV_BIAS),
            MappedTensor.of("self_attn.k_proj.weight", WeightSlot.K_W).gguf("attn_k.weight")
                    .explained(m -> "num_key_value_heads = " + m.nKvHeads() + " heads of head_dim = " + m.dHead()),
            MappedTensor.of("self_attn.k_proj.bias", WeightSlot.K_B).gguf("attn_k.bias").when(Presence.QKV_BIAS),
            MappedTensor.of("self_attn.v_proj.weight", WeightSlot.V_W).gguf("attn_v.weight"),
            MappedTensor.of("self_attn.v_proj.bias", WeightSlot.V_B).gguf("attn_v.bias").when(Presence.QKV_BIAS),
            MappedTensor.of("self_attn.o_proj.weight", WeightSlot.O_W).gguf("attn_output.weight"),
            MappedTensor.of("self_attn.o_proj.bias", WeightSlot.O_B).gguf("attn_output.bias").when(Presence.OUT_BIAS),
            MappedTensor.of("mlp.gate_proj.weight", WeightSlot.GATE_W).gguf("ffn_gate.weight"),
            MappedTensor.of("mlp.up_proj.weight", WeightSlot.UP_W).gguf("ffn_up.weight"),
            MappedTensor.of("mlp.up_proj.bias", WeightSlot.UP_B).when(Presence.MLP_BIAS),
            MappedTensor.of("mlp.down_proj.weight", WeightSlot.DOWN_W).gguf("ffn_down.weight"),
            MappedTensor.of("mlp.down_proj.bias", WeightSlot.DOWN_B).when(Presence.MLP_BIAS),
            MappedTensor.of("mlp.gate_proj.bias", WeightSlot.GATE_B).when(Presence.MLP_BIAS),
            MappedTensor.of("self_attn.q_norm.weight", WeightSlot.Q_NORM_W).gguf("attn_q_norm.weight")
                    .when(Presence.QK_NORM),
            MappedTensor.of("self_attn.k_norm.weight", WeightSlot.K_NORM_W).gguf("attn_k_norm.weight")
                    .when(Presence.QK_NORM));

    /** The embedding, final RMSNorm and unembedding (tied, or {@code lm_head}) of every Llama-layout family. */
    static final List<MappedTensor> ENDS = List.of(
            MappedTensor.of("embed_tokens.weight", WeightSlot.EMBED).gguf("token_embd.weight"),
            MappedTensor.of("lm_head.weight", WeightSlot.UNEMBED).gguf("output.weight").when(Presence.UNTIED).atRoot(),
            MappedTensor.of("norm.weight", WeightSlot.FINAL_NORM_W).gguf("output_norm.weight"));

    /**
     * Llama, Mistral, Qwen2/3 and OLMo-2 tensors under {@code model.}. OLMo-2's {@code post_attention_layernorm}
     * is the attention's post-norm, not the MLP's pre-norm.
     */
    public static final TensorMap TENSORS = new TensorMap("model.", List.of(), "layers.", ENDS,
            Stream.concat(Stream.of(
                    MappedTensor.of("input_layernorm.weight", WeightSlot.LN1_W).gguf("attn_norm.weight")
                            .when(Presence.PRE_NORMS),
                    MappedTensor.of("post_attention_layernorm.weight", WeightSlot.LN2_W).gguf("ffn_norm.weight")
                            .when(Presence.PRE_NORMS),
                    MappedTensor.of("post_attention_layernorm.weight", WeightSlot.POST_ATTN_NORM_W)
                            .when(Presence.NO_PRE_NORMS),
                    MappedTensor.of("post_feedforward_layernorm.weight", WeightSlot.POST_MLP_NORM_W)
                            .when(Presence.NO_PRE_NORMS)), ATTENTION_AND_MLP.stream()).toList(),
            List.of(Pattern.compile(".*rotary_emb\\.inv_freq"), Pattern.compile("lm_head\\.weight")));

    /** Reads and writes checkpoints through {@link #TENSORS}; the model types it handles are named here. */
    public LlamaAdapter() {
        super(TENSORS, "llama", "mistral", "qwen2", "qwen3", "olmo2");
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
        ModelConfigBuilder b = ModelConfig.builder(type, Family.LLAMA).vocabSize(c.reqPositive("vocab_size"))
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
    private static void slidingWindow(ConfigJson c, String type, ModelConfigBuilder b, int layers) {
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
        String arch = switch (m.modelType()) {
            case "mistral" -> "MistralForCausalLM";
            case "qwen2" -> "Qwen2ForCausalLM";
            case "qwen3" -> "Qwen3ForCausalLM";
            case "olmo2" -> "Olmo2ForCausalLM";
            default -> "LlamaForCausalLM";
        };
        ObjectNode o = Adapters.configStart(arch, m.modelType());
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
}
