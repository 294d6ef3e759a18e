package io.github.icl4j.stats;

import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.IntStream;
import org.apache.commons.statistics.distribution.TDistribution;

/**
 * The one home of the summary statistics every module reports, with one NaN policy, NumPy's: the plain functions
 * ({@link #mean}, {@link #std}) propagate a NaN input into a NaN result, the {@code nan}-prefixed ones
 * ({@link #nanMean}, {@link #nanStd}) leave NaN inputs out. Too few values give NaN, never an exception.
 *
 * <pre>{@code
 * Stats.mean(1, 2, 3);            // 2.0
 * Stats.nanMean(1, Double.NaN);   // 1.0
 * Stats.std(1, 2, 3, 4, 5);       // 1.581 (sample, n − 1)
 * Stats.tQuantile(0.975, 4);      // 2.776
 * }</pre>
 */
public final class Stats {
    private Stats() {
    }

    /** The mean; NaN for no values or any NaN value. */
    public static double mean(double... v) {
        if (v.length == 0) {
            return Double.NaN;
        }
        double s = 0;
        for (double x : v) {
            s += x;
        }
        return s / v.length;
    }

    /** The mean of the non-NaN values; NaN when there are none. */
    public static double nanMean(double... v) {
        double s = 0;
        int n = 0;
        for (double x : v) {
            if (!Double.isNaN(x)) {
                s += x;
                n++;
            }
        }
        return n == 0 ? Double.NaN : s / n;
    }

    /** Sample standard deviation (denominator {@code n − 1}); NaN below two values or for any NaN value. */
    public static double std(double... v) {
        if (v.length < 2) {
            return Double.NaN;
        }
        double m = mean(v);
        double ss = 0;
        for (double x : v) {
            ss += (x - m) * (x - m);
        }
        return Math.sqrt(ss / (v.length - 1));
    }

    /** Sample standard deviation of the non-NaN values; NaN below two of them. */
    public static double nanStd(double... v) {
        double m = nanMean(v);
        double s = 0;
        int n = 0;
        for (double x : v) {
            if (!Double.isNaN(x)) {
                s += (x - m) * (x - m);
                n++;
            }
        }
        return n < 2 ? Double.NaN : Math.sqrt(s / (n - 1));
    }

    /**
     * Pearson correlation; NaN for fewer than 2 pairs, a constant series or any NaN value.
     *
     * @throws IllegalArgumentException for series of different lengths
     */
    public static double pearson(double[] x, double[] y) {
        if (x.length != y.length) {
            throw new IllegalArgumentException("correlation of series of " + x.length + " and " + y.length
                    + " values; both need the same length");
        }
        int n = x.length;
        if (n < 2) {
            return Double.NaN;
        }
        double mx = 0;
        double my = 0;
        for (int i = 0; i < n; i++) {
            mx += x[i];
            my += y[i];
        }
        mx /= n;
        my /= n;
        double sxy = 0;
        double sxx = 0;
        double syy = 0;
        for (int i = 0; i < n; i++) {
            sxy += (x[i] - mx) * (y[i] - my);
            sxx += (x[i] - mx) * (x[i] - mx);
            syy += (y[i] - my) * (y[i] - my);
        }
        if (sxx <= 1e-24 || syy <= 1e-24) {
            return Double.NaN;
        }
        return sxy / Math.sqrt(sxx * syy);
    }

    /** Spearman rank correlation (ties get their average rank); NaN as {@link #pearson}. */
    public static double spearman(double[] x, double[] y) {
        return pearson(ranks(x), ranks(y));
    }

    /** Ranks from 1, ties sharing their average rank. */
    public static double[] ranks(double[] v) {
        Integer[] idx = IntStream.range(0, v.length).boxed().toArray(Integer[]::new);
        Arrays.sort(idx, Comparator.comparingDouble(i -> v[i]));
        double[] r = new double[v.length];
        int i = 0;
        while (i < idx.length) {
            int j = i;
            while (j + 1 < idx.length && v[idx[j + 1]] == v[idx[i]]) {
                j++;
            }
            double avg = (i + j) / 2.0 + 1;
            for (int k = i; k <= j; k++) {
                r[idx[k]] = avg;
            }
            i = j + 1;
        }
        return r;
    }

    /**
     * The {@code p}-quantile of Student's t distribution with {@code df} degrees of freedom (e.g.
     * {@code tQuantile(0.975, 4) = 2.7764}), from Apache Commons Statistics.
     *
     * @throws IllegalArgumentException for {@code p} outside (0, 1) or {@code df < 1}
     */
    public static double tQuantile(double p, int df) {
        if (!(p > 0 && p < 1)) {
            throw new IllegalArgumentException("probability " + p + " out of range (0, 1)");
        }
        if (df < 1) {
            throw new IllegalArgumentException("degrees of freedom " + df + " out of range [1, +inf)");
        }
        return TDistribution.of(df).inverseCumulativeProbability(p);
    }
}
