package io.github.icl4j;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Random;
import java.util.Set;

/**
 * The demonstrations of an in-context prompt: an immutable, ordered list of labelled examples.
 *
 * <p>Drawn with {@link #sample(Dataset, int[], long, Example)} (seeded, never containing the query, any number
 * per class), then arranged: the order the bias experiments vary ({@link #asSampled()}, {@link #reversed()},
 * {@link #groupedByLabel()}, {@link #interleaved()}, {@link #permuted(long)}) and the one-fewer set of the
 * majority-label experiment ({@link #withoutOne(int)}). Every arrangement is a new object that remembers the
 * order the examples were drawn in, so {@code d.reversed().asSampled()} is {@code d} again.
 * <pre>{@code
 * Demonstrations demos = Demonstrations.sample(train, new int[] {2, 2}, 42, query);
 * // Demonstrations[4: 1 0 0 1, counts [2, 2], as sampled]
 * Demonstrations recency = demos.groupedByLabel();   // 0 0 1 1: the last two are all class 1
 * Demonstrations majority = demos.withoutOne(0);     // counts [1, 2]
 * }</pre>
 */
public final class Demonstrations {
    private final List<Example> examples;
    private final List<Example> sampled;
    private final int numClasses;
    /** "as sampled" or "as given". */
    private final String origin;
    /** The arrangements applied since the draw, e.g. "reversed, permuted, seed 3"; empty for none. */
    private final String steps;
    /** The demonstrations dropped, e.g. ", without one of class 0"; empty for none. */
    private final String drops;

    private Demonstrations(List<Example> examples, List<Example> sampled, int numClasses, String origin,
            String steps, String drops) {
        this.examples = List.copyOf(examples);
        this.sampled = List.copyOf(sampled);
        this.numClasses = numClasses;
        this.origin = origin;
        this.steps = steps;
        this.drops = drops;
    }

    /**
     * Hand-picked demonstrations of a task with {@code numClasses} classes, in the order given.
     *
     * @throws IllegalArgumentException for {@code numClasses < 1} or an example whose label is not in
     *                                  {@code [0, numClasses)} (demonstrations need a known label)
     */
    public static Demonstrations of(int numClasses, List<Example> examples) {
        if (numClasses < 1) {
            throw new IllegalArgumentException("numClasses " + numClasses + " must be >= 1");
        }
        Objects.requireNonNull(examples, "examples");
        for (int i = 0; i < examples.size(); i++) {
            int label = examples.get(i).label();
            if (label < 0 || label >= numClasses) {
                throw new IllegalArgumentException("demonstration " + i + ": label " + label + " out of range [0, "
                        + numClasses + ")");
            }
        }
        return new Demonstrations(examples, examples, numClasses, "as given", "", "");
    }

    /**
     * Draws {@code countsPerClass[c]} examples of each class {@code c} from the pool without replacement,
     * leaving out the query, and puts them in a seeded random order. Counts may differ between classes
     * (e.g. {@code {3, 2}}). The same pool, counts, seed and query always give the same demonstrations.
     *
     * @param pool           where demonstrations come from (the training split)
     * @param countsPerClass how many of each class, one entry per class of the pool
     * @param seed           fixes the draw and the order
     * @param exclude        the query (may be null): every pool example with the same text is left out,
     *                       whatever its label, so the query is never among its demonstrations
     * @throws IllegalArgumentException when the counts do not match the pool's classes, a count is negative, or
     *                                  a class has fewer examples than asked (naming the class, have and need)
     */
    public static Demonstrations sample(Dataset pool, int[] countsPerClass, long seed, Example exclude) {
        return sampleExcluding(pool, countsPerClass, seed, exclude == null ? List.of() : List.of(exclude));
    }

    /**
     * As {@link #sample(Dataset, int[], long, Example)} with nothing left out: for a pool that cannot hold the
     * queries (a training split drawn for a test split known to be disjoint from it).
     */
    public static Demonstrations sample(Dataset pool, int[] countsPerClass, long seed) {
        return sampleExcluding(pool, countsPerClass, seed, List.of());
    }

