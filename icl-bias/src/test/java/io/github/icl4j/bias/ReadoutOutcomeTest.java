package io.github.icl4j.bias;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.icl4j.LabelLogits;
import io.github.icl4j.LabelProbabilities;
import io.github.icl4j.ReadoutMetric;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** One correction on one context read by each readout, on constructed label logits with a strong prior on class 0. */
class ReadoutOutcomeTest {
    private static final long[] IDS = {7, 9};

    private static List<LabelProbabilities.Row> rows(double[][] logits, int[] gold) {
        List<LabelProbabilities.Row> out = new ArrayList<>();
        for (int i = 0; i < logits.length; i++) {
            out.add(LabelLogits.row(logits[i], 3.0, IDS[0], IDS, gold[i]));
        }
        return out;
    }

    /** Class 0 wins every argmax; d = [-0.5, -2.2, -2.3, -2.4] still ranks the two gold-1 queries first. */
    private static ContextOutcomes.Rows biased() {
        double[][] q = {{-0.2, -0.7}, {-0.1, -2.3}, {-0.1, -2.4}, {-0.1, -2.5}};
        // content-free inputs carry the same prior, a little stronger than the queries' mean
        double[][] cf = {{0, -2.0}, {0, -2.0}};
        return new ContextOutcomes.Rows(rows(q, new int[] {1, 1, 0, 0}), rows(cf, new int[] {-1, -1}),
                rows(cf, new int[] {-1, -1}));
    }

    @Test
    void eachReadoutOfTheUncorrectedContext() {
        ContextOutcomes.Outcome argmax = ContextOutcomes.outcome(biased(), Calibration.Kind.NONE, 2, ReadoutMetric.ARGMAX);
        ContextOutcomes.Outcome cal = ContextOutcomes.outcome(biased(), Calibration.Kind.NONE, 2, ReadoutMetric.CALIBRATED);
        ContextOutcomes.Outcome auc = ContextOutcomes.outcome(biased(), Calibration.Kind.NONE, 2, ReadoutMetric.AUROC);
        assertThat(argmax.accuracy()).isEqualTo(0.5);
        assertThat(cal.accuracy()).isEqualTo(0.75);
        assertThat(auc.accuracy()).isEqualTo(1.0);
        assertThat(argmax).isEqualTo(ContextOutcomes.outcome(biased(), Calibration.Kind.NONE, 2));
        // macro-F1 of the calibrated predictions [1, 0, 0, 0]: class 0 F1 0.8, class 1 F1 2/3
        assertThat(cal.macroF1()).isCloseTo((0.8 + 2.0 / 3) / 2, org.assertj.core.api.Assertions.within(1e-12));
        assertThat(argmax.fullVocabAccuracy()).isEqualTo(cal.fullVocabAccuracy());
    }

    @Test
    void aurocIgnoresEveryCalibrationOfTwoClasses() {
        for (Calibration.Kind kind : Calibration.Kind.values()) {
            assertThat(ContextOutcomes.outcome(biased(), kind, 2, ReadoutMetric.AUROC).accuracy()).as(kind.name())
                    .isEqualTo(1.0);
        }
    }

    @Test
    void aCalibratedReadoutOfContextualCalibrationEqualsTheUncorrectedOne() {
        // dividing by a prior adds one constant per class to the log-scores, which the batch centring removes
        assertThat(ContextOutcomes.outcome(biased(), Calibration.Kind.CONTEXTUAL, 2, ReadoutMetric.CALIBRATED).accuracy())
                .isEqualTo(ContextOutcomes.outcome(biased(), Calibration.Kind.NONE, 2, ReadoutMetric.CALIBRATED).accuracy());
        // with argmax the prior (d = -2) moves the threshold to -2: queries 1..3 read class 0, query 0 class 1
        assertThat(ContextOutcomes.outcome(biased(), Calibration.Kind.CONTEXTUAL, 2, ReadoutMetric.ARGMAX).accuracy())
                .isEqualTo(0.75);
    }
}
