package io.github.icl4j.examples;

import io.github.icl4j.examples.builtin.BuiltinModel;
import io.github.icl4j.examples.builtin.TrainBuiltinModel;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.junit.jupiter.api.Test;

class QuickStartTest {
    @Test
    void predictsTheQueryLabelFromTheDemonstrations() {
        assumeTrue(BuiltinModel.isAvailable(), "no built-in model in the jar; run TrainBuiltinModel");
        QuickStart.Result r = QuickStart.run();
        assertThat(r.prompt()).startsWith("Sentence: ").endsWith("\nLabel:");
        assertThat(r.tokens()).contains("[8:foo]", "[17:bar]", "[26:bar]", "[35:foo]");
        assertThat(r.goldLabel()).isEqualTo("bar");
        assertThat(r.predicted()).isEqualTo(r.goldLabel());
        assertThat(r.pBar()).isGreaterThan(0.5);
        assertThat(r.pFoo() + r.pBar()).isCloseTo(1.0, within(1e-9));
    }
}
