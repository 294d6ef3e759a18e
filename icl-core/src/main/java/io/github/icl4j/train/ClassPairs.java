package io.github.icl4j.train;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * The class pairs {@code {a, b}} ({@code a < b}) of a {@link SyntheticIclTask}, split once by a seed into training
 * and held-out pairs, and drawn with Zipf class weights (a pair weighs the product of its classes' weights).
 */
final class ClassPairs {
    private final int[][] train;
    private final int[][] heldOut;
    private final double[] trainCdf;
    private final double[] heldOutCdf;
    private final Set<Long> heldOutKeys = new HashSet<>();

    /**
     * Splits the pairs of {@code classes} classes.
     *
     * @throws IllegalArgumentException when the held-out fraction leaves no training pair
     */
    ClassPairs(int classes, double heldOutFraction, long splitSeed, double classZipf) {
        List<int[]> pairs = new ArrayList<>();
        for (int a = 0; a < classes; a++) {
            for (int b = a + 1; b < classes; b++) {
                pairs.add(new int[] {a, b});
            }
        }
        Collections.shuffle(pairs, new Random(splitSeed));
        int nHeld = (int) Math.round(heldOutFraction * pairs.size());
        List<int[]> held = new ArrayList<>(pairs.subList(0, nHeld));
        List<int[]> training = new ArrayList<>(pairs.subList(nHeld, pairs.size()));
        Comparator<int[]> byClass = Comparator.<int[]>comparingInt(p -> p[0]).thenComparingInt(p -> p[1]);
        held.sort(byClass);
        training.sort(byClass);
        if (training.isEmpty()) {
            throw new IllegalArgumentException("held-out fraction " + heldOutFraction + " leaves no "
                    + "training pair of " + pairs.size());
        }
        this.train = training.toArray(int[][]::new);
        this.heldOut = held.toArray(int[][]::new);
        for (int[] p : heldOut) {
            heldOutKeys.add(key(p[0], p[1]));
        }
        double[] classWeight = new double[classes];
        for (int c = 0; c < classes; c++) {
            classWeight[c] = Math.pow(c + 1, -classZipf);
        }
        this.trainCdf = pairCdf(train, classWeight);
        this.heldOutCdf = pairCdf(heldOut, classWeight);
    }

    /** The training pairs, sorted (not copied: callers copy). */
    int[][] train() {
        return train;
    }

    /** The held-out pairs, sorted (not copied: callers copy). */
    int[][] heldOut() {
        return heldOut;
    }

    /** True when the pair (in either order) is held out. */
    boolean isHeldOut(int a, int b) {
        return heldOutKeys.contains(key(a, b));
    }

    /** A held-out or a training pair drawn by weight. */
    int[] draw(boolean fromHeldOut, Random rng) {
        return fromHeldOut ? heldOut[draw(heldOutCdf, rng)] : train[draw(trainCdf, rng)];
    }

    private static long key(int a, int b) {
        return ((long) Math.min(a, b) << 32) | Math.max(a, b);
    }

    private static double[] pairCdf(int[][] pairs, double[] classWeight) {
        double[] w = new double[pairs.length];
        for (int i = 0; i < pairs.length; i++) {
            w[i] = classWeight[pairs[i][0]] * classWeight[pairs[i][1]];
        }
        return cdf(w);
    }

    /** The cumulative distribution of weights {@code w}, normalised to end at 1. */
    static double[] cdf(double[] w) {
        double[] c = new double[w.length];
        double s = 0;
        for (int i = 0; i < w.length; i++) {
            s += w[i];
            c[i] = s;
        }
        for (int i = 0; i < c.length; i++) {
            c[i] /= s;
        }
        return c;
    }

    /** An index drawn from a cumulative distribution. */
    static int draw(double[] cdf, Random rng) {
        double u = rng.nextDouble();
        int i = Arrays.binarySearch(cdf, u);
        i = i >= 0 ? i + 1 : -i - 1;
        return Math.min(i, cdf.length - 1);
    }
}
