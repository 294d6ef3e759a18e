package io.github.icl4j.bias;

import java.util.ArrayList;
import java.util.List;

/** Plain-text tables for toString. */
final class Tables {
    private Tables() {
    }

    /** Columns padded to their widest cell; the first row is the header. */
    static String render(List<String[]> rows) {
        if (rows.isEmpty()) {
            return "";
        }
        int cols = rows.get(0).length;
        int[] w = new int[cols];
        for (String[] r : rows) {
            for (int c = 0; c < cols; c++) {
                w[c] = Math.max(w[c], r[c].length());
            }
        }
        StringBuilder sb = new StringBuilder();
        List<String[]> all = new ArrayList<>(rows);
        for (int i = 0; i < all.size(); i++) {
            String[] r = all.get(i);
            sb.append("  ");
            for (int c = 0; c < cols; c++) {
                sb.append(c == 0 ? String.format("%-" + w[c] + "s", r[c]) : String.format("  %" + w[c] + "s", r[c]));
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    /** {@code 0.713 ±0.062} (half-width of the interval), or {@code 0.713} without bounds. */
    static String cell(Interval i) {
        if (i == null) {
            return "";
        }
        if (Double.isNaN(i.mean())) {
            return "n/a";
        }
        if (!i.hasBounds()) {
            return Interval.fmt(i.mean());
        }
        return Interval.fmt(i.mean()) + " [" + Interval.fmt(i.lower()) + ", " + Interval.fmt(i.upper()) + "]";
    }

    /** A reduction as a percentage with its interval: {@code −22.0% [−40.1%, −5.3%]}. */
    static String percent(Interval i) {
        if (i == null || Double.isNaN(i.mean())) {
            return "n/a";
        }
        String m = String.format(java.util.Locale.ROOT, "%.1f%%", 100 * i.mean());
        if (!i.hasBounds()) {
            return m;
        }
        return m + String.format(java.util.Locale.ROOT, " [%.1f%%, %.1f%%]", 100 * i.lower(), 100 * i.upper());
    }
}
