package io.github.icl4j.heads;

import io.github.icl4j.HeadId;
import java.util.Map;
import java.util.TreeMap;

/**
 * How the intervention's control draws random heads for a set (METHOD §3.4): as many per layer when each layer has
 * enough other heads, else as many in total from those layers, else no control (0 draws); never more draws than
 * there are distinct random sets, since drawing the only set five times adds nothing.
 *
 * <pre>{@code
 * InterventionControl c = InterventionControl.of(set, model.config().nHeads(), 5);
 * InContextHeads ich = heads.options(heads.options().withControl(c.draws(), seed, c.poolOrPooled()));
 * }</pre>
 *
 * @param pool     the pool, or null when no control is possible
 * @param draws    draws made
 * @param distinct how many different random head sets the pool holds (capped at {@link Long#MAX_VALUE})
 */
public record InterventionControl(HeadOptions.ControlPool pool, int draws, long distinct) {

    /**
     * The control for {@code set} in a model of {@code nHeads} heads per layer.
     *
     * @param set      the in-context heads
     * @param nHeads   heads per layer
     * @param maxDraws the draws asked for ({@link HeadOptions#controlDraws()})
     * @return the pool, the draws (at most {@code maxDraws}) and the number of distinct sets
     */
    public static InterventionControl of(InContextHeadSet set, int nHeads, int maxDraws) {
        Map<Integer, Integer> perLayer = new TreeMap<>();
        for (HeadId h : set.heads()) {
            perLayer.merge(h.layer(), 1, Integer::sum);
        }
        boolean sameCounts = perLayer.values().stream().allMatch(n -> nHeads - n >= n);
        if (sameCounts) {
            double d = 1;
            for (int n : perLayer.values()) {
                d *= choose(nHeads - n, n);
            }
            return new InterventionControl(HeadOptions.ControlPool.SAME_LAYER_COUNTS, draws(maxDraws, cap(d)), cap(d));
        }
        int others = perLayer.values().stream().mapToInt(n -> nHeads - n).sum();
        if (others >= set.size()) {
            long distinct = cap(choose(others, set.size()));
            return new InterventionControl(HeadOptions.ControlPool.SAME_LAYERS_POOLED, draws(maxDraws, distinct),
                    distinct);
        }
        return new InterventionControl(null, 0, 0);
    }

    /** The pool to configure {@link HeadOptions#controlPool()} with: the pooled one when there is none (0 draws). */
    public HeadOptions.ControlPool poolOrPooled() {
        return pool == null ? HeadOptions.ControlPool.SAME_LAYERS_POOLED : pool;
    }

    private static int draws(int maxDraws, long distinct) {
        return (int) Math.min(maxDraws, distinct);
    }

    private static double choose(int n, int k) {
        double r = 1;
        for (int i = 1; i <= k; i++) {
            r = r * (n - k + i) / i;
        }
        return Math.round(r);
    }

    private static long cap(double d) {
        return d >= Long.MAX_VALUE ? Long.MAX_VALUE : (long) d;
    }

    /** {@code 5 draws, as many per layer (1 distinct set possible)}. */
    @Override
    public String toString() {
        if (pool == null || draws == 0) {
            return "no control (too few other heads in the set's layers)";
        }
        return draws + (draws == 1 ? " draw, " : " draws, ") + (pool == HeadOptions.ControlPool.SAME_LAYER_COUNTS
                ? "as many per layer" : "as many from the same layers") + " (" + distinct + " distinct "
                + (distinct == 1 ? "set" : "sets") + " possible)";
    }
}
