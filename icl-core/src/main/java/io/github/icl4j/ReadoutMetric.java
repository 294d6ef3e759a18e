package io.github.icl4j;

import java.util.Arrays;

/**
 * How a batch of in-context predictions is read into one number (METHOD.md §8, a <b>choice</b>; the default is
 * {@link #ARGMAX}, the paper's metric). Small real models often put most of their mass on one label word whatever
 * the demonstrations say: argmax accuracy then sits at chance while the label probabilities still rank the queries
 * well. The two other readouts see past such a label prior.
 *
 * <ul>
 *   <li>{@link #ARGMAX}: accuracy of the argmax over the label words (METHOD §1, protocol a).</li>
 *   <li>{@link #CALIBRATED}: accuracy after batch calibration (Zhou et al. 2023) over the evaluation set. The
 *       quantity centred is each class's <em>log</em>-probability renormalised over the label words,
 *       {@code s_ic = log p(c | x_i)}: the mean over the evaluation set, {@code m_c = mean_i s_ic}, is subtracted
 *       and the prediction is {@code argmax_c (s_ic − m_c)}. Log-probabilities, because a label prior acts as a
 *       per-class factor on the probabilities, i.e. a per-class constant on the log-probabilities, which centring
 *       removes exactly (the readout is invariant to adding a constant per class to the label logits); and
 *       because the log-odds of a strongly biased model (p(bar) = 0.999 on every query) keep the spread that
 *       probabilities squeeze into their last digits. Centring the label-word logits instead gives the same
 *       predictions (they differ from the log-probabilities by one constant per prompt). METHOD §6's batch-calibration
 *       baseline in icl-bias subtracts the mean <em>probability</em>; with two classes both threshold the same
 *       monotone score of each query, at its batch mean in log-odds here and in probability there. The batch is every
 *       row given, with or without a gold class; accuracy is counted over the rows with one.</li>
 *   <li>{@link #AUROC}: the area under the ROC curve of the label logit difference
 *       {@code d_i = log p(class 1 | x_i) − log p(class 0 | x_i)} (the label-word logit difference), with class 1
 *       (class B of the main job, " bar" / " positive") the positive class: the probability that a random gold-1
 *       query has a larger {@code d} than a random gold-0 query, ties counted half (the Mann–Whitney U statistic
 *       over {@code n1 · n0}). Invariant to any strictly increasing transform of {@code d}, so to any label prior.
 *       Two classes only; NaN when one class has no query.</li>
 * </ul>
 * <pre>{@code
 * double[][] logits = {{-0.2, -0.7}, {-0.1, -2.3}, {-0.1, -2.4}, {-0.1, -2.5}};   // argmax: always class 0
 * int[] gold = {1, 1, 0, 0};
 * ReadoutMetric.ARGMAX.of(gold, logits);       // 0.5
 * ReadoutMetric.CALIBRATED.of(gold, logits);   // 0.75: d = [-0.5, -2.2, -2.3, -2.4] centred at its mean -1.85
 * ReadoutMetric.AUROC.of(gold, logits);        // 1.0: every gold-1 d is above every gold-0 d
 * }</pre>
 */
public enum ReadoutMetric {
    /** Accuracy of the argmax over the label words (the paper's metric; the default). */
    ARGMAX("argmax"),
    /** Accuracy after batch calibration: each class's label log-probability centred over the evaluation set. */
    CALIBRATED("calibrated"),
    /** AUROC of the label logit difference (class 1 minus class 0), class 1 positive, ties counted half. */
    AUROC("auroc");

    /**
     * The smallest log-probability a score takes: {@code log} of the smallest positive double, so a label
     * probability that underflowed to 0 still gives a finite score.
     */
    private static final double MIN_LOG = Math.log(Double.MIN_VALUE);

    private final String key;

    ReadoutMetric(String key) {
        this.key = key;
    }

    /** The lower-case name used on the command line and in reports: {@code argmax}, {@code calibrated}, {@code auroc}. */
    public String key() {
        return key;
    }

