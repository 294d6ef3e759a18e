package io.github.icl4j.report;

import java.util.Locale;

/**
 * The one home of how reports write numbers: six significant digits for measured quantities in result tables,
 * Java's shortest round-trip form where the exact double matters (raw measurements), NaN as an empty cell; three
 * decimals (NaN as "–") in text and HTML summaries.
 */
public final class Numbers {
    private Numbers() {
    }

    /**
     * Six significant digits ({@code %.6g}, {@link Locale#ROOT}); NaN as {@code ""}.
     *
     * @param v the number
     * @return its text
     */
    public static String sig6(double v) {
        return Double.isNaN(v) ? "" : String.format(Locale.ROOT, "%.6g", v);
    }

    /**
     * Java's shortest text that reads back as the same double ({@link Double#toString(double)}); NaN as {@code ""}.
     *
     * @param v the number
     * @return its text
     */
    public static String exact(double v) {
        return Double.isNaN(v) ? "" : Double.toString(v);
    }

    /**
     * Three decimals ({@code %.3f}, {@link Locale#ROOT}), as text summaries print a fraction; NaN as {@code "–"}.
     *
     * @param v the number
     * @return its text, e.g. {@code 0.123}
     */
    public static String f3(double v) {
        return Double.isNaN(v) ? "–" : String.format(Locale.ROOT, "%.3f", v);
    }

    /**
     * Three decimals with a sign ({@code %+.3f}, {@link Locale#ROOT}); NaN as {@code "–"}.
     *
     * @param v the number
     * @return its text, e.g. {@code +0.123}
     */
    public static String s3(double v) {
        return Double.isNaN(v) ? "–" : String.format(Locale.ROOT, "%+.3f", v);
    }

    /**
     * A relative change as a signed percentage with one decimal ({@code %+.1f%%}, {@link Locale#ROOT}); NaN and
     * ±∞ (a change against 0) as {@code "–"}.
     *
     * @param v the change as a fraction, e.g. {@code -0.4}
     * @return its text, e.g. {@code -40.0%}
     */
    public static String signedPercent(double v) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%+.1f%%", 100 * v) : "–";
    }

    /**
     * A fraction as a percentage with one decimal, the decimal dropped when it is 0: {@code 0.95} is {@code 95},
     * {@code 0.975} is {@code 97.5}.
     *
     * @param fraction the fraction, e.g. a confidence level
     * @return the percentage without the % sign
     */
    public static String percent(double fraction) {
        String p = String.format(Locale.ROOT, "%.1f", fraction * 100);
        return p.endsWith(".0") ? p.substring(0, p.length() - 2) : p;
    }
}
