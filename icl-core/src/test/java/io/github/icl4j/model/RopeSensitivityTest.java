package io.github.icl4j.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.icl4j.Model;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The parity fixtures can tell a wrong rotary from a right one: the same weights with a wrong {@code rope_theta},
 * or with the scaling dropped, miss the Hugging Face reference by far more than {@link HfParityTest#FP32_TOLERANCE}
 * (so passing parity means the rotary is right, not that rotary hardly matters).
 */
class RopeSensitivityTest {
    /** Fifty times the tolerance: far beyond rounding (the smallest miss, NeoX's 2 frequencies, is ~96x). */
    static final double FAR = 50 * HfParityTest.FP32_TOLERANCE;

    @TempDir
    Path tmp;

    @ParameterizedTest
    @ValueSource(strings = {"llama3", "llama_yarn", "qwen3", "phi3", "olmo2", "gpt_neox_odd", "llama"})
    void aWrongRopeThetaFailsParity(String family) {
        Path dir = EditedFixture.of(family, tmp, c -> {
            var rope = (com.fasterxml.jackson.databind.node.ObjectNode) c.get("rope_parameters");
            rope.put("rope_theta", rope.get("rope_theta").asDouble() * 0.5);
        });
        try (Model m = Model.load(dir)) {
            Map<String, Double> diffs = HfParityTest.maxDiffs(m, dir);
            assertThat(diffs.get("single.logits")).as(family + " logits with half the rope_theta")
                    .isGreaterThan(FAR);
            assertThat(Collections.max(diffs.values())).isGreaterThan(FAR);
        }
    }

    @ParameterizedTest
    @CsvSource({"llama3", "llama_yarn", "llama_bias_linear", "llama_dynamic", "phi3"})
    void droppingTheRopeScalingFailsParity(String family) {
        Path dir = EditedFixture.of(family, tmp, c -> {
            var rope = (com.fasterxml.jackson.databind.node.ObjectNode) c.get("rope_parameters");
            double theta = rope.get("rope_theta").asDouble();
            double partial = rope.path("partial_rotary_factor").asDouble(1.0);
            rope.removeAll();
            rope.put("rope_type", "default");
            rope.put("rope_theta", theta);
            rope.put("partial_rotary_factor", partial);
            c.put("max_position_embeddings", 64);
        });
        try (Model m = Model.load(dir)) {
            assertThat(HfParityTest.maxDiffs(m, dir).get("single.logits")).as(family + " logits without scaling")
                    .isGreaterThan(FAR);
        }
    }

    @org.junit.jupiter.api.Test
    void roundingTheOddRotaryDimensionDownFailsParity() {
        // head 12 x 0.25 = 3: HF rotates 4 dimensions; rotating 2 (an even floor) must not match
        Path dir = EditedFixture.of("gpt_neox_odd", tmp, c -> ((com.fasterxml.jackson.databind.node.ObjectNode) c
                .get("rope_parameters")).put("partial_rotary_factor", 2.0 / 12));
        try (Model m = Model.load(dir)) {
            assertThat(m.config().rotaryWidth()).isEqualTo(2);
            assertThat(HfParityTest.maxDiffs(m, dir).get("single.logits")).isGreaterThan(FAR);
        }
    }
}