    /** Whether the value is an accuracy (in [0, 1], chance 1/k) rather than an AUROC (chance 0.5). */
    public boolean isAccuracy() {
        return this != AUROC;
    }

    /**
     * The readout of one key, case-insensitive.
     *
     * @throws IllegalArgumentException for any other value, naming it and the allowed ones
     */
    public static ReadoutMetric parse(String key) {
        for (ReadoutMetric m : values()) {
            if (m.key.equalsIgnoreCase(key == null ? "" : key.strip())) {
                return m;
            }
        }
        throw new IllegalArgumentException("readout '" + key + "' is not one of argmax, calibrated, auroc");
    }

    /**
     * The predictions of this readout over a batch of label probabilities ({@link #predictions(double[][])}): the
     * argmax, or after batch calibration over every row given.
     */
    public int[] predictions(LabelProbabilities lp) {
        return predictions(logProbs(lp));
    }

    /** {@code [row][class]}: each row's log-probabilities over the label words. */
    private static double[][] logProbs(LabelProbabilities lp) {
        double[][] s = new double[lp.size()][];
        for (int i = 0; i < s.length; i++) {
            s[i] = lp.row(i).logProbs();
        }
        return s;
    }

    /** The readout of a batch of label probabilities (rows without a gold class join the calibration batch only). */
    public double of(LabelProbabilities lp) {
        int[] gold = new int[lp.size()];
        for (int i = 0; i < gold.length; i++) {
            gold[i] = lp.row(i).gold();
        }
        return of(gold, logProbs(lp));
    }

    /**
     * The readout of a batch.
     *
     * @param gold          each row's gold class, or -1 (left out of the count, kept in the calibration batch)
     * @param labelLogProbs {@code [row][class]} log-probabilities over the label words (label-word logits give the
     *                      same value)
     * @return NaN when no row has a gold class (AUROC: when either class has none)
     * @throws IllegalArgumentException when the arrays differ in length, the rows in width, a gold class lies outside
     *                                  {@code [-1, k)}, a score is NaN, or (AUROC) {@code k != 2}
     */
    public double of(int[] gold, double[][] labelLogProbs) {
        int k = check(gold, labelLogProbs);
        return switch (this) {
            case ARGMAX -> accuracy(gold, argmax(labelLogProbs));
            case CALIBRATED -> accuracy(gold, argmax(centred(labelLogProbs)));
            case AUROC -> {
                if (k != 2) {
                    throw new IllegalArgumentException("the auroc readout needs two classes; got " + k);
                }
                yield auroc(gold, logitDifference(labelLogProbs));
            }
        };
    }

    /**
     * The scores minus their column means over all rows (batch calibration): {@code s_ic − mean_j s_jc}.
     *
     * @throws IllegalArgumentException for rows of different widths
     */
    public static double[][] centred(double[][] scores) {
        int k = scores.length == 0 ? 0 : scores[0].length;
        double[] mean = new double[k];
        for (double[] row : scores) {
            if (row.length != k) {
                throw new IllegalArgumentException("rows of " + row.length + " and " + k + " classes; need one width");
            }
            for (int c = 0; c < k; c++) {
                mean[c] += row[c] / scores.length;
            }
        }
        double[][] out = new double[scores.length][k];
        for (int i = 0; i < scores.length; i++) {
            for (int c = 0; c < k; c++) {
                out[i][c] = scores[i][c] - mean[c];
            }
        }
        return out;
    }

    /** The index of each row's largest entry (the first on ties, as {@link LabelProbabilities.Row#predicted()}). */
    public static int[] argmax(double[][] scores) {
        int[] out = new int[scores.length];
        for (int i = 0; i < scores.length; i++) {
            int best = 0;
            for (int c = 1; c < scores[i].length; c++) {
                if (scores[i][c] > scores[i][best]) {
                    best = c;
                }
            }
            out[i] = best;
        }
        return out;
    }

    /** The predictions of this readout ({@link #AUROC} has none: it ranks, so its predictions are the argmax ones). */
    public int[] predictions(double[][] labelLogProbs) {
        return this == CALIBRATED ? argmax(centred(labelLogProbs)) : argmax(labelLogProbs);
    }

