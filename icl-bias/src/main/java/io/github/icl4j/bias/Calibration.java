package io.github.icl4j.bias;

import io.github.icl4j.ReadoutMetric;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * The calibration baselines of METHOD.md §6 as plain arithmetic on label probabilities (each row: one query's
 * probabilities of the label words, renormalised over the label words).
 *
 * <ul>
 *   <li><b>Contextual calibration</b> (Zhao et al. 2021): the label probabilities of content-free inputs
 *       ("N/A", "", "[MASK]") in the same prompt are averaged into a prior {@code p_cf}
 *       ({@link #prior(double[][])}); each query's probabilities are divided by it and renormalised
 *       ({@link #divide(double[][], double[])}); the prediction is the argmax.</li>
 *   <li><b>Domain-context calibration</b> (Fei et al. 2023): the same with content-free inputs of random words of
 *       the task's corpus ({@link #domainInputs(List, int, long)}).</li>
 *   <li><b>Batch calibration</b> (Zhou et al. 2023): the mean label probability over the queries that share the
 *       demonstrations is subtracted from each ({@link #subtractBatchMean(double[][])}); the prediction is the
 *       argmax.</li>
 * </ul>
 * <pre>{@code
 * double[] pcf = Calibration.prior(new double[][] {{0.8, 0.2}, {0.6, 0.4}});      // [0.7, 0.3]
 * double[][] q = Calibration.divide(new double[][] {{0.6, 0.4}}, pcf);            // [[0.391, 0.609]]
 * int[] predicted = Calibration.argmax(q);                                         // [1]
 * }</pre>
 */
public final class Calibration {
    /** The content-free inputs of contextual calibration (Zhao et al. 2021). */
    public static final List<String> CONTENT_FREE = List.of("N/A", "", "[MASK]");

    /** Which correction is applied to the label probabilities. */
    public enum Kind {
        /** Raw label probabilities. */
        NONE,
        /** Divide by the content-free prior ("N/A", "", "[MASK]"). */
        CONTEXTUAL,
        /** Divide by the prior of random in-domain word strings. */
        DOMAIN,
        /** Subtract the batch mean. */
        BATCH
    }

    private Calibration() {
    }

    /**
     * The content-free prior: the mean of the rows, renormalised to sum to 1.
     *
     * @throws IllegalArgumentException for no rows, rows of different widths or a negative probability
     */
    public static double[] prior(double[][] contentFree) {
        if (contentFree.length == 0) {
            throw new IllegalArgumentException("a content-free prior needs at least one content-free input; got none");
        }
        int k = width(contentFree);
        double[] m = new double[k];
        for (double[] row : contentFree) {
            for (int c = 0; c < k; c++) {
                if (!(row[c] >= 0)) {
                    throw new IllegalArgumentException("probability " + row[c] + " out of range [0, 1]");
                }
                m[c] += row[c] / contentFree.length;
            }
        }
        return normalised(m);
    }

    /**
     * Each row divided element-wise by {@code prior}, renormalised to sum to 1 ({@code diag(p_cf)^-1 p}).
     *
     * @throws IllegalArgumentException when a row's width differs from the prior's or a prior entry is not > 0
     */
    public static double[][] divide(double[][] probs, double[] prior) {
        for (int c = 0; c < prior.length; c++) {
            if (!(prior[c] > 0)) {
                throw new IllegalArgumentException("prior " + java.util.Arrays.toString(prior) + ": entry " + c
                        + " is " + prior[c] + "; every entry must be in (0, 1]");
            }
        }
        double[][] out = new double[probs.length][];
        for (int i = 0; i < probs.length; i++) {
            if (probs[i].length != prior.length) {
                throw new IllegalArgumentException("row " + i + " has " + probs[i].length + " classes, the prior "
                        + prior.length);
            }
            double[] q = new double[prior.length];
            for (int c = 0; c < q.length; c++) {
                q[c] = probs[i][c] / prior[c];
            }
            out[i] = normalised(q);
        }
        return out;
    }

    /**
     * Batch calibration: each row minus the column means over all rows (scores, not probabilities).
     *
     * @throws IllegalArgumentException for no rows or rows of different widths
     */
    public static double[][] subtractBatchMean(double[][] probs) {
        if (probs.length == 0) {
            throw new IllegalArgumentException("batch calibration needs at least one query; got none");
        }
        width(probs);
        // The same centring as the calibrated readout's, here on probabilities (METHOD §6).
        return ReadoutMetric.centred(probs);
    }

    /** The index of each row's largest entry (the first on ties, as the Probe's prediction). */
    public static int[] argmax(double[][] scores) {
        return ReadoutMetric.argmax(scores);
    }

    /**
     * Predictions after a calibration of the given kind.
     *
     * @param kind          the correction
     * @param probs         the queries' label probabilities (one context)
     * @param contentFree   label probabilities of the content-free inputs in the same context (for
     *                      {@link Kind#CONTEXTUAL}/{@link Kind#DOMAIN}; ignored otherwise)
     * @throws IllegalArgumentException when a prior is needed and {@code contentFree} is empty
     */
    public static int[] predict(Kind kind, double[][] probs, double[][] contentFree) {
        return switch (kind) {
            case NONE -> argmax(probs);
            case CONTEXTUAL, DOMAIN -> argmax(divide(probs, prior(contentFree)));
            case BATCH -> argmax(subtractBatchMean(probs));
        };
    }

    /**
     * Domain-context calibration inputs (Fei et al. 2023): {@code count} strings, each of L words drawn uniformly
     * (with replacement) from every word occurrence of the corpus, L the corpus's mean number of words per text
     * (rounded, at least 1). Words are split on whitespace. Seeded: the same corpus, count and seed always give
     * the same inputs.
     *
     * @throws IllegalArgumentException for {@code count < 1} or a corpus without words
     */
    public static List<String> domainInputs(List<String> corpus, int count, long seed) {
        if (count < 1) {
            throw new IllegalArgumentException("domain-context inputs " + count + " out of range [1, +inf)");
        }
        List<String> words = new ArrayList<>();
        for (String text : corpus) {
            for (String w : text.strip().split("\\s+")) {
                if (!w.isEmpty()) {
                    words.add(w);
                }
            }
        }
        if (words.isEmpty()) {
            throw new IllegalArgumentException("domain-context calibration needs a corpus with words; the "
                    + corpus.size() + " texts have none");
        }
        int length = Math.max(1, (int) Math.round((double) words.size() / corpus.size()));
        Random random = new Random(seed);
        List<String> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            StringBuilder sb = new StringBuilder();
            for (int w = 0; w < length; w++) {
                sb.append(w == 0 ? "" : " ").append(words.get(random.nextInt(words.size())));
            }
            out.add(sb.toString());
        }
        return List.copyOf(out);
    }

    private static int width(double[][] rows) {
        int k = rows[0].length;
        for (int i = 0; i < rows.length; i++) {
            if (rows[i].length != k) {
                throw new IllegalArgumentException("row " + i + " has " + rows[i].length + " classes, row 0 has " + k);
            }
        }
        return k;
    }

    private static double[] normalised(double[] v) {
        double s = 0;
        for (double x : v) {
            s += x;
        }
        double[] out = new double[v.length];
        for (int c = 0; c < v.length; c++) {
            out[c] = s > 0 ? v[c] / s : 1.0 / v.length;
        }
        return out;
    }
}
