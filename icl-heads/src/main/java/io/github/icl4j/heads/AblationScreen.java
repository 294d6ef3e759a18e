package io.github.icl4j.heads;

import io.github.icl4j.HeadId;
import io.github.icl4j.stats.Stats;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * How the ablation ranking chose the heads it truly ablated ({@link HeadOptions#ablationScreen()}): every head
 * ({@link Strategy#EXHAUSTIVE}), none, ranking by attribution patching's estimate ({@link Strategy#ATP}), or the
 * {@link AttributionOptions#verifyTop()} heads of largest estimate, truly ablated and ranked by their true effect
 * ({@link Strategy#ATP_VERIFIED}).
 *
 * @param strategy   the screen
 * @param estimates  attribution patching's estimates (null for {@link Strategy#EXHAUSTIVE})
 * @param verified   the heads truly ablated on the screen's advice, largest score first (empty for the exhaustive
 *                   ranking, where every head is)
 * @param trueEffect {@code [layer][head]} the true change of the estimate's metric when a verified head is removed,
 *                   averaged like the estimates; NaN for heads not verified
 * @param millis     wall time of the screen: the gradient passes and the verifying ablations, milliseconds
 */
public record AblationScreen(Strategy strategy, AttributionEstimates estimates, List<HeadId> verified,
        double[][] trueEffect, long millis) {

    /** The selection strategies of the ablation ranking. */
    public enum Strategy {
        /** Every head of the scanned layers truly ablated (the default; METHOD §3.2). */
        EXHAUSTIVE("exhaustive"),
        /** No head ablated: heads ranked by attribution patching's estimated drop of the metric alone. */
        ATP("atp"),
        /** The heads of largest estimate truly ablated; they rank first, by their true accuracy drop. */
        ATP_VERIFIED("atp-verified");

        private final String flag;

        Strategy(String flag) {
            this.flag = flag;
        }

        /** The command-line spelling: {@code exhaustive}, {@code atp} or {@code atp-verified}. */
        public String flag() {
            return flag;
        }

        /**
         * The strategy of a command-line spelling.
         *
         * @throws IllegalArgumentException naming the value and the allowed ones
         */
        public static Strategy parse(String s) {
            for (Strategy v : values()) {
                if (v.flag.equals(s)) {
                    return v;
                }
            }
            throw new IllegalArgumentException("ablation screen '" + s + "' is not one of exhaustive, atp, atp-verified");
        }
    }

    /** Copies the arrays and lists; checks that a screen by estimate has estimates. */
    public AblationScreen {
        if (strategy == null) {
            throw new IllegalArgumentException("strategy must not be null");
        }
        if (strategy != Strategy.EXHAUSTIVE && estimates == null) {
            throw new IllegalArgumentException("an " + strategy.flag() + " screen needs attribution estimates");
        }
        verified = List.copyOf(verified);
        trueEffect = Arr.copy(trueEffect);
    }

    /** The exhaustive screen: every head truly ablated. */
    public static AblationScreen exhaustive() {
        return new AblationScreen(Strategy.EXHAUSTIVE, null, List.of(), null, 0);
    }

    @Override
    public double[][] trueEffect() {
        return Arr.copy(trueEffect);
    }

    /** The true change of the metric when {@code head} is removed (NaN when it was not verified). */
    public double trueEffect(HeadId head) {
        return trueEffect == null || Double.isNaN(trueEffect[head.layer()][head.head()]) ? Double.NaN
                : trueEffect[head.layer()][head.head()];
    }

    /**
     * Spearman's rank correlation of the estimates with the true effects over the verified heads (NaN with fewer
     * than 3).
     */
    public double spearman() {
        if (verified.size() < 3) {
            return Double.NaN;
        }
        double[] x = new double[verified.size()];
        double[] y = new double[verified.size()];
        for (int i = 0; i < x.length; i++) {
            HeadId h = verified.get(i);
            x[i] = estimates.estimate(h);
            y[i] = trueEffect[h.layer()][h.head()];
        }
        return Stats.spearman(x, y);
    }

    /** The verified heads' (estimate, true effect) pairs, in {@link #verified()} order. */
    public List<double[]> pairs() {
        List<double[]> out = new ArrayList<>();
        for (HeadId h : verified) {
            out.add(new double[] {estimates.estimate(h), trueEffect[h.layer()][h.head()]});
        }
        return out;
    }

    /** {@code AblationScreen[atp-verified: 20 heads verified, Spearman 0.91, 1234 ms]}. */
    @Override
    public String toString() {
        if (strategy == Strategy.EXHAUSTIVE) {
            return "AblationScreen[exhaustive]";
        }
        return "AblationScreen[" + strategy.flag() + ": " + verified.size() + " heads verified"
                + (verified.size() >= 3 ? String.format(Locale.ROOT, ", Spearman %.2f", spearman()) : "") + ", "
                + millis + " ms]";
    }
}
