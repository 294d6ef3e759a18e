package io.github.icl4j.examples;

import io.github.icl4j.examples.builtin.BuiltinModel;
import io.github.icl4j.examples.builtin.TrainBuiltinModel;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.icl4j.heads.InterventionResult;
import io.github.icl4j.heads.report.HeadsText;
import org.junit.jupiter.api.Test;

class FindInContextHeadsTest {
    @Test
    void findsHeadsWhoseRemovalBreaksInContextLearning() {
        assumeTrue(BuiltinModel.isAvailable(), "no built-in model in the jar; run TrainBuiltinModel");
        FindInContextHeads.Result r = FindInContextHeads.run();
        assertThat(r.heads().size()).isBetween(1, 4);
        assertThat(r.heads().fooHeads().size() + r.heads().barHeads().size()).isEqualTo(r.heads().size());
        InterventionResult iv = r.intervention();
        assertThat(iv.baseline().accuracy()).isGreaterThan(0.8);
        assertThat(iv.ablated().accuracy()).as(HeadsText.summary(iv)).isLessThan(iv.baseline().accuracy() - 0.2);
        // and more than as many random heads of the same layers do, beyond the spread of the control draws
        assertThat(iv.ablated().accuracy()).as(HeadsText.summary(iv)).isLessThan(iv.controlMean() - iv.controlStd());
        assertThat(iv.labelSpecific()).isNotEmpty();
    }
}
