package io.github.icl4j;

import io.github.icl4j.runtime.Tensors;
import org.bytedeco.pytorch.LongOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * The one place label-word probabilities are made from logits: a softmax over the label words' logits
 * (log-sum-exp over the k label words), so it stays exact however unlikely the label words are under the
 * full vocabulary. The full-vocabulary probability of each label word is kept beside it, as
 * {@code exp(logit − logsumexp(all logits))}, for the full-vocabulary readouts.
 *
 * <p>Renormalising full-vocabulary probabilities instead (the old way) underflows in fp32 once every label word's
 * log-probability is below about −103, which silently turned every prediction into class 0.
 * <pre>{@code
 * double[] p = LabelLogits.probabilities(new double[] {-300.0, -301.0});   // [0.731, 0.269]
 * }</pre>
 */
public final class LabelLogits {
    private LabelLogits() {
    }

    /**
     * The softmax over {@code labelLogits}, computed as {@code exp(l_c − max) / Σ exp(l_j − max)} in double.
     *
     * @throws IllegalArgumentException for no logits or a NaN logit (an infinite largest logit gives NaN entries)
     */
    public static double[] probabilities(double[] labelLogits) {
        if (labelLogits == null || labelLogits.length == 0) {
            throw new IllegalArgumentException("label probabilities need at least one label logit; got none");
        }
        double max = max(labelLogits);
        double[] p = new double[labelLogits.length];
        double sum = 0;
        for (int c = 0; c < p.length; c++) {
            // shifted by the largest logit: the largest term is exp(0) = 1, so the sum never underflows
            p[c] = Math.exp(labelLogits[c] - max);
            sum += p[c];
        }
        for (int c = 0; c < p.length; c++) {
            p[c] /= sum;
        }
        return p;
    }

    /**
     * {@code log Σ exp(x_j)}, shifted by the maximum so nothing overflows or underflows.
     *
     * @throws IllegalArgumentException for a NaN entry
     */
    public static double logSumExp(double[] x) {
        double max = max(x);
        if (max == Double.NEGATIVE_INFINITY || max == Double.POSITIVE_INFINITY) {
            return max;
        }
        double s = 0;
        for (double v : x) {
            s += Math.exp(v - max);
        }
        return max + Math.log(s);
    }

    private static double max(double[] x) {
        double max = Double.NEGATIVE_INFINITY;
        for (double v : x) {
            if (Double.isNaN(v)) {
                throw new IllegalArgumentException("logit NaN in " + java.util.Arrays.toString(x)
                        + "; logits must be numbers");
            }
            max = Math.max(max, v);
        }
        return max;
    }

    /**
     * One prompt's row from its label-word logits, the log-sum-exp of its whole logit vector and its
     * full-vocabulary argmax.
     *
     * @param labelLogits  the logit of each class's label word
     * @param logSumExpAll {@code logsumexp} over the whole vocabulary
     * @param topToken     argmax over the whole vocabulary
     * @param labelIds     the label words' token ids, one per class
     * @param gold         gold class, or -1
     */
    public static LabelProbabilities.Row row(double[] labelLogits, double logSumExpAll, long topToken, long[] labelIds,
            int gold) {
        double[] probs = probabilities(labelLogits);
        double[] raw = new double[labelLogits.length];
        int best = 0;
        for (int c = 0; c < labelLogits.length; c++) {
            raw[c] = Math.exp(labelLogits[c] - logSumExpAll);
            if (labelLogits[c] > labelLogits[best]) {
                best = c;
            }
        }
        return new LabelProbabilities.Row(gold, probs, raw, best, topToken, gold >= 0 && topToken == labelIds[gold]);
    }

    /**
     * The rows of a batch of logits {@code [b, vocab]}: label-word logits, log-sum-exp and argmax are read on the
     * tensor's device in fp32, everything else is done in double. Tensors made belong to the caller's scope.
     *
     * @param logits   {@code [b, vocab]}
     * @param labelIds the label words' token ids of each row ({@code labelIds[i]}; one array for all rows when
     *                 {@code labelIds.length == 1})
     * @param gold     gold class of each row, or -1
     */
    public static LabelProbabilities.Row[] rows(Tensor logits, long[][] labelIds, int[] gold) {
        int b = (int) logits.size(0);
        if (gold.length != b || (labelIds.length != b && labelIds.length != 1)) {
            throw new IllegalArgumentException("logits of " + b + " rows but " + gold.length + " gold labels and "
                    + labelIds.length + " label-id sets");
        }
        Tensor lf = logits.to(ScalarType.Float); // [b, vocab]
        float[] lse = Tensors.toFloats(torch.logsumexp(lf, new long[] {1}, false)); // [b]
        long[] top = Tensors.toLongs(lf.argmax(new LongOptional(1), false)); // [b]
        LabelProbabilities.Row[] rows = new LabelProbabilities.Row[b];
        float[] shared = labelIds.length == 1 && b > 1 ? labelLogits(lf, labelIds[0]) : null; // [b * k]
        for (int i = 0; i < b; i++) {
            long[] ids = labelIds.length == 1 ? labelIds[0] : labelIds[i];
            int k = ids.length;
            double[] l = new double[k];
            if (shared != null) {
                for (int c = 0; c < k; c++) {
                    l[c] = shared[i * k + c];
                }
            } else {
                float[] f = labelLogits(lf.narrow(0, i, 1), ids);
                for (int c = 0; c < k; c++) {
                    l[c] = f[c];
                }
            }
            rows[i] = row(l, lse[i], top[i], ids, gold[i]);
        }
        return rows;
    }

    /** As {@link #rows(Tensor, long[][], int[])} with one label-id set for every row. */
    public static LabelProbabilities.Row[] rows(Tensor logits, long[] labelIds, int[] gold) {
        return rows(logits, new long[][] {labelIds}, gold);
    }

    /** {@code logits[:, ids]} copied to Java, row-major {@code [b * k]}. */
    private static float[] labelLogits(Tensor logits, long[] ids) {
        Tensor idx = Tensors.fromLongs(ids, ids.length).to(logits.device(), ScalarType.Long);
        return Tensors.toFloats(logits.index_select(1, idx)); // [b, k]
    }
}
