package io.github.icl4j.bias;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** The bias metrics and intervals on constructed numbers with known answers. */
class BiasMetricsTest {

    @Test
    void stdOverOrdersOfConstructedAccuracies() {
        // orders give 0.70, 0.80, 0.90: mean 0.8, squared deviations 0.01 + 0 + 0.01 over n-1 = 2 → sd 0.1
        assertThat(BiasMetrics.sampleStd(0.70, 0.80, 0.90)).isCloseTo(0.1, within(1e-12));
        // original vs reversed: |a - b| / sqrt(2)
        assertThat(BiasMetrics.sampleStd(0.6, 0.8)).isCloseTo(0.2 / Math.sqrt(2), within(1e-12));
        assertThat(BiasMetrics.sampleStd(0.5, 0.5, 0.5, 0.5)).isZero();
        assertThat(BiasMetrics.sampleStd(0.5)).isNaN();
    }

    @Test
    void attentionSpreadAveragesPerItemStds() {
        // item 0 across 3 orders: 0.1, 0.2, 0.3 → sd 0.1; item 1: 0.5, 0.5, 0.5 → 0
        double[][] byOrder = {{0.1, 0.5}, {0.2, 0.5}, {0.3, 0.5}};
        assertThat(BiasMetrics.meanStdAcrossOrders(byOrder)).isCloseTo(0.05, within(1e-12));
        assertThatThrownBy(() -> BiasMetrics.meanStdAcrossOrders(new double[][] {{0.1}}))
                .hasMessageContaining("at least 2 orders; got 1");
    }

    @Test
    void fluctuationOfConstructedAccuracies() {
        // balanced 0.80; less one of class 0: 0.70, of class 1: 0.85
        assertThat(BiasMetrics.fluctuation(0.80, new double[] {0.70, 0.85}, BiasOptions.Fluctuation.ABSOLUTE))
                .isCloseTo(0.075, within(1e-12));
        assertThat(BiasMetrics.fluctuation(0.80, new double[] {0.70, 0.85}, BiasOptions.Fluctuation.SIGNED))
                .isCloseTo(-0.025, within(1e-12));
    }

    @Test
    void relativeReduction() {
        assertThat(BiasMetrics.relativeReduction(0.10, 0.078)).isCloseTo(0.22, within(1e-12));
        assertThat(BiasMetrics.relativeReduction(0.10, 0.12)).isCloseTo(-0.2, within(1e-12));
        assertThat(BiasMetrics.relativeReduction(0, 0.1)).isNaN();
    }

    @Test
    void accuracyAndMacroF1MatchAHandCount() {
        int[] gold = {0, 0, 0, 1, 1, -1};
        int[] pred = {0, 0, 1, 1, 0, 1};
        assertThat(BiasMetrics.accuracy(gold, pred)).isCloseTo(3.0 / 5, within(1e-12));
        // class 0: tp 2, predicted 3, support 3 → p 2/3 r 2/3 f1 2/3; class 1: tp 1, predicted 2, support 2 → 1/2
        assertThat(BiasMetrics.macroF1(gold, pred, 2)).isCloseTo((2.0 / 3 + 0.5) / 2, within(1e-12));
        // a class never predicted has F1 0
        assertThat(BiasMetrics.macroF1(new int[] {0, 1}, new int[] {0, 0}, 2)).isCloseTo((2.0 / 3) / 2, within(1e-12));
    }

    @Test
    void tIntervalOfConstructedSeeds() {
        // values 1..5: mean 3, sd sqrt(2.5), half-width t(0.975,4) * sd / sqrt(5)
        Interval i = Interval.of(new double[] {1, 2, 3, 4, 5}, Interval.Kind.T, 0.95, 0, 0);
        double half = 2.7764451 * Math.sqrt(2.5) / Math.sqrt(5);
        assertThat(i.mean()).isEqualTo(3.0);
        assertThat(i.lower()).isCloseTo(3 - half, within(1e-5));
        assertThat(i.upper()).isCloseTo(3 + half, within(1e-5));
        assertThat(i.n()).isEqualTo(5);
        assertThat(i.toString()).isEqualTo("3.000 [1.037, 4.963] (95% t, n=5)");
        Interval one = Interval.of(new double[] {0.4}, Interval.Kind.T, 0.95, 0, 0);
        assertThat(one.mean()).isEqualTo(0.4);
        assertThat(one.hasBounds()).isFalse();
    }

    @Test
    void bootstrapIntervalsAreSeededAndBracketTheMean() {
        double[] v = {0.1, 0.2, 0.15, 0.3, 0.25};
        Interval a = Interval.of(v, Interval.Kind.BOOTSTRAP, 0.9, 2000, 3);
        assertThat(a).isEqualTo(Interval.of(v, Interval.Kind.BOOTSTRAP, 0.9, 2000, 3));
        assertThat(a.lower()).isLessThan(a.mean()).isGreaterThanOrEqualTo(0.1);
        assertThat(a.upper()).isGreaterThan(a.mean()).isLessThanOrEqualTo(0.3);
        // a paired reduction: the method halves every seed's value → exactly 50%, a degenerate interval
        Interval r = Interval.reduction(v, new double[] {0.05, 0.1, 0.075, 0.15, 0.125}, 0.95, 1000, 0);
        assertThat(r.mean()).isCloseTo(0.5, within(1e-12));
        assertThat(r.lower()).isCloseTo(0.5, within(1e-12));
        assertThat(r.upper()).isCloseTo(0.5, within(1e-12));
    }

    @Test
    void badIntervalArgumentsAreNamed() {
        assertThatThrownBy(() -> Interval.of(new double[] {1, 2}, Interval.Kind.T, 1.0, 0, 0))
                .hasMessageContaining("level 1.0 out of range (0, 1)");
        assertThatThrownBy(() -> Interval.reduction(new double[] {1}, new double[] {1, 2}, 0.95, 10, 0))
                .hasMessageContaining("1 for none but 2");
    }
}
