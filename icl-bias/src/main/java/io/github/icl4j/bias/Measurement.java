package io.github.icl4j.bias;

import java.util.Locale;

/**
 * One raw measurement behind a bias study's summary: one correction on one demonstration set (one seed, one
 * task, one condition) over that task's queries.
 *
 * @param bias              the bias studied
 * @param seed              the study seed the demonstrations were drawn with
 * @param task              the task's name
 * @param condition         the demonstration set: {@code balanced} or {@code without one of class c} (majority),
 *                          the order, e.g. {@code reversed} (recency)
 * @param correction        what was done against the bias
 * @param variant           the recency fix variant a recency measurement with the fix ran with; null otherwise
 * @param accuracy          argmax over the label words equals the gold label
 * @param fullVocabAccuracy argmax over the whole vocabulary is the gold label word (NaN after a calibration,
 *                          which acts on label probabilities only)
 * @param macroF1           macro-F1 over the classes
 */
public record Measurement(BiasKind bias, long seed, String task, String condition, Correction correction,
        RecencyFixVariant variant, double accuracy, double fullVocabAccuracy, double macroF1) {

    /** A measurement without a recency fix variant (majority study, or no fix). */
    public Measurement(BiasKind bias, long seed, String task, String condition, Correction correction, double accuracy,
            double fullVocabAccuracy, double macroF1) {
        this(bias, seed, task, condition, correction, null, accuracy, fullVocabAccuracy, macroF1);
    }

    /** One measurement of a bias study: the outcome of {@code correction} (and {@code variant}) in a condition. */
    static Measurement of(BiasKind bias, long seed, BiasTask task, String condition, Correction correction,
            RecencyFixVariant variant, ContextOutcomes.Outcome o) {
        return new Measurement(bias, seed, task.name(), condition, correction, variant, o.accuracy(),
                o.fullVocabAccuracy(), o.macroF1());
    }

    /** {@code Measurement[majority seed 0 sst2 "balanced" none: accuracy 0.700, full-vocabulary 0.650, macro-F1 0.690]}. */
    @Override
    public String toString() {
        return String.format(Locale.ROOT, "Measurement[%s seed %d %s \"%s\" %s: accuracy %.3f, full-vocabulary %s, "
                + "macro-F1 %.3f]", bias, seed, task, condition,
                correction.key() + (variant == null ? "" : " (" + variant.key() + ")"), accuracy,
                Interval.fmt(fullVocabAccuracy), macroF1);
    }
}
