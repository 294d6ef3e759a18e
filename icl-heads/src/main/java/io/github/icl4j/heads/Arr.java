package io.github.icl4j.heads;

import io.github.icl4j.HeadId;
import io.github.icl4j.report.Numbers;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/** Deep copies, rankings and number formatting for the result records (statistics: {@code stats.Stats}). */
final class Arr {
    private Arr() {
    }

    static double[][] copy(double[][] a) {
        if (a == null) {
            return null;
        }
        double[][] c = new double[a.length][];
        for (int i = 0; i < a.length; i++) {
            c[i] = a[i] == null ? null : a[i].clone();
        }
        return c;
    }

    static double[][][] copy(double[][][] a) {
        if (a == null) {
            return null;
        }
        double[][][] c = new double[a.length][][];
        for (int i = 0; i < a.length; i++) {
            c[i] = copy(a[i]);
        }
        return c;
    }

    static float[][] copy(float[][] a) {
        if (a == null) {
            return null;
        }
        float[][] c = new float[a.length][];
        for (int i = 0; i < a.length; i++) {
            c[i] = a[i] == null ? null : a[i].clone();
        }
        return c;
    }

    static int[] copy(int[] a) {
        return a == null ? null : a.clone();
    }

    static long[] copy(long[] a) {
        return a == null ? null : a.clone();
    }

    static double[] copy(double[] a) {
        return a == null ? null : a.clone();
    }

    /** Every head of a {@code [layer][head]} matrix ordered by value, largest first (NaN last, then by head id). */
    static List<HeadId> ranking(double[][] m) {
        List<HeadId> all = new ArrayList<>();
        for (int l = 0; l < m.length; l++) {
            for (int h = 0; h < m[l].length; h++) {
                if (!Double.isNaN(m[l][h])) {
                    all.add(HeadId.of(l, h));
                }
            }
        }
        all.sort(Comparator.<HeadId>comparingDouble(x -> -m[x.layer()][x.head()]).thenComparing(x -> x));
        return List.copyOf(all);
    }

    /** {@code 0.123}, {@code NaN} as "–". */
    static String f3(double v) {
        return Numbers.f3(v);
    }

    /** {@code +0.123}. */
    static String s3(double v) {
        return Numbers.s3(v);
    }

    /** Heads as {@code [L1H0, L2H3]}. */
    static String heads(List<HeadId> heads) {
        return heads.toString();
    }

    static String shape(double[][] m) {
        return m.length + "×" + (m.length == 0 ? 0 : m[0].length);
    }

    static double[][] nan(int rows, int cols) {
        double[][] m = new double[rows][cols];
        for (double[] r : m) {
            Arrays.fill(r, Double.NaN);
        }
        return m;
    }
}
