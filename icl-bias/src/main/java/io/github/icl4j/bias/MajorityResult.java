package io.github.icl4j.bias;

import io.github.icl4j.HeadId;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The majority-label-bias study (METHOD.md §5): for every seed and task, a balanced demonstration set and the
 * same set less one demonstration of each label in turn, under every {@link Correction}. Each value is a mean over
 * seeds with its interval (per seed: the mean over tasks and over which label lost one).
 *
 * @param model        the model, as it prints
 * @param heads        the in-context heads of the fix
 * @param tasks        the tasks' names
 * @param options      the options the study ran with (a_c included)
 * @param rows         one per correction, in {@link Correction} order
 * @param measurements every raw measurement
 */
public record MajorityResult(String model, List<HeadId> heads, List<String> tasks, BiasOptions options,
        List<Row> rows, List<Measurement> measurements) {

    /** Copies the lists. */
    public MajorityResult {
        heads = List.copyOf(heads);
        tasks = List.copyOf(tasks);
        rows = List.copyOf(rows);
        measurements = List.copyOf(measurements);
        Objects.requireNonNull(options, "options");
    }

    /**
     * One correction's outcome.
     *
     * @param correction           what was done
     * @param accuracy             accuracy on the less-one (imbalanced) demonstration sets
     * @param fullVocabAccuracy    the same under full-vocabulary argmax (NaN after a calibration)
     * @param macroF1              macro-F1 on the less-one sets
     * @param balancedAccuracy     accuracy with the balanced demonstrations
     * @param fluctuation          the change of accuracy from balanced to less one (absolute by default)
     * @param fluctuationReduction {@code 1 − fluctuation / fluctuation(none)}, paired bootstrap interval
     */
    public record Row(Correction correction, Interval accuracy, Interval fullVocabAccuracy, Interval macroF1,
            Interval balancedAccuracy, Interval fluctuation, Interval fluctuationReduction) {
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
        t.add(new String[] {"correction", "accuracy (less one)", "macro-F1", "balanced accuracy", "fluctuation",
            "reduction"});
        for (Row r : rows) {
            t.add(new String[] {r.correction().label(), Tables.cell(r.accuracy()), Tables.cell(r.macroF1()),
                Tables.cell(r.balancedAccuracy()), Tables.cell(r.fluctuation()),
                r.correction() == Correction.NONE ? "" : Tables.percent(r.fluctuationReduction())});
        }
        return "MajorityResult[" + model + ", heads " + heads + ", tasks " + tasks + ", a_c " + options.ac()
                + ", k " + options.perClass() + ", " + options.seeds().size() + " seeds, fluctuation "
                + options.fluctuation() + ", " + Interval.percent(options.level()) + "% " + options.interval()
                + " intervals]\n" + Tables.render(t);
    }
}
