package io.github.icl4j.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The progress bar advances by each step's expected cost, so its ETA reflects the long steps. */
class ProgressTest {

    @Test
    void theBarAdvancesByEachStepsShareOfTheExpectedCost() {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        try (Progress p = Progress.bar(new PrintStream(buf, true, StandardCharsets.UTF_8))) {
            p.start("job", 3, 10);
            try (Progress.Step s = p.step("short", 1)) {
                s.note("1");
            }
            // one step of three done, but a tenth of the expected cost: the ETA counts the 8-unit step ahead
            assertThat(p.units()).isEqualTo(Progress.UNITS / 10);
            try (Progress.Step s = p.step("long", 8)) {
                s.note("8");
            }
            assertThat(p.units()).isEqualTo(Progress.UNITS * 9 / 10);
            try (Progress.Step s = p.step("last", 1)) {
                s.note("1");
            }
            assertThat(p.units()).isEqualTo(Progress.UNITS);
        }
        assertThat(buf.toString(StandardCharsets.UTF_8)).contains("job finished in");
    }

    @Test
    void aBarCanBeClosedAndStartedAgainForTheNextJobWithALineBetween() {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        try (Progress p = Progress.bar(new PrintStream(buf, true, StandardCharsets.UTF_8))) {
            for (String job : new String[] {"first", "second"}) {
                p.message("next: " + job);
                p.start(job, 1);
                p.step("only").close();
                assertThat(p.units()).isEqualTo(Progress.UNITS);
                p.close();
            }
        }
        String text = buf.toString(StandardCharsets.UTF_8);
        assertThat(text).contains("next: first", "first finished in", "next: second", "second finished in");
        assertThat(text.indexOf("first finished in")).isLessThan(text.indexOf("next: second"));
        ByteArrayOutputStream plain = new ByteArrayOutputStream();
        Progress.plain(new PrintStream(plain, true, StandardCharsets.UTF_8)).message("seed 42 (1 of 3)");
        assertThat(plain.toString(StandardCharsets.UTF_8)).isEqualTo("seed 42 (1 of 3)" + System.lineSeparator());
        Progress.silent().message("nothing: no stream");
    }

    @Test
    void everyMainJobStepHasAnExpectedCostAndTheRecencyStudyDominates() {
        assertThat(JobSteps.COST).hasSize(JobSteps.REPORT_STEPS);
        double total = JobSteps.COST.values().stream().mapToDouble(Double::doubleValue).sum();
        assertThat(JobSteps.cost("recency bias") / total).isGreaterThan(0.3);
        assertThat(JobSteps.OPEN_COST + JobSteps.DISCOVER_COST + JobSteps.INTERVENE_COST + JobSteps.ANALYSE_COST
                + JobSteps.DEBIAS_COST + JobSteps.cost("token attention of example prompts", "writing the report"))
                .isCloseTo(total, org.assertj.core.data.Offset.offset(1e-9));
        assertThatThrownBy(() -> Progress.silent().start("x", 1, 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("totalWeight 0.0");
    }
}
