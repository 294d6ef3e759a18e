package io.github.icl4j.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.icl4j.bias.Calibration;
import org.junit.jupiter.api.Test;

class CalibrationBaselinesTest {
    @Test
    void priorsAreDistributionsAndBatchCalibrationEvensOutThePredictions() {
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
        // with 3 foo + 1 bar demonstrations the model's predictions lean one way: "N/A" and the other content-free
        // inputs give a prior, whichever way it points, that is not the even 0.5
        assertThat(Math.abs(r.row(Calibration.Kind.CONTEXTUAL).prior()[0] - 0.5)).as(r.toString()).isGreaterThan(0.05);
        assertThat(Math.abs(r.row(Calibration.Kind.NONE).fooRate() - 0.5)).as(r.toString()).isGreaterThan(0.05);
        // and batch calibration, which removes the mean preference, predicts foo more evenly
        assertThat(Math.abs(r.row(Calibration.Kind.BATCH).fooRate() - 0.5))
                .isLessThan(Math.abs(r.row(Calibration.Kind.NONE).fooRate() - 0.5));
    }
}
