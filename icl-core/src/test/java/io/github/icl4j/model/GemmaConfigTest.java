package io.github.icl4j.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.icl4j.model.arch.Adapters;
import io.github.icl4j.testing.TestData;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Gemma configs: the nested gemma3 form, defaults, round trips, and values that must be refused. */
class GemmaConfigTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path FILE = Path.of("config.json");

    private static ObjectNode config(String family) throws IOException {
        return (ObjectNode) JSON.readTree(TestData.resource("parity/" + family + "/config.json").toFile());
    }

    private static ModelConfig parse(ObjectNode json) {
        return Adapters.forModelType(json.path("model_type").asText(), FILE).parseConfig(json, FILE);
    }

    @Test
    void aGemma3CheckpointWithItsTextModelNestedReadsAsTheTextModel() throws IOException {
        ObjectNode text = config("gemma3");
        ObjectNode outer = JSON.createObjectNode();
        outer.put("model_type", "gemma3");
        outer.set("text_config", text);
        outer.putObject("vision_config").put("hidden_size", 8);
        ModelConfig nested = parse(outer);
        ModelConfig plain = parse(config("gemma3"));
        assertThat(nested).isEqualTo(plain);
        assertThat(nested.modelType()).isEqualTo("gemma3_text");
        assertThat(nested.windowAt(0)).isEqualTo(4);
        assertThat(nested.windowAt(2)).isZero();
        assertThat(nested.rotaryBaseAt(0)).isEqualTo(1e4);
        assertThat(nested.rotaryBaseAt(2)).isEqualTo(1e6);
        assertThat(nested.attentionScaleAt(0)).isEqualTo(1 / Math.sqrt(20));
    }

    @Test
    void writtenConfigsReadBackTheSame() throws IOException {
        for (String family : new String[] {"gemma", "gemma2", "gemma3"}) {
            ModelConfig c = parse(config(family));
            ObjectNode written = Adapters.forModelType(c.modelType(), FILE).toConfigJson(c);
            assertThat(parse(written)).as(family).isEqualTo(c);
        }
    }

    @Test
    void softCapsOfZeroOrNaNAndWindowsLargerThanTheContextAreRefusedNamingTheKey() throws IOException {
        ObjectNode zero = config("gemma2").put("attn_logit_softcapping", 0.0);
        assertThatThrownBy(() -> parse(zero)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("config.json").hasMessageContaining("'attn_logit_softcapping' = 0.0");
        ObjectNode nan = config("gemma2").put("final_logit_softcapping", Double.NaN);
        assertThatThrownBy(() -> parse(nan)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'final_logit_softcapping' = ").hasMessageContaining("NaN");
        ObjectNode window = config("gemma3").put("sliding_window", 65);
        assertThatThrownBy(() -> parse(window)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'sliding_window' = 65").hasMessageContaining("'max_position_embeddings' = 64");
        ObjectNode none = config("gemma2");
        none.putNull("attn_logit_softcapping");
        assertThat(parse(none).attnSoftcap()).as("null = no soft-capping").isZero();
    }
}
