package io.github.icl4j.heads;

import io.github.icl4j.HeadId;
import java.util.List;
import java.util.Map;

/**
 * Attribution patching's estimate of every scanned head's effect on the metric (AtP; AtP*'s GradDrop as an
 * option): {@code Σ_positions Σ_d ∂metric/∂z · (z_patched − z_clean)}, averaged over prompts and combined over
 * data sets like the ablation ranking. Negative estimates are heads whose patch lowers the metric (heads that
 * support the gold label). Heads outside the scanned layers are NaN.
 *
 * @param nLayers     layers of the model
 * @param nHeads      heads per layer
 * @param fromLayer   first scanned layer
 * @param toLayer     one past the last scanned layer
 * @param options     patch, metric and GradDrop
 * @param ablateAt    the positions a patch covers (every position, or only the last)
 * @param prompts     prompts over all data sets
 * @param cleanMetric the clean metric, averaged like the estimates
 * @param estimate    {@code [layer][head]} the estimated change of the metric under the patch
 * @param score       {@code [layer][head]} what heads are ranked by: {@code |estimate|}, or with GradDrop the mean
 *                    over the other layers ℓ of {@code |estimate with ℓ's gradient dropped|}
 * @param millis      wall time of the gradient passes, milliseconds
 */
public record AttributionEstimates(int nLayers, int nHeads, int fromLayer, int toLayer, AttributionOptions options,
        HeadOptions.AblateAt ablateAt, int prompts, double cleanMetric, double[][] estimate, double[][] score,
        long millis) {

    /** Copies the arrays. */
    public AttributionEstimates {
        estimate = Arr.copy(estimate);
        score = Arr.copy(score);
    }

    @Override
    public double[][] estimate() {
        return Arr.copy(estimate);
    }

    @Override
    public double[][] score() {
        return Arr.copy(score);
    }

    /**
     * The estimates of several prompt sets, each set's mean over its prompts, combined as the options say (macro: each
     * set weighs the same; pooled: each prompt).
     */
    static AttributionEstimates combine(int nLayers, int nHeads, int from, int to, AttributionOptions o,
            HeadOptions.AblateAt at, HeadOptions.DatasetAveraging averaging, Map<String, Attribution.Result> per,
            long millis) {
        int total = per.values().stream().mapToInt(r -> r.metric().length).sum();
        double[][] est = Arr.nan(nLayers, nHeads);
        double[][] score = Arr.nan(nLayers, nHeads);
        double clean = 0;
        int[] drops = per.values().iterator().next().dropLayers();
        // per dropped layer, the combined mean estimate of the heads below it
        double[][][] dropped = new double[drops.length][][];
        for (int k = 0; k < drops.length; k++) {
            dropped[k] = Arr.nan(nLayers, nHeads);
        }
        for (int l = from; l < to; l++) {
            for (int h = 0; h < nHeads; h++) {
                est[l][h] = 0;
                for (int k = 0; k < drops.length; k++) {
                    dropped[k][l][h] = l < drops[k] ? 0 : Double.NaN;
                }
            }
        }
        for (Attribution.Result r : per.values()) {
            int n = r.metric().length;
            double w = (averaging == HeadOptions.DatasetAveraging.POOLED ? (double) n / total : 1.0 / per.size()) / n;
            for (int i = 0; i < n; i++) {
                clean += w * r.metric()[i];
                for (int l = from; l < to; l++) {
                    for (int h = 0; h < nHeads; h++) {
                        est[l][h] += w * r.estimate()[i][l - from][h];
                        for (int k = 0; k < drops.length; k++) {
                            if (l < drops[k]) {
                                dropped[k][l][h] += w * r.dropped()[k][i][l - from][h];
                            }
                        }
                    }
                }
            }
        }
        for (int l = from; l < to; l++) {
            for (int h = 0; h < nHeads; h++) {
                if (drops.length == 0) {
                    score[l][h] = Math.abs(est[l][h]);
                    continue;
                }
                // GradDrop: layers below and at the head's own leave its estimate as it is (the own layer is left out)
                double sum = l * Math.abs(est[l][h]);
                for (int k = 0; k < drops.length; k++) {
                    if (drops[k] > l) {
                        sum += Math.abs(dropped[k][l][h]);
                    }
                }
                score[l][h] = nLayers > 1 ? sum / (nLayers - 1) : Math.abs(est[l][h]);
            }
        }
        return new AttributionEstimates(nLayers, nHeads, from, to, o, at, total, clean, est, score, millis);
    }

    /** The estimate of one head (NaN outside the scanned layers). */
    public double estimate(HeadId head) {
        head.checkIn(nLayers, nHeads);
        return estimate[head.layer()][head.head()];
    }

    /** The ranking score of one head (NaN outside the scanned layers). */
    public double score(HeadId head) {
        head.checkIn(nLayers, nHeads);
        return score[head.layer()][head.head()];
    }

    /** The scanned heads, largest {@link #score} first (ties by head). */
    public List<HeadId> ranking() {
        return Arr.ranking(score);
    }

    /**
     * The {@code n} heads of largest score.
     *
     * @throws IllegalArgumentException when {@code n} is negative or exceeds the scanned heads
     */
    public List<HeadId> top(int n) {
        List<HeadId> r = ranking();
        if (n < 0 || n > r.size()) {
            throw new IllegalArgumentException("top " + n + " out of range [0, " + r.size() + "] (the scanned heads)");
        }
        return r.subList(0, n);
    }

    /** {@code AttributionEstimates[ZERO patch of LOGIT_DIFF at ALL_POSITIONS, layers [2, 3), 40 prompts, ...]}. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("AttributionEstimates[").append(options.patch()).append(" patch of ")
                .append(options.metric()).append(options.gradDrop() ? " with GradDrop" : "").append(" at ")
                .append(ablateAt).append(", layers [").append(fromLayer).append(", ").append(toLayer).append("), ")
                .append(prompts).append(" prompts, clean ").append(Arr.s3(cleanMetric)).append(", ").append(millis)
                .append(" ms, largest");
        List<HeadId> r = ranking();
        for (int i = 0; i < Math.min(5, r.size()); i++) {
            HeadId h = r.get(i);
            sb.append(' ').append(h).append(' ').append(Arr.s3(estimate[h.layer()][h.head()]));
        }
        return sb.append(']').toString();
    }
}
