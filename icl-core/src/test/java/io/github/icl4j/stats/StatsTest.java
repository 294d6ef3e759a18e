package io.github.icl4j.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** The one NaN policy (plain functions propagate NaN, nan* leave it out) and the library-backed t quantiles. */
class StatsTest {
    @Test
    void plainFunctionsPropagateNaNAndNanFunctionsLeaveItOut() {
        assertThat(Stats.mean(1, 2, 3)).isEqualTo(2.0);
        assertThat(Stats.mean(1, Double.NaN)).isNaN();
        assertThat(Stats.mean()).isNaN();
        assertThat(Stats.nanMean(1, Double.NaN, 3)).isEqualTo(2.0);
        assertThat(Stats.nanMean(Double.NaN)).isNaN();
        assertThat(Stats.std(1, 2, 3, 4, 5)).isCloseTo(Math.sqrt(2.5), within(1e-15));
        assertThat(Stats.std(1)).isNaN();
        assertThat(Stats.std(1, Double.NaN, 3)).isNaN();
        assertThat(Stats.nanStd(1, Double.NaN, 3)).isCloseTo(Math.sqrt(2), within(1e-15));
        assertThat(Stats.nanStd(1, Double.NaN)).isNaN();
    }

    @Test
    void nanFunctionsEqualThePlainOnesWithoutNaN() {
        Random rng = new Random(7);
        for (int t = 0; t < 50; t++) {
            double[] v = rng.doubles(2 + rng.nextInt(20), -5, 5).toArray();
            assertThat(Stats.nanMean(v)).isEqualTo(Stats.mean(v));
            assertThat(Stats.nanStd(v)).isEqualTo(Stats.std(v));
        }
    }

    @Test
    void correlations() {
        double[] x = {1, 2, 3, 4, 5};
        assertThat(Stats.pearson(x, new double[] {2, 4, 6, 8, 10})).isCloseTo(1.0, within(1e-12));
        assertThat(Stats.spearman(x, new double[] {1, 4, 9, 16, 100})).isCloseTo(1.0, within(1e-12));
        assertThat(Stats.pearson(x, new double[] {1, 1, 1, 1, 1})).isNaN();
        assertThat(Stats.ranks(new double[] {3, 1, 3})).containsExactly(2.5, 1, 2.5);
        assertThatThrownBy(() -> Stats.pearson(x, new double[] {1})).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("5 and 1");
    }

    @Test
    void tQuantilesMatchTables() {
        assertThat(Stats.tQuantile(0.975, 1)).isCloseTo(12.706205, within(1e-5));
        assertThat(Stats.tQuantile(0.975, 4)).isCloseTo(2.776445, within(1e-5));
        assertThat(Stats.tQuantile(0.95, 10)).isCloseTo(1.812461, within(1e-5));
        assertThat(Stats.tQuantile(0.975, 30)).isCloseTo(2.042272, within(1e-5));
        assertThat(Stats.tQuantile(0.025, 4)).isCloseTo(-2.776445, within(1e-5));
        assertThatThrownBy(() -> Stats.tQuantile(0.9, 0)).hasMessageContaining("degrees of freedom 0");
        assertThatThrownBy(() -> Stats.tQuantile(1.0, 3)).hasMessageContaining("probability 1.0 out of range (0, 1)");
    }
}