    /**
     * {@code s_i1 − s_i0} of each row: the label logit difference, class 1 minus class 0.
     *
     * @throws IllegalArgumentException for a row that does not have two classes
     */
    public static double[] logitDifference(double[][] scores) {
        double[] d = new double[scores.length];
        for (int i = 0; i < d.length; i++) {
            if (scores[i].length != 2) {
                throw new IllegalArgumentException("row " + i + " has " + scores[i].length
                        + " classes; a logit difference needs two");
            }
            d[i] = scores[i][1] - scores[i][0];
        }
        return d;
    }

    /**
     * The AUROC of {@code score} for separating gold class 1 (positive) from gold class 0: the Mann–Whitney U
     * statistic over {@code n1 · n0}, from mid-ranks, so tied scores count half. Rows with another gold value are left
     * out.
     *
     * @return NaN when either class has no row
     * @throws IllegalArgumentException when the arrays differ in length or a score is NaN
     */
    public static double auroc(int[] gold, double[] score) {
        if (gold.length != score.length) {
            throw new IllegalArgumentException(gold.length + " gold labels but " + score.length + " scores");
        }
        int m = 0;
        for (int i = 0; i < gold.length; i++) {
            if (Double.isNaN(score[i])) {
                throw new IllegalArgumentException("score " + i + " is NaN; scores must be numbers");
            }
            if (gold[i] == 0 || gold[i] == 1) {
                m++;
            }
        }
        double[] v = new double[m];
        int[] g = new int[m];
        int j = 0;
        for (int i = 0; i < gold.length; i++) {
            if (gold[i] == 0 || gold[i] == 1) {
                v[j] = score[i];
                g[j++] = gold[i];
            }
        }
        Integer[] order = new Integer[m];
        for (int i = 0; i < m; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Double.compare(v[a], v[b]));
        double rankSum = 0;
        long n1 = 0;
        for (int i = 0; i < m;) {
            int end = i;
            while (end + 1 < m && v[order[end + 1]] == v[order[i]]) {
                end++;
            }
            double midRank = (i + end) / 2.0 + 1; // 1-based mid-rank of the tied run [i, end]
            for (int t = i; t <= end; t++) {
                if (g[order[t]] == 1) {
                    rankSum += midRank;
                    n1++;
                }
            }
            i = end + 1;
        }
        long n0 = m - n1;
        if (n1 == 0 || n0 == 0) {
            return Double.NaN;
        }
        return (rankSum - n1 * (n1 + 1) / 2.0) / ((double) n1 * n0);
    }

    /** The log of a probability, floored at the log of the smallest positive double (never −∞). */
    static double safeLog(double p) {
        return p > 0 ? Math.max(MIN_LOG, Math.log(p)) : MIN_LOG;
    }

    private static double accuracy(int[] gold, int[] predicted) {
        int n = 0;
        int ok = 0;
        for (int i = 0; i < gold.length; i++) {
            if (gold[i] >= 0) {
                n++;
                ok += predicted[i] == gold[i] ? 1 : 0;
            }
        }
        return n == 0 ? Double.NaN : (double) ok / n;
    }

    private static int check(int[] gold, double[][] s) {
        if (gold.length != s.length) {
            throw new IllegalArgumentException(gold.length + " gold labels but " + s.length + " score rows; need one each");
        }
        int k = s.length == 0 ? 0 : s[0].length;
        for (int i = 0; i < s.length; i++) {
            if (s[i].length != k) {
                throw new IllegalArgumentException("row " + i + " has " + s[i].length + " classes, row 0 has " + k);
            }
            if (gold[i] < -1 || gold[i] >= k) {
                throw new IllegalArgumentException("row " + i + ": gold " + gold[i] + " out of range [-1, " + k + ")");
            }
            for (double x : s[i]) {
                if (Double.isNaN(x)) {
                    throw new IllegalArgumentException("row " + i + " has a NaN score " + Arrays.toString(s[i]));
                }
            }
        }
        return k;
    }

    /** {@code calibrated}. */
    @Override
    public String toString() {
        return key;
    }
}
