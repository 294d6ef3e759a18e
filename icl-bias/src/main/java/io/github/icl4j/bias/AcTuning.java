package io.github.icl4j.bias;

import java.util.Arrays;
import java.util.Locale;

/**
 * The outcome of tuning the majority-label fix's a_c on a validation split: each grid value's mean fluctuation
 * and accuracy on the less-one demonstration sets, and the chosen value.
 *
 * @param grid        the a_c values tried, ascending
 * @param fluctuation mean majority-label fluctuation at each value (NaN when not measured)
 * @param accuracy    mean accuracy on the imbalanced (less-one) prompts at each value
 * @param objective   what was optimised
 * @param best        the chosen a_c
 * @param on          what the tuning ran on, e.g. {@code "sst2 × 3 seeds"}
 */
public record AcTuning(double[] grid, double[] fluctuation, double[] accuracy, BiasOptions.AcObjective objective,
        double best, String on) {

    /** Copies the arrays and checks they align. */
    public AcTuning {
        grid = grid.clone();
        fluctuation = fluctuation.clone();
        accuracy = accuracy.clone();
        if (fluctuation.length != grid.length || accuracy.length != grid.length) {
            throw new IllegalArgumentException("grid of " + grid.length + " values but " + fluctuation.length
                    + " fluctuations and " + accuracy.length + " accuracies");
        }
    }

    /** Picks the best value by the objective (ties, and NaNs, to the smaller a_c). */
    static AcTuning of(double[] grid, double[] fluctuation, double[] accuracy, BiasOptions.AcObjective objective,
            String on) {
        int best = -1;
        double bestScore = Double.NaN;
        for (int j = 0; j < grid.length; j++) {
            double v = objective == BiasOptions.AcObjective.FLUCTUATION ? -fluctuation[j] : accuracy[j];
            if (!Double.isNaN(v) && (best < 0 || v > bestScore)) {
                best = j;
                bestScore = v;
            }
        }
        return new AcTuning(grid, fluctuation, accuracy, objective, grid[Math.max(best, 0)], on);
    }

    /** Sorted, distinct copy of a grid; each value in [0, +inf). */
    static double[] checkGrid(double[] grid) {
        if (grid == null || grid.length == 0) {
            throw new IllegalArgumentException("a_c grid: got no values; need at least 1 in [0, +inf)");
        }
        for (double a : grid) {
            if (!(a >= 0) || Double.isInfinite(a)) {
                throw new IllegalArgumentException("a_c grid value " + a + " out of range [0, +inf)");
            }
        }
        return Arrays.stream(grid).sorted().distinct().toArray();
    }

    /** The a_c values tried, ascending (a copy). */
    @Override
    public double[] grid() {
        return grid.clone();
    }

    /** Mean fluctuation at each grid value (a copy; NaN when not measured). */
    @Override
    public double[] fluctuation() {
        return fluctuation.clone();
    }

    /** Mean accuracy on the imbalanced prompts at each grid value (a copy). */
    @Override
    public double[] accuracy() {
        return accuracy.clone();
    }

    /** {@code AcTuning[best a_c 0.1 by FLUCTUATION on sst2 × 3 seeds: 0 → fl 0.080 acc 0.700, ...]}. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("AcTuning[best a_c ").append(best).append(" by ").append(objective)
                .append(" on ").append(on).append(':');
        for (int j = 0; j < grid.length; j++) {
            sb.append(j == 0 ? " " : ", ").append(grid[j]).append(" → ");
            if (!Double.isNaN(fluctuation[j])) {
                sb.append(String.format(Locale.ROOT, "fluctuation %.3f ", fluctuation[j]));
            }
            sb.append(String.format(Locale.ROOT, "accuracy %.3f", accuracy[j]));
        }
        return sb.append(']').toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AcTuning t && Arrays.equals(grid, t.grid) && Arrays.equals(fluctuation, t.fluctuation)
                && Arrays.equals(accuracy, t.accuracy) && objective == t.objective
                && Double.compare(best, t.best) == 0 && on.equals(t.on);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(grid) * 31 + Double.hashCode(best);
    }
}