    /**
     * As {@link #sample(Dataset, int[], long, Example)}, leaving out every example whose text is that of one of
     * {@code exclude}: demonstrations shared by a whole query set ({@link IclPrompt.Builder#buildAll}) must
     * contain none of the queries.
     */
    public static Demonstrations sampleExcluding(Dataset pool, int[] countsPerClass, long seed,
            Collection<Example> exclude) {
        Objects.requireNonNull(pool, "pool");
        Objects.requireNonNull(countsPerClass, "countsPerClass");
        Objects.requireNonNull(exclude, "exclude");
        if (countsPerClass.length != pool.numClasses()) {
            throw new IllegalArgumentException("countsPerClass has " + countsPerClass.length + " entries "
                    + Arrays.toString(countsPerClass) + "; " + pool.name() + " has " + pool.numClasses()
                    + " classes " + pool.classNames() + " (use pool.pair() for a binary task)");
        }
        Set<String> excluded = new HashSet<>();
        for (Example e : exclude) {
            excluded.add(e.text());
        }
        List<List<Example>> byClass = new ArrayList<>();
        for (int c = 0; c < pool.numClasses(); c++) {
            byClass.add(new ArrayList<>());
        }
        for (Example e : pool.examples()) {
            if (!excluded.contains(e.text())) {
                byClass.get(e.label()).add(e);
            }
        }
        for (int c = 0; c < countsPerClass.length; c++) {
            int need = countsPerClass[c];
            if (need < 0) {
                throw new IllegalArgumentException("count for class " + c + " is " + need + "; must be >= 0");
            }
            int have = byClass.get(c).size();
            if (have < need) {
                throw new IllegalArgumentException(pool.name() + " has " + have + " examples of class " + c + " "
                        + pool.className(c) + (excluded.isEmpty() ? "" : " (the query left out)") + ", need "
                        + need);
            }
        }
        Random random = new Random(seed);
        List<Example> drawn = new ArrayList<>();
        for (int c = 0; c < countsPerClass.length; c++) {
            drawn.addAll(firstOfShuffle(byClass.get(c), countsPerClass[c], random));
        }
        List<Example> order = Sampling.shuffled(drawn, random);
        return new Demonstrations(order, order, pool.numClasses(), "as sampled", "", "");
    }

    /** The first {@code k} of a uniformly random order of {@code xs} (a partial Fisher–Yates). */
    private static List<Example> firstOfShuffle(List<Example> xs, int k, Random random) {
        List<Example> out = new ArrayList<>(xs);
        for (int i = 0; i < k; i++) {
            int j = i + random.nextInt(out.size() - i);
            Example t = out.get(i);
            out.set(i, out.get(j));
            out.set(j, t);
        }
        return out.subList(0, k);
    }

    /** The demonstrations in prompt order (unmodifiable). */
    public List<Example> examples() {
        return examples;
    }

    /** Demonstration {@code i} in prompt order. */
    public Example get(int i) {
        return examples.get(i);
    }

    /** Number of demonstrations. */
    public int size() {
        return examples.size();
    }

    /** Number of classes of the task (the length of {@link #counts()}). */
    public int numClasses() {
        return numClasses;
    }

