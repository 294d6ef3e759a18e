package io.github.icl4j.model;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.icl4j.Model;
import java.nio.file.Path;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Bad {@code config.json} values fail at load with the file, the key and the value, never as NaN logits, a
 * division by zero, or a silently different model.
 */
class ConfigValidationTest {
    @TempDir
    Path tmp;

    private void refused(String family, Consumer<ObjectNode> edit, String... fragments) {
        Path dir = EditedFixture.of(family, tmp, edit);
        var t = assertThatThrownBy(() -> Model.load(dir).close()).isInstanceOf(IllegalArgumentException.class);
        for (String f : fragments) {
            t.hasMessageContaining(f);
        }
    }

    private static ObjectNode rope(ObjectNode c) {
        return (ObjectNode) c.get("rope_parameters");
    }

    @ParameterizedTest
    @ValueSource(doubles = {0, -10000})
    void ropeThetaMustBePositive(double theta) {
        refused("llama", c -> rope(c).put("rope_theta", theta), "config.json", "rope_parameters.rope_theta",
                String.valueOf(theta), "finite number > 0");
    }

    @ParameterizedTest
    @CsvSource({"NaN, NaN", "Infinity, Infinity", "-Infinity, -Infinity", "1e999, Infinity"})
    void ropeThetaMustBeFinite(String literal, String shown) {
        Path dir = EditedFixture.withRaw("llama", tmp, "rope_theta", "10000.0", literal);
        assertThatThrownBy(() -> Model.load(dir).close()).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("config.json").hasMessageContaining("rope_theta").hasMessageContaining(shown);
    }

    @Test
    void ropeThetaMustBeANumber() {
        refused("llama", c -> rope(c).put("rope_theta", "abc"), "config.json", "rope_theta", "\"abc\"",
                "is not a number");
        refused("gpt_neox", c -> {
            c.remove("rope_parameters");
            c.put("rotary_emb_base", "abc");
        }, "config.json", "rotary_emb_base", "\"abc\"");
    }

    @ParameterizedTest
    @CsvSource({"Infinity, Infinity", "-1e-5, -1.0E-5", "0, 0.0"})
    void normEpsilonMustBeFinitePositive(String literal, String shown) {
        Path dir = EditedFixture.withRaw("llama", tmp, "rms_norm_eps", "1.0E-5", literal);
        assertThatThrownBy(() -> Model.load(dir).close()).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("config.json").hasMessageContaining("rms_norm_eps")
                .hasMessageContaining(shown);
        Path neox = EditedFixture.withRaw("gpt_neox", tmp.resolve("n"), "layer_norm_eps", "1.0E-5", literal);
        assertThatThrownBy(() -> Model.load(neox).close()).hasMessageContaining("layer_norm_eps");
    }

    @ParameterizedTest
    @CsvSource({"llama, num_attention_heads", "qwen3, num_attention_heads", "phi3, num_attention_heads",
        "olmo2, num_attention_heads", "gpt_neox, num_attention_heads", "gpt2, n_head", "gptj, n_head",
        "llama, num_key_value_heads", "llama, num_hidden_layers", "gpt2, n_embd"})
    void zeroCountsAreRefusedNotDividedBy(String family, String key) {
        refused(family, c -> c.put(key, 0), "config.json", "'" + key + "' = 0", ">= 1");
    }

    @Test
    void aHeadDimThatDisagreesWithTheWeightsNamesBoth() {
        refused("llama", c -> c.put("head_dim", 16), "q_proj.weight", "head_dim = 16", "num_attention_heads = 4");
    }

    @Test
    void fusedWeightsThatDoNotSplitIntoTheHeadsAreRefused() {
        refused("phi3", c -> c.put("num_key_value_heads", 4), "qkv_proj.weight", "does not split",
                "num_key_value_heads 4");
        refused("phi3", c -> c.put("intermediate_size", 41), "gate_up_proj.weight", "intermediate_size 41");
    }

    @Test
    void unknownOrMisfittingRopeTypesAreRefusedWithTheSupportedOnes() {
        refused("llama", c -> rope(c).put("rope_type", "foo"), "config.json", "rope_type = 'foo'",
                "supported: [default, linear, dynamic, llama3, yarn, longrope]");
        refused("phi3", c -> rope(c).put("rope_type", "llama3"), "rope_type = 'llama3'", "for this model type",
                "[default, longrope]");
        refused("gptj", c -> c.putObject("rope_scaling").put("rope_type", "linear").put("factor", 2.0),
                "rope_scaling.rope_type = 'linear'", "[default]");
    }

    @Test
    void missingOrBadScalingParametersAreRefused() {
        refused("llama3", c -> rope(c).remove("factor"), "rope_parameters", "needs 'factor' (missing)");
        refused("llama3", c -> rope(c).remove("low_freq_factor"), "needs 'low_freq_factor'");
        refused("llama_bias_linear", c -> rope(c).put("factor", 0.5), "rope_parameters.factor = 0.5", ">= 1");
        refused("llama_yarn", c -> rope(c).put("factor", -2), "factor = -2.0");
        refused("phi3", c -> rope(c).putArray("short_factor").add(1.0), "short_factor has 1 values", "needs 2");
        refused("phi3", c -> rope(c).putArray("long_factor").add(1.0).add(Double.NaN), "long_factor holds \"NaN\"");
    }

    @Test
    void mixtureOfExpertsAndMultimodalModelsAreRefused() {
        refused("llama", c -> c.put("num_local_experts", 8), "config.json", "'num_local_experts' = 8",
                "mixture-of-experts");
        refused("qwen3", c -> c.put("model_type", "qwen3_moe"), "model_type 'qwen3_moe'", "mixture-of-experts",
                "supported: [");
        refused("llama", c -> c.put("model_type", "mixtral"), "mixture-of-experts");
        refused("llama", c -> c.putObject("vision_config"), "'vision_config'", "multimodal");
        refused("llama", c -> c.put("model_type", "qwen2_vl"), "multimodal");
    }

    @Test
    void partialRotaryOutsideWhatTheFamilyRunsIsRefused() {
        refused("llama", c -> rope(c).put("partial_rotary_factor", 0.5), "partial_rotary_factor = 0.5",
                "rotates the whole head");
        refused("gpt_neox_odd", c -> rope(c).put("partial_rotary_factor", 0.01), "partial_rotary_factor",
                "rotary dimension of 0");
        refused("gpt_neox", c -> rope(c).put("partial_rotary_factor", 1.5), "partial_rotary_factor", "(0, 1]");
    }
}
