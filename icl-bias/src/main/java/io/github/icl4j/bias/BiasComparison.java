package io.github.icl4j.bias;

import java.util.ArrayList;
import java.util.List;

/**
 * One comparison of every correction against both biases: accuracy, macro-F1 and each bias metric for none, each
 * calibration baseline, each fix and fix + calibration, with the relative reduction against none and intervals
 * over seeds. Reads as text ({@link #toString()}); the report package renders it as long-format CSV and the raw
 * measurements ({@link io.github.icl4j.bias.report.BiasCsv}) and as a self-contained HTML fragment
 * ({@link io.github.icl4j.bias.report.BiasHtml}: inline CSS and SVG, no network) for embedding in a report.
 *
 * <pre>{@code
 * BiasComparison c = BiasStudy.of(model).heads(heads).compare(tasks);
 * BiasCsv.writeComparison(c, Path.of("target/bias.csv"));
 * BiasHtml.write(c, Path.of("target/bias.html"));
 * }</pre>
 *
 * @param majority the majority-label study, or null when not run
 * @param recency  the recency study, or null when not run (a model with absolute positions)
 * @param tuning   how a_c was tuned, or null when it was given
 */
public record BiasComparison(MajorityResult majority, RecencyResult recency, AcTuning tuning) {

    /**
     * Checks at least one study is present.
     *
     * @throws IllegalArgumentException when both are null
     */
    public BiasComparison {
        if (majority == null && recency == null) {
            throw new IllegalArgumentException("a comparison needs the majority or the recency study; got neither");
        }
    }

    /**
     * One quantity of one correction, as in the CSV.
     *
     * @param bias       the bias
     * @param correction what was done
     * @param quantity   e.g. {@code accuracy}, {@code macro_f1}, {@code fluctuation}, {@code accuracy_std},
     *                   {@code attention_std}
     * @param value      mean over seeds with interval
     * @param reduction  relative reduction against none (null for quantities that are not bias metrics)
     * @param variant    the recency fix variant of a row that is not the study's first fix
     *                   ({@link RecencyResult#label(RecencyResult.Row)}); null otherwise
     */
    public record Line(BiasKind bias, Correction correction, String quantity, Interval value, Interval reduction,
            RecencyFixVariant variant) {

        /** A line of the majority study, a correction without the fix or the first fix. */
        public Line(BiasKind bias, Correction correction, String quantity, Interval value, Interval reduction) {
            this(bias, correction, quantity, value, reduction, null);
        }

        /** The correction's key in CSV files, e.g. {@code fix_batch} or {@code fix_batch:label-keys}. */
        public String key() {
            return correction.key() + (variant == null ? "" : ":" + variant.key());
        }
    }

    /** Every quantity of every correction, majority study first. */
    public List<Line> lines() {
        List<Line> out = new ArrayList<>();
        if (majority != null) {
            for (MajorityResult.Row r : majority.rows()) {
                Correction c = r.correction();
                out.add(new Line(BiasKind.MAJORITY, c, "accuracy", r.accuracy(), null));
                out.add(new Line(BiasKind.MAJORITY, c, "full_vocab_accuracy", r.fullVocabAccuracy(), null));
                out.add(new Line(BiasKind.MAJORITY, c, "macro_f1", r.macroF1(), null));
                out.add(new Line(BiasKind.MAJORITY, c, "balanced_accuracy", r.balancedAccuracy(), null));
                out.add(new Line(BiasKind.MAJORITY, c, "fluctuation", r.fluctuation(), r.fluctuationReduction()));
            }
        }
        if (recency != null) {
            for (RecencyResult.Row r : recency.rows()) {
                Correction c = r.correction();
                RecencyFixVariant v = recency.extraVariant(r) ? r.variant() : null;
                out.add(new Line(BiasKind.RECENCY, c, "accuracy", r.accuracy(), null, v));
                out.add(new Line(BiasKind.RECENCY, c, "full_vocab_accuracy", r.fullVocabAccuracy(), null, v));
                out.add(new Line(BiasKind.RECENCY, c, "macro_f1", r.macroF1(), null, v));
                out.add(new Line(BiasKind.RECENCY, c, "accuracy_std", r.accuracyStd(), r.accuracyStdReduction(), v));
                out.add(new Line(BiasKind.RECENCY, c, "attention_std", r.attentionStd(), r.attentionStdReduction(), v));
            }
        }
        return List.copyOf(out);
    }

    /** The studies' tables, then the tuning. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("BiasComparison\n");
        if (tuning != null) {
            sb.append(tuning).append('\n');
        }
        if (majority != null) {
            sb.append(majority);
        }
        if (recency != null) {
            sb.append(recency);
        }
        return sb.toString();
    }
}
