package io.github.icl4j.bias;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

/** The bias kinds as JSON and CSV write them: "majority" and "recency", read back to the same constant. */
class BiasKindTest {
    record Row(BiasKind bias) {
    }

    @Test
    void kindsRoundTripThroughJsonByTheirKeys() throws Exception {
        ObjectMapper m = new ObjectMapper();
        for (BiasKind k : BiasKind.values()) {
            String json = m.writeValueAsString(new Row(k));
            assertThat(json).isEqualTo("{\"bias\":\"" + k.key() + "\"}");
            assertThat(m.readValue(json, Row.class)).isEqualTo(new Row(k));
        }
        assertThat(BiasKind.MAJORITY).hasToString("majority");
        assertThat(BiasKind.RECENCY.key()).isEqualTo("recency");
        assertThatThrownBy(() -> m.readValue("{\"bias\":\"MAJORITY\"}", Row.class)).hasMessageContaining("MAJORITY");
    }
}
