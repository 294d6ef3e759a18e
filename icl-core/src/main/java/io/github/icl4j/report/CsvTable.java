package io.github.icl4j.report;

import java.util.function.DoubleFunction;

/**
 * A CSV table (RFC 4180: comma-separated, {@code \n} line ends, a field quoted only when it holds a comma, a quote or
 * a line break, quotes doubled), built row by row: the one CSV writer of the report classes. Null is an empty cell;
 * a {@code double} or {@code float} goes through the table's number format ({@link Numbers}).
 *
 * <p>Not Commons CSV's printer: its {@code QuoteMode.MINIMAL} also quotes a field that starts with a space or a
 * character up to {@code #}, ends with a space, or is an empty first field, so token columns such as {@code " foo"}
 * would change bytes; its escape mode is not RFC 4180. Commons CSV reads the tables back unchanged.
 * <pre>{@code
 * String csv = CsvTable.sig6("layer", "head", "score").row(1, 2, 0.125).toString();
 * }</pre>
 */
public final class CsvTable {
    private final StringBuilder sb = new StringBuilder();
    private final DoubleFunction<String> number;

    private CsvTable(DoubleFunction<String> number, String... header) {
        this.number = number;
        row((Object[]) header);
    }

    /**
     * A table whose numbers have six significant digits ({@link Numbers#sig6}).
     *
     * @param header the column names
     * @return the table with its header row
     */
    public static CsvTable sig6(String... header) {
        return new CsvTable(Numbers::sig6, header);
    }

    /**
     * A table whose numbers are exact ({@link Numbers#exact}).
     *
     * @param header the column names
     * @return the table with its header row
     */
    public static CsvTable exact(String... header) {
        return new CsvTable(Numbers::exact, header);
    }

    /**
     * Appends a row.
     *
     * @param fields the cells, each written as {@link #field}
     * @return this table
     */
    public CsvTable row(Object... fields) {
        for (int i = 0; i < fields.length; i++) {
            if (i > 0) {
                sb.append(',');
            }
            sb.append(field(fields[i]));
        }
        sb.append('\n');
        return this;
    }

    /**
     * One cell: null empty, a double or float in the table's number format, anything else its {@code toString},
     * quoted when it holds a comma, a quote or a line break.
     *
     * @param v the value
     * @return the cell's text
     */
    public String field(Object v) {
        String s;
        if (v == null) {
            s = "";
        } else if (v instanceof Double d) {
            s = number.apply(d);
        } else if (v instanceof Float f) {
            s = number.apply(f);
        } else {
            s = v.toString();
        }
        return quote(s);
    }

    /**
     * A text cell, quoted when it holds a comma, a quote or a line break (quotes doubled).
     *
     * @param s the text
     * @return the cell
     */
    public static String quote(String s) {
        if (s.contains(",") || s.contains("\"") || s.contains("\n") || s.contains("\r")) {
            return "\"" + s.replace("\"", "\"\"") + "\"";
        }
        return s;
    }

    /** The table's text, header first, each row ending in {@code \n}. */
    @Override
    public String toString() {
        return sb.toString();
    }
}
