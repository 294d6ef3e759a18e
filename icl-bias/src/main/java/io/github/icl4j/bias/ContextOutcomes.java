package io.github.icl4j.bias;

import io.github.icl4j.LabelProbabilities;
import io.github.icl4j.ReadoutMetric;
import java.util.List;

/**
 * What one context of the bias study gives: the label-probability rows of its queries, content-free and domain
 * inputs, without and with the fix, and the outcome of a correction on them read by a readout.
 */
final class ContextOutcomes {
    private ContextOutcomes() {
    }

    /** Label-probability rows of one context: the queries, the content-free and the domain inputs. */
    record Rows(List<LabelProbabilities.Row> queries, List<LabelProbabilities.Row> contentFree,
            List<LabelProbabilities.Row> domain) {
    }

    /** One context without and with the fix. */
    record Evaluated(Rows plain, Rows fixed) {
        Outcome outcome(Correction m, int k, ReadoutMetric readout) {
            return ContextOutcomes.outcome(m.usesFix() ? fixed : plain, m.calibration(), k, readout);
        }
    }

    /**
     * The readout of one correction on one context (accuracy with {@code argmax}), full-vocabulary accuracy and the
     * macro-F1 of the readout's predictions.
     */
    record Outcome(double accuracy, double fullVocabAccuracy, double macroF1) {
    }

    /** {@link #outcome(Rows, Calibration.Kind, int, ReadoutMetric)} with the argmax readout. */
    static Outcome outcome(Rows rows, Calibration.Kind kind, int k) {
        return outcome(rows, kind, k, ReadoutMetric.ARGMAX);
    }

    /**
     * One correction on one context, read by {@code readout}: the calibrated and AUROC readouts read the corrected
     * scores (log of the label probabilities, divided by the prior for contextual and domain-context calibration;
     * the batch-centred probabilities for batch calibration), so a calibrated readout on top of a calibration centres
     * the corrected scores over the context's queries once more.
     */
    static Outcome outcome(Rows rows, Calibration.Kind kind, int k, ReadoutMetric readout) {
        if (readout != ReadoutMetric.ARGMAX) {
            return readOut(rows, kind, k, readout);
        }
        double[][] p = probs(rows.queries());
        int[] gold = rows.queries().stream().mapToInt(LabelProbabilities.Row::gold).toArray();
        double[][] prior = switch (kind) {
            case CONTEXTUAL -> probs(rows.contentFree());
            case DOMAIN -> probs(rows.domain());
            default -> null;
        };
        int[] pred = Calibration.predict(kind, p, prior);
        double fullVocab = Double.NaN;
        if (kind == Calibration.Kind.NONE) {
            long ok = rows.queries().stream().filter(LabelProbabilities.Row::fullVocabCorrect).count();
            fullVocab = (double) ok / rows.queries().size();
        }
        return new Outcome(BiasMetrics.accuracy(gold, pred), fullVocab, BiasMetrics.macroF1(gold, pred, k));
    }

    private static Outcome readOut(Rows rows, Calibration.Kind kind, int k, ReadoutMetric readout) {
        double[][] p = probs(rows.queries());
        int[] gold = rows.queries().stream().mapToInt(LabelProbabilities.Row::gold).toArray();
        double[][] scores = switch (kind) {
            case NONE -> logs(p);
            case CONTEXTUAL -> logs(Calibration.divide(p, Calibration.prior(probs(rows.contentFree()))));
            case DOMAIN -> logs(Calibration.divide(p, Calibration.prior(probs(rows.domain()))));
            case BATCH -> Calibration.subtractBatchMean(p);
        };
        int[] pred = readout.predictions(scores);
        double fullVocab = Double.NaN;
        if (kind == Calibration.Kind.NONE) {
            long ok = rows.queries().stream().filter(LabelProbabilities.Row::fullVocabCorrect).count();
            fullVocab = (double) ok / rows.queries().size();
        }
        return new Outcome(readout.of(gold, scores), fullVocab, BiasMetrics.macroF1(gold, pred, k));
    }

    /** {@code log p}, floored at the log of the smallest positive double (a readout centres these). */
    private static double[][] logs(double[][] p) {
        double floor = Math.log(Double.MIN_VALUE);
        double[][] out = new double[p.length][];
        for (int i = 0; i < p.length; i++) {
            out[i] = new double[p[i].length];
            for (int c = 0; c < p[i].length; c++) {
                out[i][c] = Math.max(floor, Math.log(p[i][c]));
            }
        }
        return out;
    }

    static double[][] probs(List<LabelProbabilities.Row> rows) {
        double[][] p = new double[rows.size()][];
        for (int i = 0; i < p.length; i++) {
            p[i] = rows.get(i).probs();
        }
        return p;
    }
}
