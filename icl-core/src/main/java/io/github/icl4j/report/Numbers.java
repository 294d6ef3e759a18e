package io.github.icl4j.report;

import java.util.Locale;

/**
 * The one home of how reports write numbers: six significant digits for measured quantities in result tables,
 * Java's shortest round-trip form where the exact double matters (raw measurements), NaN as an empty cell.
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
}
