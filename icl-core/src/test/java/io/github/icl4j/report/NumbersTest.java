package io.github.icl4j.report;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The text forms of {@link Numbers} that summaries print, with what each writes for NaN and infinity. */
class NumbersTest {
    @Test
    void threeDecimalsWithAndWithoutSignNaNAsDash() {
        assertThat(Numbers.f3(0.12345)).isEqualTo("0.123");
        assertThat(Numbers.f3(-1.5)).isEqualTo("-1.500");
        assertThat(Numbers.s3(0.12345)).isEqualTo("+0.123");
        assertThat(Numbers.s3(-0.0004)).isEqualTo("-0.000");
        assertThat(Numbers.f3(Double.NaN)).isEqualTo("–");
        assertThat(Numbers.s3(Double.NaN)).isEqualTo("–");
    }

    @Test
    void signedPercentOneDecimalNonFiniteAsDash() {
        assertThat(Numbers.signedPercent(-0.4)).isEqualTo("-40.0%");
        assertThat(Numbers.signedPercent(0.4762)).isEqualTo("+47.6%");
        assertThat(Numbers.signedPercent(0)).isEqualTo("+0.0%");
        assertThat(Numbers.signedPercent(Double.NaN)).isEqualTo("–");
        assertThat(Numbers.signedPercent(Double.NEGATIVE_INFINITY)).isEqualTo("–");
        assertThat(Numbers.signedPercent(Double.POSITIVE_INFINITY)).isEqualTo("–");
    }

    @Test
    void percentDropsAZeroDecimal() {
        assertThat(Numbers.percent(0.95)).isEqualTo("95");
        assertThat(Numbers.percent(0.975)).isEqualTo("97.5");
    }
}
