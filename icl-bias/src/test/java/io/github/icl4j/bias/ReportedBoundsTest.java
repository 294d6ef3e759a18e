package io.github.icl4j.bias;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** Intervals stay inside what the quantity can be. */
class ReportedBoundsTest {

    @Test
    void accuracyIntervalsNearOneAreClippedToTheUnitRange() {
        Interval acc = Interval.of(new double[] {1.0, 0.96, 1.0}, Interval.Kind.T, 0.95, 0, 0);
        assertThat(acc.upper()).as("raw t-interval").isGreaterThan(1.0);
        Interval clipped = acc.within(0, 1);
        assertThat(clipped.upper()).isEqualTo(1.0);
        assertThat(clipped.lower()).isEqualTo(acc.lower()).isGreaterThanOrEqualTo(0.0);
        assertThat(clipped.mean()).isEqualTo(acc.mean());
        assertThat(clipped.samples()).containsExactly(acc.samples());
        Interval std = Interval.of(new double[] {0.0, 0.01, 0.0}, Interval.Kind.T, 0.95, 0, 0)
                .within(0, Double.POSITIVE_INFINITY);
        assertThat(std.lower()).isZero();
        Interval single = Interval.of(new double[] {0.5}, Interval.Kind.T, 0.95, 0, 0);
        assertThat(single.within(0, 1)).isSameAs(single);
        assertThatThrownBy(() -> acc.within(1, 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("[1.0, 0.0]");
    }
}
