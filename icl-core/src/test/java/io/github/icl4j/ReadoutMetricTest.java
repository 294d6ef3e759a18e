package io.github.icl4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The three readouts on constructed logits where they disagree, and their invariants over random batches. */
class ReadoutMetricTest {

    /** A biased model: class 0 wins every argmax, yet the logit difference ranks the queries. */
    private static final double[][] BIASED = {{-0.2, -0.7}, {-0.1, -2.3}, {-0.1, -2.4}, {-0.1, -2.5}};
    private static final int[] GOLD = {1, 1, 0, 0};

    @Test
    void theThreeReadoutsDisagreeOnABiasedBatch() {
        assertThat(ReadoutMetric.ARGMAX.of(GOLD, BIASED)).isEqualTo(0.5);
        // d = [-0.5, -2.2, -2.3, -2.4], mean -1.85: only the first gold-1 query lies above it
        assertThat(ReadoutMetric.CALIBRATED.of(GOLD, BIASED)).isEqualTo(0.75);
        assertThat(ReadoutMetric.AUROC.of(GOLD, BIASED)).isEqualTo(1.0);
    }

    @Test
    void calibrationCanLoseWhatArgmaxHad() {
        // unbiased on average but skewed: argmax is right on all four, the batch mean moves the threshold
        double[][] s = {{0, 5}, {0, 0.1}, {0, -0.1}, {0, -0.2}};
        int[] gold = {1, 1, 0, 0};
        assertThat(ReadoutMetric.ARGMAX.of(gold, s)).isEqualTo(1.0);
        assertThat(ReadoutMetric.CALIBRATED.of(gold, s)).isEqualTo(0.75); // mean d 1.2: query 2 now reads class 0
        assertThat(ReadoutMetric.AUROC.of(gold, s)).isEqualTo(1.0);
    }

    @Test
    void aurocCountsTiesHalfAndHandComputedPairs() {
        // positives 0.3, 0.5; negatives 0.5, 0.1: pairs (0.3>0.1) 1, (0.3<0.5) 0, (0.5=0.5) 0.5, (0.5>0.1) 1 -> 2.5/4
        assertThat(ReadoutMetric.auroc(new int[] {1, 1, 0, 0}, new double[] {0.3, 0.5, 0.5, 0.1})).isEqualTo(0.625);
        assertThat(ReadoutMetric.auroc(new int[] {1, 0}, new double[] {2, 2})).isEqualTo(0.5);
        assertThat(ReadoutMetric.auroc(new int[] {0, 1}, new double[] {1, 2})).isEqualTo(1.0);
        assertThat(ReadoutMetric.auroc(new int[] {1, 0}, new double[] {1, 2})).isEqualTo(0.0);
        assertThat(ReadoutMetric.auroc(new int[] {1, 1}, new double[] {1, 2})).isNaN();
        // rows with another gold value are left out
        assertThat(ReadoutMetric.auroc(new int[] {1, -1, 0}, new double[] {1, 9, 0})).isEqualTo(1.0);
    }

