package io.github.icl4j.bias;

import io.github.icl4j.stats.Stats;
import java.util.Arrays;
import java.util.Locale;
import java.util.Random;

/**
 * An estimate over independent runs (one value per seed) with a two-sided confidence interval.
 *
 * <pre>{@code
 * Interval acc = Interval.of(new double[] {0.71, 0.74, 0.69}, Interval.Kind.T, 0.95, 0, 0);
 * // 0.713 [0.651, 0.776] (95% t, n=3)
 * }</pre>
 * With fewer than two values the bounds are NaN (there is no spread to estimate).
 *
 * @param mean    the estimate: the mean of {@code samples}, or for a relative reduction the ratio estimate
 * @param lower   lower bound (NaN when it cannot be computed)
 * @param upper   upper bound (NaN when it cannot be computed)
 * @param level   confidence level in (0, 1), e.g. 0.95
 * @param kind    how the bounds were computed
 * @param samples the per-seed values the estimate summarises (empty for a relative reduction)
 */
public record Interval(double mean, double lower, double upper, double level, Kind kind, double[] samples) {

    /** How an interval's bounds are computed. */
    public enum Kind {
        /** Student-t interval of the mean: {@code mean ± t(1 − (1 − level)/2, n − 1) · sd / √n}. */
        T,
        /** Percentile bootstrap of the mean over seeds (seeded resampling). */
        BOOTSTRAP,
        /**
         * Paired percentile bootstrap of a ratio of means over seeds (used for relative reductions, which have no
         * t-interval).
         */
        PAIRED_BOOTSTRAP
    }

    /** Copies the samples. */
    public Interval {
        samples = samples == null ? new double[0] : samples.clone();
    }

    @Override
    public double[] samples() {
        return samples.clone();
    }

    /** Number of per-seed values behind the estimate. */
    public int n() {
        return samples.length;
    }

    /** True when both bounds are numbers. */
    public boolean hasBounds() {
        return !Double.isNaN(lower) && !Double.isNaN(upper);
    }

    /**
     * The mean of {@code values} with an interval of the given kind.
     *
     * @param values     one value per seed
     * @param kind       {@link Kind#T} or {@link Kind#BOOTSTRAP}
     * @param level      confidence level in (0, 1)
     * @param resamples  bootstrap resamples (ignored for t)
     * @param seed       bootstrap seed (ignored for t)
     * @throws IllegalArgumentException for a level outside (0, 1), {@link Kind#PAIRED_BOOTSTRAP}, or fewer than 1
     *                                  resample for the bootstrap
     */
    public static Interval of(double[] values, Kind kind, double level, int resamples, long seed) {
        checkLevel(level);
        double[] v = values.clone();
        double mean = mean(v);
        if (v.length < 2 || Double.isNaN(mean)) {
            return new Interval(mean, Double.NaN, Double.NaN, level, kind, v);
        }
        return switch (kind) {
            case T -> {
                double half = Stats.tQuantile(1 - (1 - level) / 2, v.length - 1) * sampleStd(v) / Math.sqrt(v.length);
                yield new Interval(mean, mean - half, mean + half, level, kind, v);
            }
            case BOOTSTRAP -> {
                checkResamples(resamples);
                Random r = new Random(seed);
                double[] means = new double[resamples];
                for (int b = 0; b < resamples; b++) {
                    double s = 0;
                    for (int i = 0; i < v.length; i++) {
                        s += v[r.nextInt(v.length)];
                    }
                    means[b] = s / v.length;
                }
                yield new Interval(mean, percentile(means, (1 - level) / 2), percentile(means, 1 - (1 - level) / 2),
                        level, kind, v);
            }
            case PAIRED_BOOTSTRAP -> throw new IllegalArgumentException(
                    "PAIRED_BOOTSTRAP is for relative reductions (Interval.reduction); use T or BOOTSTRAP");
        };
    }

    /**
     * This interval with its bounds clipped to {@code [lo, hi]}, the range the quantity can take (an accuracy or F1
     * in [0, 1], a standard deviation at least 0): a t-interval over a few seeds near a bound can reach past it,
     * and an "accuracy of 1.04" is no statement anyone can use. The mean and the samples are unchanged.
     *
     * @throws IllegalArgumentException when {@code lo > hi}
     */
    public Interval within(double lo, double hi) {
        if (lo > hi) {
            throw new IllegalArgumentException("range [" + lo + ", " + hi + "] is empty");
        }
        if (!hasBounds()) {
            return this;
        }
        return new Interval(mean, Math.min(Math.max(lower, lo), hi), Math.max(Math.min(upper, hi), lo), level, kind,
                samples);
    }

