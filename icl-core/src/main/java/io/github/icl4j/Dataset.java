package io.github.icl4j;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Random;

/**
 * An immutable, named list of labelled sentences with its class names: the pool demonstrations are drawn from,
 * or the queries a model is evaluated on.
 *
 * <p>Read one with {@link Datasets#load(String, String)}, or make one with {@link #of(String, List, List)}.
 * Every derived set ({@link #split}, {@link #sample}, {@link #pair}, {@link #balanced}) is a new data set whose
 * name says how it was made, and every random draw is fixed by its seed.
 * <pre>{@code
 * Dataset train = Datasets.load("sst2", "train");
 * // Dataset[sst2/train, 6920 examples, classes {0 negative: 3310, 1 positive: 3610}]
 * Dataset queries = Datasets.load("sst2", "test").sample(1000, 1);
 * }</pre>
 */
public final class Dataset {
    private final String name;
    private final List<String> classNames;
    private final List<Example> examples;

    private Dataset(String name, List<String> classNames, List<Example> examples) {
        this.name = name;
        this.classNames = classNames;
        this.examples = examples;
    }

    /**
     * A data set of the given examples, whose labels index {@code classNames}.
     *
     * @throws IllegalArgumentException for a blank name, fewer than one class, a repeated class name, or an
     *                                  example whose label is not in {@code [0, classNames.size())}
     */
    public static Dataset of(String name, List<String> classNames, List<Example> examples) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("data set name must not be blank, was '" + name + "'");
        }
        Objects.requireNonNull(classNames, "classNames");
        Objects.requireNonNull(examples, "examples");
        List<String> classes = List.copyOf(classNames);
        if (classes.isEmpty()) {
            throw new IllegalArgumentException("data set " + name + " needs at least one class name");
        }
        if (new HashSet<>(classes).size() != classes.size()) {
            throw new IllegalArgumentException("data set " + name + " has a repeated class name: " + classes);
        }
        List<Example> list = List.copyOf(examples);
        for (int i = 0; i < list.size(); i++) {
            int label = list.get(i).label();
            if (label < 0 || label >= classes.size()) {
                throw new IllegalArgumentException("data set " + name + ", example " + i + ": label " + label
                        + " out of range [0, " + classes.size() + ") for classes " + classes);
            }
        }
        return new Dataset(name, classes, list);
    }

    /** How the set was made, e.g. {@code sst2/train} or {@code sst2/train[sample 100, seed 1]}. */
    public String name() {
        return name;
    }

    /** Class names; a label is an index into this list. */
    public List<String> classNames() {
        return classNames;
    }

    /** Number of classes (not all need examples). */
    public int numClasses() {
        return classNames.size();
    }

    /**
     * The name of class {@code label}.
     *
     * @throws IllegalArgumentException for a label out of range
     */
    public String className(int label) {
        checkClass("class", label);
        return classNames.get(label);
    }

    /** The examples, in order (unmodifiable). */
    public List<Example> examples() {
        return examples;
    }

    /** Example {@code i}. */
    public Example get(int i) {
        return examples.get(i);
    }

    /** Number of examples. */
    public int size() {
        return examples.size();
    }

    /** Number of examples of each class, indexed by label. */
    public int[] counts() {
        int[] counts = new int[classNames.size()];
        for (Example e : examples) {
            counts[e.label()]++;
        }
        return counts;
    }

    /**
     * The examples of one class, in order, as a data set with the same class names.
     *
     * @throws IllegalArgumentException for a label out of range
     */
    public Dataset ofClass(int label) {
        checkClass("class", label);
        List<Example> out = new ArrayList<>();
        for (Example e : examples) {
            if (e.label() == label) {
                out.add(e);
            }
        }
        return new Dataset(name + "[" + classNames.get(label) + "]", classNames, List.copyOf(out));
    }

    /**
     * A train/test split stratified by class: in each class a seeded random {@code round(trainFraction · n)}
     * examples go to train and the rest to test, so both keep the class proportions. Each part keeps the
     * original order.
     *
     * @throws IllegalArgumentException for a fraction outside {@code (0, 1)}
     */
    public Split split(double trainFraction, long seed) {
        if (!(trainFraction > 0 && trainFraction < 1)) {
            throw new IllegalArgumentException("trainFraction " + trainFraction + " out of range (0, 1)");
        }
        Random random = new Random(seed);
        boolean[] toTrain = new boolean[examples.size()];
        for (int c = 0; c < classNames.size(); c++) {
            List<Integer> idx = indicesOf(c);
            long nTrain = Math.round(trainFraction * idx.size());
            List<Integer> order = Sampling.shuffled(idx, random);
            for (int i = 0; i < nTrain; i++) {
                toTrain[order.get(i)] = true;
            }
        }
        List<Example> train = new ArrayList<>();
        List<Example> test = new ArrayList<>();
        for (int i = 0; i < examples.size(); i++) {
            (toTrain[i] ? train : test).add(examples.get(i));
        }
        String how = String.format(java.util.Locale.ROOT, "%.2f, seed %d]", trainFraction, seed);
        return new Split(new Dataset(name + "[train " + how, classNames, List.copyOf(train)),
                new Dataset(name + "[test " + how, classNames, List.copyOf(test)));
    }

    /**
     * {@code n} examples drawn uniformly without replacement, in the order drawn (so {@code sample(size(), seed)}
     * is a seeded shuffle).
     *
     * @throws IllegalArgumentException for {@code n} outside {@code [0, size()]}
     */
    public Dataset sample(int n, long seed) {
        Sampling.checkCount("sample size for " + name + ":", n, examples.size());
        List<Example> drawn = Sampling.shuffled(examples, new Random(seed)).subList(0, n);
        return new Dataset(name + "[sample " + n + ", seed " + seed + "]", classNames, List.copyOf(drawn));
    }

    /**
     * The binary task of two classes: their examples, in order, relabelled {@code classA → 0},
     * {@code classB → 1}, with class names {@code [name(classA), name(classB)]}. This is how a multi-class set
     * enters the binary foo/bar protocol.
     *
     * @throws IllegalArgumentException for a class out of range or {@code classA == classB}
     */
    public Dataset pair(int classA, int classB) {
        checkClass("classA", classA);
        checkClass("classB", classB);
        if (classA == classB) {
            throw new IllegalArgumentException("pair needs two different classes, got " + classA + " twice");
        }
        List<Example> out = new ArrayList<>();
        for (Example e : examples) {
            if (e.label() == classA) {
                out.add(new Example(e.text(), 0));
            } else if (e.label() == classB) {
                out.add(new Example(e.text(), 1));
            }
        }
        String a = classNames.get(classA);
        String b = classNames.get(classB);
        return new Dataset(name + "[" + a + "/" + b + "]", List.of(a, b), List.copyOf(out));
    }

    /**
     * The METHOD's default binary task: a two-class set itself, otherwise {@link #pair(int, int) pair(0, 1)},
     * the first two classes.
     */
    public Dataset pair() {
        return classNames.size() == 2 ? this : pair(0, 1);
    }

    /**
     * {@code perClass} examples of every class, drawn with the seed, in a seeded random order.
     *
     * @throws IllegalArgumentException for a negative count, or naming the class, how many it has and how many
     *                                  are needed when one is too small
     */
    public Dataset balanced(int perClass, long seed) {
        if (perClass < 0) {
            throw new IllegalArgumentException("perClass " + perClass + " must be >= 0");
        }
        int[] counts = counts();
        for (int c = 0; c < counts.length; c++) {
            if (counts[c] < perClass) {
                throw new IllegalArgumentException(name + " has " + counts[c] + " examples of class " + c + " "
                        + classNames.get(c) + ", balanced(" + perClass + ") needs " + perClass);
            }
        }
        Random random = new Random(seed);
        List<Example> drawn = new ArrayList<>();
        for (int c = 0; c < counts.length; c++) {
            for (int i : Sampling.shuffled(indicesOf(c), random).subList(0, perClass)) {
                drawn.add(examples.get(i));
            }
        }
        return new Dataset(name + "[balanced " + perClass + ", seed " + seed + "]", classNames,
                List.copyOf(Sampling.shuffled(drawn, random)));
    }

    private List<Integer> indicesOf(int label) {
        List<Integer> idx = new ArrayList<>();
        for (int i = 0; i < examples.size(); i++) {
            if (examples.get(i).label() == label) {
                idx.add(i);
            }
        }
        return idx;
    }

    private void checkClass(String what, int label) {
        if (label < 0 || label >= classNames.size()) {
            throw new IllegalArgumentException(what + " " + label + " out of range [0, " + classNames.size()
                    + ") for " + name + " with classes " + classNames);
        }
    }

    /**
     * A train part and a test part of one data set.
     *
     * @param train the training part (the demonstration pool)
     * @param test  the held-out part (the queries)
     */
    public record Split(Dataset train, Dataset test) {
        /** Checks both parts are present. */
        public Split {
            Objects.requireNonNull(train, "train");
            Objects.requireNonNull(test, "test");
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Dataset d && name.equals(d.name) && classNames.equals(d.classNames)
                && examples.equals(d.examples);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, classNames, examples);
    }

    /** {@code Dataset[sst2/train, 6920 examples, classes {0 negative: 3310, 1 positive: 3610}]}. */
    @Override
    public String toString() {
        int[] counts = counts();
        StringBuilder sb = new StringBuilder("Dataset[").append(name).append(", ").append(examples.size())
                .append(" examples, classes {");
        for (int c = 0; c < counts.length; c++) {
            sb.append(c == 0 ? "" : ", ").append(c).append(' ').append(classNames.get(c)).append(": ")
                    .append(counts[c]);
        }
        return sb.append("}]").toString();
    }
}
