package io.github.icl4j;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Seeded draws shared by data sets and demonstrations. {@link Random} is used because its algorithm is fixed
 * by the Java specification, so a seed gives the same draw on every JDK.
 */
final class Sampling {
    private Sampling() {
    }

    /** A uniformly random order of {@code xs} (Fisher–Yates driven by {@code random}). */
    static <T> List<T> shuffled(List<T> xs, Random random) {
        List<T> out = new ArrayList<>(xs);
        for (int i = out.size() - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            T t = out.get(i);
            out.set(i, out.get(j));
            out.set(j, t);
        }
        return out;
    }

    /** Checks a count against {@code [0, max]}, with {@code what} naming it in the message. */
    static void checkCount(String what, int n, int max) {
        if (n < 0 || n > max) {
            throw new IllegalArgumentException(what + " " + n + " out of range [0, " + max + "]");
        }
    }
}