    /**
     * The relative reduction {@code 1 − mean(method) / mean(none)} of a quantity measured on the same seeds, with
     * a paired percentile bootstrap interval (seeds resampled together). NaN when {@code mean(none)} is 0.
     *
     * @throws IllegalArgumentException when the two arrays differ in length, or for a bad level or resample count
     */
    public static Interval reduction(double[] none, double[] method, double level, int resamples, long seed) {
        checkLevel(level);
        checkResamples(resamples);
        if (none.length != method.length) {
            throw new IllegalArgumentException("paired values: " + none.length + " for none but " + method.length
                    + " for the method; need one per seed for both");
        }
        double est = BiasMetrics.relativeReduction(mean(none), mean(method));
        int n = none.length;
        if (n < 2 || Double.isNaN(est)) {
            return new Interval(est, Double.NaN, Double.NaN, level, Kind.PAIRED_BOOTSTRAP, null);
        }
        Random r = new Random(seed);
        double[] boot = new double[resamples];
        int m = 0;
        for (int b = 0; b < resamples; b++) {
            double sn = 0;
            double sm = 0;
            for (int i = 0; i < n; i++) {
                int j = r.nextInt(n);
                sn += none[j];
                sm += method[j];
            }
            double red = BiasMetrics.relativeReduction(sn / n, sm / n);
            if (!Double.isNaN(red)) {
                boot[m++] = red;
            }
        }
        if (m == 0) {
            return new Interval(est, Double.NaN, Double.NaN, level, Kind.PAIRED_BOOTSTRAP, null);
        }
        double[] ok = Arrays.copyOf(boot, m);
        return new Interval(est, percentile(ok, (1 - level) / 2), percentile(ok, 1 - (1 - level) / 2), level,
                Kind.PAIRED_BOOTSTRAP, null);
    }

    private static double percentile(double[] xs, double q) {
        double[] s = xs.clone();
        Arrays.sort(s);
        double pos = q * (s.length - 1);
        int i = (int) Math.floor(pos);
        int j = Math.min(s.length - 1, i + 1);
        return s[i] + (pos - i) * (s[j] - s[i]);
    }

    static double mean(double[] v) {
        return Stats.mean(v);
    }

    private static double sampleStd(double[] v) {
        return Stats.std(v);
    }

    private static void checkLevel(double level) {
        if (!(level > 0 && level < 1)) {
            throw new IllegalArgumentException("confidence level " + level + " out of range (0, 1)");
        }
    }

    private static void checkResamples(int resamples) {
        if (resamples < 1) {
            throw new IllegalArgumentException("bootstrap resamples " + resamples + " out of range [1, +inf)");
        }
    }

    /** {@code 0.713 [0.651, 0.776] (95% t, n=3)}. */
    @Override
    public String toString() {
        String how = switch (kind) {
            case T -> "t";
            case BOOTSTRAP -> "bootstrap";
            case PAIRED_BOOTSTRAP -> "paired bootstrap";
        };
        String n = kind == Kind.PAIRED_BOOTSTRAP ? "" : ", n=" + samples.length;
        return String.format(Locale.ROOT, "%.3f [%s, %s] (%s%% %s%s)", mean, fmt(lower), fmt(upper),
                percent(level), how, n);
    }

    static String percent(double level) {
        return io.github.icl4j.report.Numbers.percent(level);
    }

    static String fmt(double v) {
        return Double.isNaN(v) ? "NaN" : String.format(Locale.ROOT, "%.3f", v);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Interval i && Double.compare(mean, i.mean) == 0 && Double.compare(lower, i.lower) == 0
                && Double.compare(upper, i.upper) == 0 && Double.compare(level, i.level) == 0 && kind == i.kind
                && Arrays.equals(samples, i.samples);
    }

    @Override
    public int hashCode() {
        return Double.hashCode(mean) * 31 + Arrays.hashCode(samples);
    }
}
