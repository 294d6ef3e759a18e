package io.github.icl4j.bias;

import io.github.icl4j.Dataset;
import io.github.icl4j.Datasets;
import io.github.icl4j.Example;
import java.util.List;
import java.util.Objects;

/**
 * One data set of a bias study: the pool demonstrations are drawn from (a training split) and the queries
 * evaluated (a held-out split), with the same classes.
 *
 * <pre>{@code
 * BiasTask sst2 = BiasTask.load("sst2", "train", "test", 200, 7);   // 200 seeded test sentences
 * BiasTask agnews = BiasTask.of(Datasets.load("agnews", "subset-train").pair(0, 2),
 *         Datasets.load("agnews", "subset-test").pair(0, 2), 200, 7);
 * }</pre>
 *
 * @param name    a short name for tables, e.g. {@code sst2}
 * @param pool    where demonstrations come from
 * @param queries the labelled queries
 */
public record BiasTask(String name, Dataset pool, List<Example> queries) {

    /**
     * Checks the task.
     *
     * @throws IllegalArgumentException for a blank name, a pool of fewer than 2 classes, no queries, or a query
     *                                  whose label is not a class of the pool
     */
    public BiasTask {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("task name must not be blank");
        }
        Objects.requireNonNull(pool, "pool");
        if (pool.numClasses() < 2) {
            throw new IllegalArgumentException("task " + name + ": pool " + pool.name() + " has "
                    + pool.numClasses() + " class; need >= 2");
        }
        queries = List.copyOf(Objects.requireNonNull(queries, "queries"));
        if (queries.isEmpty()) {
            throw new IllegalArgumentException("task " + name + ": got no queries; need at least 1");
        }
        for (int i = 0; i < queries.size(); i++) {
            int l = queries.get(i).label();
            if (l < 0 || l >= pool.numClasses()) {
                throw new IllegalArgumentException("task " + name + ": query " + i + " has label " + l
                        + ", out of range [0, " + pool.numClasses() + ")");
            }
        }
    }

    /**
     * The binary task of a pool and a test split ({@link Dataset#pair()}: a two-class set itself, else its first
     * two classes, the METHOD's choice), with {@code queries} test examples drawn with the seed.
     *
     * @throws IllegalArgumentException when the two splits' classes differ or there are too few test examples
     */
    public static BiasTask of(Dataset pool, Dataset test, int queries, long seed) {
        Dataset p = pool.pair();
        Dataset t = test.pair();
        if (!p.classNames().equals(t.classNames())) {
            throw new IllegalArgumentException("pool classes " + p.classNames() + " differ from test classes "
                    + t.classNames());
        }
        String name = pool.name().contains("/") ? pool.name().substring(0, pool.name().indexOf('/')) : pool.name();
        return new BiasTask(name, p, t.sample(queries, seed).examples());
    }

    /**
     * {@link #of(Dataset, Dataset, int, long)} of two splits of a named data set ({@link Datasets#load}).
     *
     * @throws IllegalArgumentException for an unknown data set or split, or absent data
     */
    public static BiasTask load(String dataset, String poolSplit, String testSplit, int queries, long seed) {
        return of(Datasets.load(dataset, poolSplit), Datasets.load(dataset, testSplit), queries, seed);
    }

    /** Number of classes. */
    public int numClasses() {
        return pool.numClasses();
    }

    /** {@code BiasTask[sst2, pool sst2/train (6920), 200 queries]}. */
    @Override
    public String toString() {
        return "BiasTask[" + name + ", pool " + pool.name() + " (" + pool.size() + "), " + queries.size()
                + " queries]";
    }
}
