package io.github.icl4j.bias;

import io.github.icl4j.HeadId;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The recency-bias study (METHOD.md §5): for every seed and task, one demonstration set in several orders (as
 * sampled, reversed and seeded permutations), under every {@link Correction}. Each value is a mean over seeds
 * with its interval (per seed: the mean over tasks).
 *
 * @param model        the model, as it prints
 * @param heads        the in-context heads of the fix and of the attention metric
 * @param tasks        the tasks' names
 * @param options      the options the study ran with
 * @param orders       orders per demonstration set (2 + permutations)
 * @param rows         one per correction, in {@link Correction} order
 * @param measurements every raw measurement (one per order)
 */
public record RecencyResult(String model, List<HeadId> heads, List<String> tasks, BiasOptions options, int orders,
        List<Row> rows, List<Measurement> measurements) {

    /** Copies the lists. */
    public RecencyResult {
        heads = List.copyOf(heads);
        tasks = List.copyOf(tasks);
        rows = List.copyOf(rows);
        measurements = List.copyOf(measurements);
        Objects.requireNonNull(options, "options");
    }

    /**
     * One correction's outcome.
     *
     * @param correction            what was done
     * @param accuracy              accuracy, mean over orders
     * @param fullVocabAccuracy     the same under full-vocabulary argmax (NaN after a calibration)
     * @param macroF1               macro-F1, mean over orders
     * @param accuracyStd           sample standard deviation of accuracy across orders
     * @param accuracyStdReduction  {@code 1 − accuracyStd / accuracyStd(none)}, paired bootstrap interval
     * @param attentionStd          standard deviation across orders of the in-context heads' attention at label
     *                              positions ({@link BiasOptions#attentionSpread()}); a calibration does not change
     *                              attention, so it has the value of the run it calibrates
     * @param attentionStdReduction {@code 1 − attentionStd / attentionStd(none)}
     */
    public record Row(Correction correction, Interval accuracy, Interval fullVocabAccuracy, Interval macroF1,
            Interval accuracyStd, Interval accuracyStdReduction, Interval attentionStd,
            Interval attentionStdReduction) {
    }

    /**
     * The row of one correction.
     *
     * @throws IllegalArgumentException when the study has no such row
     */
    public Row row(Correction c) {
        return rows.stream().filter(r -> r.correction() == c).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no row for " + c + "; rows: "
                        + rows.stream().map(Row::correction).toList()));
    }

    /** A table: one line per correction. */
    @Override
    public String toString() {
        List<String[]> t = new ArrayList<>();
        t.add(new String[] {"correction", "accuracy", "macro-F1", "accuracy std", "reduction", "attention std",
            "reduction"});
        for (Row r : rows) {
            boolean none = r.correction() == Correction.NONE;
            t.add(new String[] {r.correction().label(), Tables.cell(r.accuracy()), Tables.cell(r.macroF1()),
                Tables.cell(r.accuracyStd()), none ? "" : Tables.percent(r.accuracyStdReduction()),
                Tables.cell(r.attentionStd()), none ? "" : Tables.percent(r.attentionStdReduction())});
        }
        return "RecencyResult[" + model + ", heads " + heads + ", tasks " + tasks + ", " + orders + " orders, k "
                + options.perClass() + ", " + options.seeds().size() + " seeds, fix at "
                + (options.rotaryAllPositions() ? "every position" : "the last position") + ", attention "
                + options.attentionSpread() + ", " + Interval.percent(options.level()) + "% " + options.interval()
                + " intervals]\n" + Tables.render(t);
    }
}
