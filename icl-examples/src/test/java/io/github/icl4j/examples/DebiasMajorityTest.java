package io.github.icl4j.examples;

import io.github.icl4j.examples.builtin.BuiltinModel;
import io.github.icl4j.examples.builtin.TrainBuiltinModel;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.icl4j.bias.Correction;
import io.github.icl4j.bias.MajorityResult;
import org.junit.jupiter.api.Test;

class DebiasMajorityTest {
    @Test
    void everyCorrectionHasARowAndTheStrongerFixActs() {
        assumeTrue(BuiltinModel.isAvailable(), "no built-in model in the jar; run TrainBuiltinModel");
        DebiasMajority.Result r = DebiasMajority.run();
        assertThat(r.heads()).isNotEmpty();
        for (MajorityResult m : java.util.List.of(r.method(), r.strong())) {
            assertThat(m.rows()).extracting(MajorityResult.Row::correction).containsExactly(Correction.values());
            assertThat(m.rows()).allSatisfy(row -> assertThat(row.fluctuation().mean()).isGreaterThanOrEqualTo(0));
        }
        assertThat(r.method().options().ac()).isEqualTo(0.03);
        assertThat(r.strong().options().ac()).isEqualTo(3.0);
        // the corrections that do not use the fix are the same in both runs
        assertThat(r.strong().row(Correction.NONE).fluctuation().mean())
                .isEqualTo(r.method().row(Correction.NONE).fluctuation().mean());
        // the METHOD's a_c = 0.03 leaves this model's predictions as they are (its heads write little at the label
        // positions); a hundred times that moves them
        MajorityResult.Row none = r.strong().row(Correction.NONE);
        assertThat(r.method().row(Correction.FIX).accuracy().mean()).isEqualTo(none.accuracy().mean());
        assertThat(r.strong().row(Correction.FIX).accuracy().mean()).isNotEqualTo(none.accuracy().mean());
    }
}
