package io.github.icl4j.bias;

import io.github.icl4j.AccuracyReport;
import io.github.icl4j.stats.Stats;
import java.util.Arrays;

/**
 * The arithmetic of the bias metrics (METHOD.md §5), on plain numbers so it can be checked by hand: accuracy and
 * macro-F1 of predictions, the majority-label fluctuation, standard deviations across demonstration orders and
 * the relative reduction of a metric against no correction.
 *
 * <pre>{@code
 * BiasMetrics.sampleStd(0.70, 0.80, 0.90);                                   // 0.1
 * BiasMetrics.fluctuation(0.80, new double[] {0.70, 0.85}, Fluctuation.ABSOLUTE); // 0.075
 * }</pre>
 */
public final class BiasMetrics {
    private BiasMetrics() {
    }

    /**
     * Sample standard deviation (denominator {@code n − 1}); NaN for fewer than two values ({@link Stats#std}).
     */
    public static double sampleStd(double... xs) {
        return Stats.std(xs);
    }

    /**
     * The majority-label fluctuation of one demonstration set: the change of accuracy from the balanced set to
     * each set with one demonstration of one label dropped, averaged over which label was dropped.
     *
     * @param balanced accuracy with the balanced demonstrations
     * @param lessOne  accuracy with one demonstration of label c dropped, one entry per label c
     * @param kind     {@link BiasOptions.Fluctuation#ABSOLUTE} averages |change|,
     *                 {@link BiasOptions.Fluctuation#SIGNED} averages (less-one − balanced)
     * @throws IllegalArgumentException for no less-one accuracies
     */
    public static double fluctuation(double balanced, double[] lessOne, BiasOptions.Fluctuation kind) {
        if (lessOne.length == 0) {
            throw new IllegalArgumentException("fluctuation needs at least one less-one accuracy; got none");
        }
        double s = 0;
        for (double a : lessOne) {
            double d = a - balanced;
            s += kind == BiasOptions.Fluctuation.ABSOLUTE ? Math.abs(d) : d;
        }
        return s / lessOne.length;
    }

    /**
     * The spread of attention across orders: for each item (a demonstration's label position, or a class's
     * summed label positions, for one query and head) the sample standard deviation over orders, averaged over
     * items.
     *
     * @param byOrder {@code [order][item]}, the same items in every order
     * @throws IllegalArgumentException for fewer than two orders or orders of different lengths
     */
    public static double meanStdAcrossOrders(double[][] byOrder) {
        if (byOrder.length < 2) {
            throw new IllegalArgumentException("a spread across orders needs at least 2 orders; got "
                    + byOrder.length);
        }
        int items = byOrder[0].length;
        for (double[] o : byOrder) {
            if (o.length != items) {
                throw new IllegalArgumentException("every order needs the same " + items + " items; one has "
                        + o.length);
            }
        }
        if (items == 0) {
            return Double.NaN;
        }
        double s = 0;
        double[] col = new double[byOrder.length];
        for (int i = 0; i < items; i++) {
            for (int o = 0; o < byOrder.length; o++) {
                col[o] = byOrder[o][i];
            }
            s += sampleStd(col);
        }
        return s / items;
    }

    /**
     * {@code (none − method) / none}: 0.25 means the method cut the metric by a quarter. NaN when {@code none} is
     * 0 or either value is NaN.
     */
    public static double relativeReduction(double none, double method) {
        if (none == 0 || Double.isNaN(none) || Double.isNaN(method)) {
            return Double.NaN;
        }
        return (none - method) / none;
    }

    /**
     * Fraction of predictions equal to the gold class, over entries with a gold class (gold ≥ 0); NaN for none.
     *
     * @throws IllegalArgumentException when the arrays differ in length
     */
    public static double accuracy(int[] gold, int[] predicted) {
        checkPaired(gold, predicted);
        int n = 0;
        int ok = 0;
        for (int i = 0; i < gold.length; i++) {
            if (gold[i] >= 0) {
                n++;
                ok += gold[i] == predicted[i] ? 1 : 0;
            }
        }
        return n == 0 ? Double.NaN : (double) ok / n;
    }

    /**
     * Macro-F1 over {@code numClasses} classes ({@link AccuracyReport#of(int[], int[], boolean[], int)}: a class
     * never predicted has precision 0; a class with no gold example has recall 0), over entries with a gold class;
     * NaN for none.
     *
     * @throws IllegalArgumentException when the arrays differ in length, for {@code numClasses < 1} or a class
     *                                  outside {@code [0, numClasses)}
     */
    public static double macroF1(int[] gold, int[] predicted, int numClasses) {
        checkPaired(gold, predicted);
        if (numClasses < 1) {
            throw new IllegalArgumentException("numClasses " + numClasses + " out of range [1, +inf)");
        }
        AccuracyReport r = AccuracyReport.of(gold, predicted, null, numClasses);
        return r.n() == 0 ? Double.NaN : r.macroF1();
    }

    private static void checkPaired(int[] gold, int[] predicted) {
        if (gold.length != predicted.length) {
            throw new IllegalArgumentException(gold.length + " gold labels but " + predicted.length
                    + " predictions; need one each");
        }
    }
}
