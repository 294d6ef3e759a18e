package io.github.icl4j.examples;

import io.github.icl4j.examples.builtin.BuiltinModel;
import io.github.icl4j.examples.builtin.TrainBuiltinModel;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.icl4j.bias.Calibration;
import org.junit.jupiter.api.Test;

class CalibrationBaselinesTest {
    @Test
    void priorsAreDistributionsAndCalibratingAnUnbiasedModelKeepsItsAccuracy() {
        assumeTrue(BuiltinModel.isAvailable(), "no built-in model in the jar; run TrainBuiltinModel");
        CalibrationBaselines.Result r = CalibrationBaselines.run();
        assertThat(r.rows()).extracting(CalibrationBaselines.Row::kind).containsExactly(Calibration.Kind.values());
        assertThat(r.queries()).isEqualTo(6 * 40);
        for (Calibration.Kind k : new Calibration.Kind[] {Calibration.Kind.CONTEXTUAL, Calibration.Kind.DOMAIN}) {
            double[] p = r.row(k).prior();
            assertThat(p[0] + p[1]).isCloseTo(1.0, within(1e-9));
        }
        assertThat(r.row(Calibration.Kind.NONE).prior()).isNull();
        assertThat(r.rows()).allSatisfy(row -> assertThat(row.accuracy()).isBetween(0.0, 1.0));
        // the built-in model hardly follows the majority of 3 foo + 1 bar demonstrations: it predicts foo for about
        // half of the (balanced) queries, and no calibration moves its accuracy by more than a few queries
        assertThat(Math.abs(r.row(Calibration.Kind.NONE).fooRate() - 0.5)).as(r.toString()).isLessThan(0.05);
        for (Calibration.Kind k : Calibration.Kind.values()) {
            assertThat(r.row(k).accuracy()).as(r.toString())
                    .isCloseTo(r.row(Calibration.Kind.NONE).accuracy(), within(0.03));
        }
    }
}
