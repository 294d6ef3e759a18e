package io.github.icl4j.bias;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import org.junit.jupiter.api.Test;

/** The bias kinds and corrections as JSON and CSV write them: "majority", and a correction by its label. */
class BiasKindTest {
    record Row(BiasKind bias, @JsonSerialize(using = Correction.AsLabel.class)
            @JsonDeserialize(using = Correction.AsLabelReader.class) Correction correction) {
    }

    @Test
    void kindsAndCorrectionLabelsRoundTripThroughJson() throws Exception {
        ObjectMapper m = new ObjectMapper();
        for (BiasKind k : BiasKind.values()) {
            for (Correction c : Correction.values()) {
                Row r = new Row(k, c);
                String json = m.writeValueAsString(r);
                assertThat(json).isEqualTo("{\"bias\":\"" + k.key() + "\",\"correction\":\"" + c.label() + "\"}");
                assertThat(m.readValue(json, Row.class)).isEqualTo(r);
            }
        }
        assertThat(BiasKind.MAJORITY).hasToString("majority");
        assertThat(BiasKind.RECENCY.key()).isEqualTo("recency");
        assertThat(Correction.ofLabel("fix + batch calibration")).isEqualTo(Correction.FIX_BATCH);
        assertThatThrownBy(() -> Correction.ofLabel("fix")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'fix'").hasMessageContaining("in-context-head fix");
        assertThatThrownBy(() -> m.readValue("{\"bias\":\"majority\",\"correction\":\"FIX\"}", Row.class))
                .hasMessageContaining("FIX");
    }
}