    /** The class of each demonstration, in prompt order. */
    public int[] labels() {
        int[] labels = new int[examples.size()];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = examples.get(i).label();
        }
        return labels;
    }

    /** How many demonstrations of each class, indexed by class. */
    public int[] counts() {
        int[] counts = new int[numClasses];
        for (Example e : examples) {
            counts[e.label()]++;
        }
        return counts;
    }

    /**
     * The name of the current arrangement, e.g. {@code as sampled}, {@code reversed},
     * {@code permuted, seed 3, without one of class 0}.
     */
    public String order() {
        return (steps.isEmpty() ? origin : steps) + drops;
    }

    /** The order the examples were drawn in (for hand-picked ones, the order given). */
    public Demonstrations asSampled() {
        return new Demonstrations(sampled, sampled, numClasses, origin, "", drops);
    }

    /** The current order reversed: the first demonstration becomes the one nearest the query. */
    public Demonstrations reversed() {
        List<Example> r = new ArrayList<>(examples);
        Collections.reverse(r);
        return arranged(r, "reversed");
    }

    /** Class 0's demonstrations first, then class 1's, …, each class in its current order (a stable sort). */
    public Demonstrations groupedByLabel() {
        List<Example> g = new ArrayList<>(examples);
        g.sort(Comparator.comparingInt(Example::label));
        return arranged(g, "grouped by label");
    }

    /**
     * Classes taken in turn (0, 1, 0, 1, … while each has demonstrations left), each class in its current order:
     * the alternating layout of the METHOD's example prompt.
     */
    public Demonstrations interleaved() {
        List<List<Example>> byClass = new ArrayList<>();
        for (int c = 0; c < numClasses; c++) {
            byClass.add(new ArrayList<>());
        }
        for (Example e : examples) {
            byClass.get(e.label()).add(e);
        }
        List<Example> out = new ArrayList<>();
        for (int round = 0; out.size() < examples.size(); round++) {
            for (List<Example> cls : byClass) {
                if (round < cls.size()) {
                    out.add(cls.get(round));
                }
            }
        }
        return arranged(out, "interleaved");
    }

    /** The current order shuffled with {@code seed}: one of the seeded permutations of the recency-bias study. */
    public Demonstrations permuted(long seed) {
        return arranged(Sampling.shuffled(examples, new Random(seed)), "permuted, seed " + seed);
    }

    /**
     * The same demonstrations less the last one (in the current order) of class {@code label}: the set that makes
     * the other class the majority, for the majority-label-bias experiment.
     *
     * @throws IllegalArgumentException for a label out of range or with no demonstration
     */
    public Demonstrations withoutOne(int label) {
        if (label < 0 || label >= numClasses) {
            throw new IllegalArgumentException("label " + label + " out of range [0, " + numClasses + ")");
        }
        int at = -1;
        for (int i = examples.size() - 1; i >= 0 && at < 0; i--) {
            if (examples.get(i).label() == label) {
                at = i;
            }
        }
        if (at < 0) {
            throw new IllegalArgumentException("no demonstration of class " + label + " to drop; counts "
                    + Arrays.toString(counts()));
        }
        Example dropped = examples.get(at);
        List<Example> rest = new ArrayList<>(examples);
        rest.remove(at);
        List<Example> restSampled = new ArrayList<>(sampled);
        for (int i = restSampled.size() - 1; i >= 0; i--) {
            if (restSampled.get(i) == dropped) {
                restSampled.remove(i);
                break;
            }
        }
        return new Demonstrations(rest, restSampled, numClasses, origin, steps,
                drops + ", without one of class " + label);
    }

    private Demonstrations arranged(List<Example> order, String step) {
        return new Demonstrations(order, sampled, numClasses, origin, steps.isEmpty() ? step : steps + ", " + step,
                drops);
    }

    /** Equal when the same examples are in the same order for the same number of classes. */
    @Override
    public boolean equals(Object o) {
        return o instanceof Demonstrations d && numClasses == d.numClasses && examples.equals(d.examples);
    }

    @Override
    public int hashCode() {
        return examples.hashCode() * 31 + numClasses;
    }

    /** {@code Demonstrations[4: 1 0 0 1, counts [2, 2], as sampled]}: the labels in prompt order. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("Demonstrations[").append(examples.size()).append(':');
        for (Example e : examples) {
            sb.append(' ').append(e.label());
        }
        return sb.append(", counts ").append(Arrays.toString(counts())).append(", ").append(order())
                .append(']').toString();
    }
}