    @Test
    void aurocEqualsTheQuadraticPairCount() {
        Random r = new Random(3);
        for (int trial = 0; trial < 200; trial++) {
            int n = 2 + r.nextInt(30);
            int[] gold = new int[n];
            double[] s = new double[n];
            for (int i = 0; i < n; i++) {
                gold[i] = r.nextInt(2);
                s[i] = r.nextInt(5); // many ties
            }
            double wins = 0;
            int pairs = 0;
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < n; j++) {
                    if (gold[i] == 1 && gold[j] == 0) {
                        pairs++;
                        wins += s[i] > s[j] ? 1 : s[i] == s[j] ? 0.5 : 0;
                    }
                }
            }
            double expected = pairs == 0 ? Double.NaN : wins / pairs;
            double got = ReadoutMetric.auroc(gold, s);
            if (pairs == 0) {
                assertThat(got).isNaN();
            } else {
                assertThat(got).isCloseTo(expected, within(1e-12));
            }
        }
    }

    @Test
    void aurocIsInvariantToMonotoneTransformsOfTheScore() {
        Random r = new Random(11);
        for (int trial = 0; trial < 100; trial++) {
            int n = 4 + r.nextInt(40);
            int[] gold = new int[n];
            double[] d = new double[n];
            double[] shifted = new double[n];
            double[] cubed = new double[n];
            for (int i = 0; i < n; i++) {
                gold[i] = i % 2;
                d[i] = Math.round(r.nextGaussian() * 4) / 2.0 + gold[i] * 0.5;
                shifted[i] = d[i] - 7.25;
                cubed[i] = Math.pow(d[i], 3) * 2 + 1;
            }
            double a = ReadoutMetric.auroc(gold, d);
            assertThat(ReadoutMetric.auroc(gold, shifted)).isEqualTo(a);
            assertThat(ReadoutMetric.auroc(gold, cubed)).isEqualTo(a);
        }
    }

    @Test
    void calibratedAccuracyAndAurocAreInvariantToAConstantPerClass() {
        Random r = new Random(5);
        for (int trial = 0; trial < 100; trial++) {
            int n = 2 + r.nextInt(40);
            int[] gold = new int[n];
            double[][] s = new double[n][2];
            double c0 = r.nextGaussian() * 20;
            double c1 = r.nextGaussian() * 20;
            double[][] biased = new double[n][2];
            for (int i = 0; i < n; i++) {
                gold[i] = r.nextInt(2);
                s[i][0] = r.nextGaussian();
                s[i][1] = r.nextGaussian() + gold[i];
                biased[i][0] = s[i][0] + c0;
                biased[i][1] = s[i][1] + c1;
            }
            assertThat(ReadoutMetric.CALIBRATED.of(gold, biased)).isEqualTo(ReadoutMetric.CALIBRATED.of(gold, s));
            double auc = ReadoutMetric.AUROC.of(gold, s);
            if (Double.isNaN(auc)) {
                assertThat(ReadoutMetric.AUROC.of(gold, biased)).isNaN();
            } else {
                assertThat(ReadoutMetric.AUROC.of(gold, biased)).isCloseTo(auc, within(1e-12));
            }
        }
    }

    @Test
    void everyReadoutIsInvariantToAConstantPerPromptAndToRowOrder() {
        Random r = new Random(8);
        for (int trial = 0; trial < 50; trial++) {
            int n = 6;
            int[] gold = new int[n];
            double[][] s = new double[n][2];
            double[][] shifted = new double[n][2];
            for (int i = 0; i < n; i++) {
                gold[i] = i % 2;
                s[i] = new double[] {r.nextGaussian(), r.nextGaussian() + gold[i]};
                double c = r.nextGaussian() * 10; // logits vs log-probabilities: one constant per prompt
                shifted[i] = new double[] {s[i][0] + c, s[i][1] + c};
            }
            int[] revGold = new int[n];
            double[][] rev = new double[n][];
            for (int i = 0; i < n; i++) {
                revGold[i] = gold[n - 1 - i];
                rev[i] = s[n - 1 - i];
            }
            for (ReadoutMetric m : ReadoutMetric.values()) {
                assertThat(m.of(gold, shifted)).as(m.key()).isCloseTo(m.of(gold, s), within(1e-12));
                assertThat(m.of(revGold, rev)).as(m.key()).isEqualTo(m.of(gold, s));
            }
        }
    }

    @Test
    void calibratedPredictionsAreBalancedWhereArgmaxAnswersOneLabel() {
        // every query reads class 1 by argmax; centring splits them at the batch mean of d
        double[][] s = new double[10][];
        int[] gold = new int[10];
        for (int i = 0; i < 10; i++) {
            s[i] = new double[] {-3 + 0.1 * i, 0};
            gold[i] = i < 5 ? 1 : 0;
        }
        int[] argmax = ReadoutMetric.ARGMAX.predictions(s);
        int[] cal = ReadoutMetric.CALIBRATED.predictions(s);
        assertThat(argmax).containsOnly(1);
        assertThat(java.util.Arrays.stream(cal).sum()).isEqualTo(5);
        assertThat(ReadoutMetric.CALIBRATED.of(gold, s)).isEqualTo(1.0);
        assertThat(ReadoutMetric.ARGMAX.of(gold, s)).isEqualTo(0.5);
    }

    @Test
    void rowsWithoutGoldJoinTheBatchButNotTheCount() {
        double[][] s = {{0, 1}, {0, 2}, {0, 10}};
        // the unlabelled third row moves the mean of d to 13/3, so both labelled rows read class 0
        assertThat(ReadoutMetric.CALIBRATED.of(new int[] {1, 1, -1}, s)).isEqualTo(0.0);
        assertThat(ReadoutMetric.ARGMAX.of(new int[] {1, 1, -1}, s)).isEqualTo(1.0);
        assertThat(ReadoutMetric.ARGMAX.of(new int[] {-1, -1, -1}, s)).isNaN();
    }

    @Test
    void readsLabelProbabilitiesAndTheAccuracyReport() {
        List<LabelProbabilities.Row> rows = new ArrayList<>();
        long[] ids = {7, 9};
        for (int i = 0; i < BIASED.length; i++) {
            rows.add(LabelLogits.row(BIASED[i], 5.0, 7, ids, GOLD[i]));
        }
        LabelProbabilities lp = new LabelProbabilities(rows);
        assertThat(lp.readout(ReadoutMetric.ARGMAX)).isEqualTo(0.5);
        assertThat(lp.readout(ReadoutMetric.CALIBRATED)).isEqualTo(0.75);
        assertThat(lp.readout(ReadoutMetric.AUROC)).isEqualTo(1.0);
        AccuracyReport r = lp.report();
        assertThat(r.readout(ReadoutMetric.ARGMAX)).isEqualTo(r.accuracy()).isEqualTo(0.5);
        assertThat(r.calibratedAccuracy()).isEqualTo(0.75);
        assertThat(r.auroc()).isEqualTo(1.0);
        assertThat(r.toString()).contains("calibrated 0.750", "AUROC 1.000");
        AccuracyReport plain = AccuracyReport.of(GOLD, new int[] {0, 0, 0, 0}, null, 2);
        assertThat(plain.calibratedAccuracy()).isNaN();
        assertThat(plain.auroc()).isNaN();
    }

    @Test
    void logProbsStayFiniteWhenAProbabilityUnderflows() {
        LabelProbabilities.Row row = LabelLogits.row(new double[] {0, -2000}, 0, 7, new long[] {7, 9}, 0);
        assertThat(row.logProbs()[1]).isFinite().isLessThan(-700);
        assertThat(row.logProbs()[0]).isEqualTo(0.0);
    }

    @Test
    void parsesKeysAndRefusesOthers() {
        assertThat(ReadoutMetric.parse("Calibrated")).isEqualTo(ReadoutMetric.CALIBRATED);
        assertThat(ReadoutMetric.parse(" auroc ")).isEqualTo(ReadoutMetric.AUROC);
        assertThat(ReadoutMetric.ARGMAX.toString()).isEqualTo("argmax");
        assertThatThrownBy(() -> ReadoutMetric.parse("f1")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'f1'").hasMessageContaining("argmax, calibrated, auroc");
    }

    @Test
    void refusesBadInput() {
        assertThatThrownBy(() -> ReadoutMetric.AUROC.of(new int[] {0}, new double[][] {{0, 1, 2}}))
                .hasMessageContaining("two classes; got 3");
        assertThatThrownBy(() -> ReadoutMetric.ARGMAX.of(new int[] {0, 1}, new double[][] {{0, 1}}))
                .hasMessageContaining("2 gold labels but 1");
        assertThatThrownBy(() -> ReadoutMetric.ARGMAX.of(new int[] {2}, new double[][] {{0, 1}}))
                .hasMessageContaining("gold 2 out of range [-1, 2)");
        assertThatThrownBy(() -> ReadoutMetric.CALIBRATED.of(new int[] {0}, new double[][] {{0, Double.NaN}}))
                .hasMessageContaining("NaN");
    }
}
