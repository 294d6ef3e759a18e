package io.github.icl4j.examples.cli;

import io.github.icl4j.examples.builtin.BuiltinModel;
import io.github.icl4j.examples.builtin.SyntheticPrompts;
import io.github.icl4j.Dataset;
import io.github.icl4j.Datasets;
import io.github.icl4j.Example;
import io.github.icl4j.IclPrompt;
import io.github.icl4j.Model;
import io.github.icl4j.bias.BiasTask;
import io.github.icl4j.train.SyntheticIclTask;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The prompts and bias tasks of one run of the main job: prompts to find the in-context heads on, other prompts
 * to test them on, and the bias study's test and validation tasks (disjoint queries, so a_c is never tuned on the
 * test queries).
 *
 * @param description what the data is, in words
 * @param find        prompts the heads are found on
 * @param test        prompts the heads are tested and analysed on (other queries and demonstrations)
 * @param biasTest    the bias study's tasks
 * @param biasTune    tasks a_c is tuned on (disjoint from {@code biasTest})
 */
public record Workload(String description, List<IclPrompt> find, List<IclPrompt> test, List<BiasTask> biasTest,
        List<BiasTask> biasTune) {

    /** Copies the lists. */
    public Workload {
        find = List.copyOf(find);
        test = List.copyOf(test);
        biasTest = List.copyOf(biasTest);
        biasTune = List.copyOf(biasTune);
    }

    /**
     * The prompt builder for a model: the METHOD's template, " foo"/" bar" and the BOS token its tokenizer adds, if
     * any, the library's default (Gemma's does; SmolLM2's, for one, adds none: {@code add_bos_token} is false).
     */
    public static IclPrompt.Builder promptBuilder(Model model) {
        return IclPrompt.builder(model.tokenizer());
    }

    /**
     * The prompt builder of a job: {@link #promptBuilder(Model)} with the job's label words.
     *
     * @throws IllegalArgumentException when a label word is not one token of the model's tokenizer
     */
    public static IclPrompt.Builder promptBuilder(Model model, JobOptions o) {
        return promptBuilder(model).labelWords(o.labelWords());
    }

    /**
     * The workload the resolved options ask for: the synthetic task's held-out class pairs, or a data set.
     *
     * @throws IllegalArgumentException for an unknown data set, too few examples, or prompts longer than the context
     */
    public static Workload of(Model model, JobOptions o) {
        IclPrompt.Builder b = promptBuilder(model, o);
        Workload w = o.syntheticData() ? synthetic(b, o) : dataset(b, o);
        int max = model.config().maxPositions();
        w.find().forEach(p -> p.checkFits(max));
        w.test().forEach(p -> p.checkFits(max));
        return w;
    }

    /**
     * The synthetic task of the job: the one a {@code --model} folder was trained on when it holds
     * {@link SyntheticIclTask#OPTIONS_FILE} (as {@link TrainBuiltinModel} writes), else the built-in model's.
     */
    static SyntheticIclTask syntheticTask(JobOptions o) {
        if (o.model() != null && java.nio.file.Files.isDirectory(o.model())) {
            return SyntheticIclTask.forCheckpoint(o.model()).orElseGet(BuiltinModel::task);
        }
        return BuiltinModel.task();
    }

    private static Workload synthetic(IclPrompt.Builder b, JobOptions o) {
        try (SyntheticIclTask task = syntheticTask(o)) {
            List<IclPrompt> find = SyntheticPrompts.prompts(b, task, o.prompts(), o.shots(), o.seed());
            List<IclPrompt> test = SyntheticPrompts.prompts(b, task, o.prompts(), o.shots(), o.seed() + 1);
            int tune = Math.max(2, o.biasTasks() / 2);
            int pool = Math.max(20, 4 * o.shots());
            List<BiasTask> biasTest = SyntheticPrompts.biasTasks(task, 0, o.biasTasks(), pool, o.biasQueries(),
                    o.seed());
            List<BiasTask> biasTune = o.tuneAc()
                    ? SyntheticPrompts.biasTasks(task, o.biasTasks(), tune, pool, o.biasQueries(), o.seed())
                    : List.of();
            return new Workload("synthetic task: " + task.pairs(SyntheticIclTask.Split.HELD_OUT).size()
                    + " held-out class pairs, sentences of " + task.options().sentenceLength() + " made-up words",
                    find, test, biasTest, biasTune);
        }
    }

    /** Splits preferred for the demonstration pool and for the queries, in order. */
    private static final List<String> POOL_SPLITS = List.of("train", "subset-train", "all", "subset", "train64");
    private static final List<String> QUERY_SPLITS = List.of("test", "subset-test", "dev");

    /** A data set's demonstration pool and query set, reduced to the job's two classes. */
    record PoolAndQueries(Dataset pool, Dataset queries) {
    }

    /**
     * The pool and queries of data set {@code name}: the first of {@link #POOL_SPLITS} and of
     * {@link #QUERY_SPLITS} it has, or an 80/20 seeded split of its one file.
     */
    static PoolAndQueries load(String name, JobOptions o) {
        synchronized (Workload.class) {
            String before = System.getProperty(Datasets.DATA_DIR_PROPERTY);
            if (o.dataDir() != null) {
                System.setProperty(Datasets.DATA_DIR_PROPERTY, o.dataDir().toAbsolutePath().toString());
            }
            try {
                Map<String, List<String>> known = Datasets.known();
                List<String> splits = known.get(name);
                if (splits == null) {
                    throw new IllegalArgumentException("unknown data set '" + name + "'; known: " + known.keySet());
                }
                String poolSplit = POOL_SPLITS.stream().filter(splits::contains).findFirst().orElse(splits.get(0));
                String querySplit = QUERY_SPLITS.stream().filter(splits::contains).findFirst().orElse(null);
                Dataset pool = Datasets.load(name, poolSplit);
                Dataset queries;
                if (querySplit == null) {
                    Dataset.Split s = pool.split(0.8, o.seed());
                    pool = s.train();
                    queries = s.test();
                } else {
                    queries = Datasets.load(name, querySplit);
                }
                return new PoolAndQueries(pool.pair(o.classA(), o.classB()), queries.pair(o.classA(), o.classB()));
            } finally {
                if (o.dataDir() != null) {
                    if (before == null) {
                        System.clearProperty(Datasets.DATA_DIR_PROPERTY);
                    } else {
                        System.setProperty(Datasets.DATA_DIR_PROPERTY, before);
                    }
                }
            }
        }
    }

    /**
     * The tasks a_c is tuned on when {@link JobOptions#tuneData()} names other data sets: per data set, its pool
     * and a balanced, seeded draw of {@link JobOptions#biasQueries()} queries per class. Other tasks than the
     * test data set, so neither its queries nor its demonstrations reach the tuning.
     *
     * @throws IllegalArgumentException for an unknown data set or one with too few examples of a class
     */
    static List<BiasTask> tuningTasks(JobOptions o) {
        List<BiasTask> tasks = new ArrayList<>();
        for (String name : o.tuneData()) {
            try {
                PoolAndQueries pq = load(name, o);
                // balanced() names the data set and its class counts when it has too few queries
                tasks.add(new BiasTask(name + " (tuning)", pq.pool(),
                        pq.queries().balanced(o.biasQueries(), o.seed()).examples()));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--tune-data " + name + ": " + e.getMessage(), e);
            }
        }
        return tasks;
    }

    private static Workload dataset(IclPrompt.Builder b, JobOptions o) {
        PoolAndQueries pq = load(o.data(), o);
        Dataset pool = pq.pool();
        Dataset queries = pq.queries();
        // held-out queries of the test data set are the tuning tasks' only when no other data set is named
        boolean tuneHere = o.tuneAc() && o.tuneData().isEmpty();
        // one balanced, shuffled draw of queries, cut into disjoint parts
        int perClassFind = (o.prompts() + 1) / 2;
        int need = 2 * perClassFind + (tuneHere ? o.biasQueries() : 0);
        int[] counts = queries.counts();
        int have = Math.min(counts[0], counts[1]);
        if (have < need) {
            throw new IllegalArgumentException(queries.name() + " has " + counts[0] + " / " + counts[1]
                    + " examples of its two classes; " + o.prompts() + " find + " + o.prompts() + " test prompts"
                    + (tuneHere ? " + " + o.biasQueries() + " a_c tuning queries" : "") + " need " + need
                    + " per class: lower --prompts or --bias-queries");
        }
        List<Example> drawn = queries.balanced(need, o.seed()).examples();
        List<Example> find = new ArrayList<>();
        List<Example> test = new ArrayList<>();
        List<Example> tune = new ArrayList<>();
        int[] seen = new int[2];
        for (Example e : drawn) {
            int i = seen[e.label()]++;
            if (i < perClassFind) {
                find.add(e);
            } else if (i < 2 * perClassFind) {
                test.add(e);
            } else {
                tune.add(e);
            }
        }
        find = find.subList(0, o.prompts());
        test = test.subList(0, o.prompts());
        int[] k = {o.shots(), o.shots()};
        List<IclPrompt> findPrompts = b.buildEpisodes(pool, find, k, o.seed());
        List<IclPrompt> testPrompts = b.buildEpisodes(pool, test, k, o.seed() + 1);
        List<Example> biasQueries = balancedPrefix(test, o.biasQueries());
        List<BiasTask> biasTest = List.of(new BiasTask(o.data(), pool, biasQueries));
        List<BiasTask> biasTune = !o.tuneAc() ? List.of()
                : tuneHere ? List.of(new BiasTask(o.data() + " (tuning)", pool, tune)) : tuningTasks(o);
        return new Workload(o.data() + ": pool " + pool.name() + " (" + pool.size() + "), queries " + queries.name(),
                findPrompts, testPrompts, biasTest, biasTune);
    }

    /** Up to {@code perClass} examples of each label, in order. */
    private static List<Example> balancedPrefix(List<Example> xs, int perClass) {
        int[] n = new int[2];
        List<Example> out = new ArrayList<>();
        for (Example e : xs) {
            if (n[e.label()] < perClass) {
                out.add(e);
                n[e.label()]++;
            }
        }
        return out;
    }

    /** {@code Workload[synthetic task ..., 200 find / 200 test prompts, 6 + 3 bias tasks]}. */
    @Override
    public String toString() {
        return "Workload[" + description + ", " + find.size() + " find / " + test.size() + " test prompts, "
                + biasTest.size() + " + " + biasTune.size() + " bias tasks]";
    }
}
