package io.github.icl4j;

import java.util.Arrays;

/**
 * Accuracy of in-context predictions under both protocols of the method: (a) argmax over the label words,
 * (b) argmax over the full vocabulary equals the gold label word; with per-class accuracy (recall), macro-F1
 * and the confusion matrix of protocol (a); beside them the two readouts that see past a label prior
 * ({@link ReadoutMetric}): accuracy after batch calibration and the AUROC of the label logit difference.
 *
 * @param n                 prompts with a gold class
 * @param accuracy          protocol (a)
 * @param fullVocabAccuracy protocol (b)
 * @param perClassAccuracy  recall of each class (NaN for a class with no example)
 * @param macroF1           mean F1 over classes
 * @param confusion         {@code confusion[gold][predicted]}
 * @param calibratedAccuracy {@link ReadoutMetric#CALIBRATED} (NaN when made from plain predictions)
 * @param auroc             {@link ReadoutMetric#AUROC} (NaN when made from plain predictions, for more than two
 *                          classes, or when a class has no example)
 */
public record AccuracyReport(int n, double accuracy, double fullVocabAccuracy, double[] perClassAccuracy,
        double macroF1, int[][] confusion, double calibratedAccuracy, double auroc) {

    /** Copies the arrays. */
    public AccuracyReport {
        perClassAccuracy = perClassAccuracy.clone();
        int[][] c = new int[confusion.length][];
        for (int i = 0; i < c.length; i++) {
            c[i] = confusion[i].clone();
        }
        confusion = c;
    }

    /** Computes the report from label probabilities (prompts without a gold class are left out). */
    public static AccuracyReport of(LabelProbabilities lp) {
        int k = lp.rows().isEmpty() ? 0 : lp.rows().get(0).probs().length;
        int n = lp.size();
        int[] gold = new int[n];
        int[] predicted = new int[n];
        boolean[] fullVocab = new boolean[n];
        for (int i = 0; i < n; i++) {
            LabelProbabilities.Row r = lp.row(i);
            gold[i] = r.gold();
            predicted[i] = r.predicted();
            fullVocab[i] = r.fullVocabCorrect();
        }
        AccuracyReport r = of(gold, predicted, fullVocab, k);
        double cal = n == 0 ? Double.NaN : ReadoutMetric.CALIBRATED.of(lp);
        double auc = n == 0 || k != 2 ? Double.NaN : ReadoutMetric.AUROC.of(lp);
        return new AccuracyReport(r.n, r.accuracy, r.fullVocabAccuracy, r.perClassAccuracy, r.macroF1, r.confusion,
                cal, auc);
    }

    /**
     * Computes the report from plain predictions: the one place accuracy and macro-F1 are counted. Entries without a
     * gold class (gold &lt; 0) are left out; a class never predicted has precision 0, a class with no gold example
     * recall 0 (and NaN per-class accuracy).
     *
     * @param fullVocabCorrect protocol (b) per entry, or null (its accuracy is then NaN)
     * @throws IllegalArgumentException when the arrays differ in length or a class lies outside
     *                                  {@code [0, numClasses)}
     */
    public static AccuracyReport of(int[] gold, int[] predicted, boolean[] fullVocabCorrect, int numClasses) {
        if (gold.length != predicted.length || (fullVocabCorrect != null && fullVocabCorrect.length != gold.length)) {
            throw new IllegalArgumentException(gold.length + " gold labels but " + predicted.length
                    + " predictions; need one each");
        }
        int k = numClasses;
        int[][] conf = new int[k][k];
        int n = 0;
        int a = 0;
        int b = 0;
        for (int i = 0; i < gold.length; i++) {
            if (gold[i] < 0) {
                continue;
            }
            if (gold[i] >= k || predicted[i] < 0 || predicted[i] >= k) {
                throw new IllegalArgumentException("entry " + i + ": gold " + gold[i] + ", predicted " + predicted[i]
                        + "; classes must be in [0, " + k + ")");
            }
            n++;
            conf[gold[i]][predicted[i]]++;
            if (predicted[i] == gold[i]) {
                a++;
            }
            if (fullVocabCorrect != null && fullVocabCorrect[i]) {
                b++;
            }
        }
        double[] recall = new double[k];
        double f1Sum = 0;
        for (int c = 0; c < k; c++) {
            int tp = conf[c][c];
            int support = Arrays.stream(conf[c]).sum();
            int pred = 0;
            for (int g = 0; g < k; g++) {
                pred += conf[g][c];
            }
            recall[c] = support == 0 ? Double.NaN : (double) tp / support;
            double precision = pred == 0 ? 0 : (double) tp / pred;
            double rec = support == 0 ? 0 : (double) tp / support;
            f1Sum += precision + rec == 0 ? 0 : 2 * precision * rec / (precision + rec);
        }
        return new AccuracyReport(n, n == 0 ? Double.NaN : (double) a / n,
                n == 0 || fullVocabCorrect == null ? Double.NaN : (double) b / n, recall,
                k == 0 ? Double.NaN : f1Sum / k, conf, Double.NaN, Double.NaN);
    }

    /** The value of one readout: {@link #accuracy()}, {@link #calibratedAccuracy()} or {@link #auroc()}. */
    public double readout(ReadoutMetric metric) {
        return switch (metric) {
            case ARGMAX -> accuracy;
            case CALIBRATED -> calibratedAccuracy;
            case AUROC -> auroc;
        };
    }

    @Override
    public double[] perClassAccuracy() {
        return perClassAccuracy.clone();
    }

    @Override
    public int[][] confusion() {
        int[][] c = new int[confusion.length][];
        for (int i = 0; i < c.length; i++) {
            c[i] = confusion[i].clone();
        }
        return c;
    }

    @Override
    public String toString() {
        return String.format("AccuracyReport[n=%d, accuracy %.3f, full-vocabulary %.3f, per class %s, macro-F1 %.3f, "
                + "calibrated %.3f, AUROC %.3f]", n, accuracy, fullVocabAccuracy,
                Arrays.toString(Arrays.stream(perClassAccuracy).map(v -> Math.round(v * 1000) / 1000.0).toArray()),
                macroF1, calibratedAccuracy, auroc);
    }
}
