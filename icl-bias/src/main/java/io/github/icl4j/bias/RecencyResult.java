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
 * @param rows         one per correction, in {@link Correction} order, for the first fix of
 *                     {@link BiasOptions#recencyFixes()}; then, for each further fix variant, one row per
 *                     correction that uses the fix
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
     * @param variant               the recency fix variant of a correction with the fix; null for the others
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
    public record Row(Correction correction, RecencyFixVariant variant, Interval accuracy,
            Interval fullVocabAccuracy, Interval macroF1, Interval accuracyStd, Interval accuracyStdReduction,
            Interval attentionStd, Interval attentionStdReduction) {

        /** A row of the study's first fix variant (or of a correction without the fix). */
        public Row(Correction correction, Interval accuracy, Interval fullVocabAccuracy, Interval macroF1,
                Interval accuracyStd, Interval accuracyStdReduction, Interval attentionStd,
                Interval attentionStdReduction) {
            this(correction, null, accuracy, fullVocabAccuracy, macroF1, accuracyStd, accuracyStdReduction,
                    attentionStd, attentionStdReduction);
        }
    }

    /** The fix variants the study ran, the first being "the" fix ({@link BiasOptions#recencyFixes()}). */
    public List<RecencyFixVariant> variants() {
        return options.recencyFixes();
    }

    /**
     * The row of one correction (for a correction with the fix: of the first fix variant).
     *
     * @throws IllegalArgumentException when the study has no such row
     */
    public Row row(Correction c) {
        return rows.stream().filter(r -> r.correction() == c).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no row for " + c + "; rows: "
                        + rows.stream().map(this::label).toList()));
    }

    /**
     * The row of one correction with the fix under one variant.
     *
     * @throws IllegalArgumentException when the study has no such row
     */
    public Row row(Correction c, RecencyFixVariant variant) {
        return rows.stream().filter(r -> r.correction() == c && (r.variant() == variant
                || r.variant() == null && variant == variants().get(0))).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no row for " + c + " with variant " + variant
                        + "; rows: " + rows.stream().map(this::label).toList()));
    }

    /** True when the row holds a fix variant other than the first (whose rows carry the plain names). */
    boolean extraVariant(Row r) {
        return r.variant() != null && r.variant() != variants().get(0);
    }

    /**
     * The row's name: the correction's label, with the variant for a fix variant other than the first, e.g.
     * {@code fix + batch calibration [label keys]}.
     */
    public String label(Row r) {
        return r.correction().label() + (extraVariant(r) ? " [" + r.variant().label() + "]" : "");
    }

    /** The row's name in CSV files: the correction's key, with {@code :variant} as in {@link #label(Row)}. */
    public String key(Row r) {
        return r.correction().key() + (extraVariant(r) ? ":" + r.variant().key() : "");
    }

    /** A table: one line per correction. */
    @Override
    public String toString() {
        List<String[]> t = new ArrayList<>();
        t.add(new String[] {"correction", "accuracy", "macro-F1", "accuracy std", "reduction", "attention std",
            "reduction"});
        for (Row r : rows) {
            boolean none = r.correction() == Correction.NONE;
            t.add(new String[] {label(r), Tables.cell(r.accuracy()), Tables.cell(r.macroF1()),
                Tables.cell(r.accuracyStd()), none ? "" : Tables.percent(r.accuracyStdReduction()),
                Tables.cell(r.attentionStd()), none ? "" : Tables.percent(r.attentionStdReduction())});
        }
        return "RecencyResult[" + model + ", heads " + heads + ", tasks " + tasks + ", " + orders + " orders, k "
                + options.perClass() + ", " + options.seeds().size() + " seeds, fix " + fixes()
                + ", attention "
                + options.attentionSpread() + ", " + Interval.percent(options.level()) + "% " + options.interval()
                + " intervals]\n" + Tables.render(t);
    }

    /**
     * The fixes in words: {@code at the last position} for the METHOD's choice alone (as before variants existed);
     * with several, the first and then the others, e.g. {@code at the last position; variants: label keys,
     * relative term λ = 0.5}.
     */
    public String fixes() {
        BiasOptions o = options;
        List<RecencyFixVariant> vs = o.recencyFixes();
        String first = "at " + where(vs.get(0), o);
        if (vs.size() == 1) {
            return first;
        }
        return first + "; variants: " + String.join(", ", vs.subList(1, vs.size()).stream()
                .map(v -> v.label() + (v == RecencyFixVariant.RELATIVE_TERM ? " λ = " + o.relativeTermStrength() : ""))
                .toList());
    }

    private static String where(RecencyFixVariant v, BiasOptions o) {
        return switch (v) {
            case LAST_ROW -> "the last position";
            case ALL_ROWS -> "every position";
            case LABEL_KEYS -> "the last position, label keys only";
            case RELATIVE_TERM -> "the last position, relative term λ = " + o.relativeTermStrength();
        };
    }
}
