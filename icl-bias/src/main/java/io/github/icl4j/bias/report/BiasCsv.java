package io.github.icl4j.bias.report;

import io.github.icl4j.bias.BiasComparison;
import io.github.icl4j.bias.Interval;
import io.github.icl4j.bias.Measurement;
import io.github.icl4j.bias.RecencyFixVariant;
import io.github.icl4j.report.CsvTable;
import io.github.icl4j.runtime.AtomicFiles;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The CSV forms of a {@link BiasComparison}, written through core's {@link CsvTable} with exact numbers (Java's
 * shortest round-trip text, NaN as an empty cell): the long-format summary and the raw measurements behind it.
 *
 * <pre>{@code
 * BiasCsv.writeComparison(comparison, Path.of("bias.csv"));
 * BiasCsv.writeMeasurements(comparison, Path.of("bias_measurements.csv"));
 * }</pre>
 */
public final class BiasCsv {
    private BiasCsv() {
    }

    /**
     * Long-format CSV, one line per bias, correction and quantity ({@link BiasComparison#lines()}):
     * {@code bias,correction,quantity,mean,lower,upper,level,interval,n,reduction,reduction_lower,reduction_upper}
     * (empty cells for no value).
     *
     * @param c the comparison
     * @return the table
     */
    public static String comparison(BiasComparison c) {
        CsvTable t = CsvTable.exact("bias", "correction", "quantity", "mean", "lower", "upper", "level", "interval",
                "n", "reduction", "reduction_lower", "reduction_upper");
        for (BiasComparison.Line l : c.lines()) {
            Interval v = l.value();
            Interval r = l.reduction();
            t.row(l.bias().key(), l.key(), l.quantity(), v.mean(), v.lower(), v.upper(), v.level(),
                    v.kind().name().toLowerCase(Locale.ROOT), v.n(), r == null ? null : r.mean(),
                    r == null ? null : r.lower(), r == null ? null : r.upper());
        }
        return t.toString();
    }

    /**
     * Every raw measurement, majority study first:
     * {@code bias,seed,task,condition,correction,accuracy,full_vocab_accuracy,macro_f1}; a recency fix variant other
     * than the study's first is named in the correction cell ({@code fix_batch:label-keys}).
     *
     * @param c the comparison
     * @return the table
     */
    public static String measurements(BiasComparison c) {
        CsvTable t = CsvTable.exact("bias", "seed", "task", "condition", "correction", "accuracy",
                "full_vocab_accuracy", "macro_f1");
        List<Measurement> all = new ArrayList<>();
        if (c.majority() != null) {
            all.addAll(c.majority().measurements());
        }
        if (c.recency() != null) {
            all.addAll(c.recency().measurements());
        }
        RecencyFixVariant first = c.recency() == null ? null : c.recency().variants().get(0);
        for (Measurement m : all) {
            // the first fix variant's measurements keep the plain key, as its rows do
            boolean extra = m.variant() != null && m.variant() != first;
            t.row(m.bias().key(), m.seed(), m.task(), m.condition(),
                    m.correction().key() + (extra ? ":" + m.variant().key() : ""), m.accuracy(),
                    m.fullVocabAccuracy(), m.macroF1());
        }
        return t.toString();
    }

    /**
     * Writes {@link #comparison} atomically (a temporary file in the same folder, then a move).
     *
     * @param c    the comparison
     * @param file the CSV file
     */
    public static void writeComparison(BiasComparison c, Path file) {
        AtomicFiles.writeString(file, comparison(c));
    }

    /**
     * Writes {@link #measurements} atomically.
     *
     * @param c    the comparison
     * @param file the CSV file
     */
    public static void writeMeasurements(BiasComparison c, Path file) {
        AtomicFiles.writeString(file, measurements(c));
    }
}
