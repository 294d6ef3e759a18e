package io.github.icl4j.spark;

import io.github.icl4j.Model;
import io.github.icl4j.PromptTokens;
import io.github.icl4j.heads.PromptAblations;
import io.github.icl4j.heads.PromptScores;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.NotSerializableException;
import java.io.ObjectOutputStream;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Head scoring and the ablation ranking (METHOD §3.1–3.2) over many models, data sets and seeds on a Spark cluster,
 * with results identical to {@code InContextHeads} in one JVM.
 *
 * <pre>{@code
 * SparkHeads heads = SparkHeads.on(spark).options(HeadSpec.defaults().withBatch(8, 64));
 * SparkHeads.Plan plan = heads.plan(List.of(Cell.of(ModelSpec.of("/shared/llama-7b"), PromptSpec.of("sst2", 1, 1000))));
 * Dataset<Row> rows = heads.rows(plan);                      // tidy: model, dataset, seed, prompt_id, layer, ...
 * rows.write().parquet("/shared/sweep/rows.parquet");
 * List<SweepResult> results = heads.results(plan, spark.read().parquet("/shared/sweep/rows.parquet"));
 * }</pre>
 *
 * <p>How the work is cut: each cell's prompts are put in the library's batch order and cut into shards of one
 * forward batch each; a work item is one shard scored, or one shard with each head of a few layers removed in turn
 * (heads × prompt shards; layers grouped so that the clean pass each item repeats stays a small part of its work). Items are partitioned in order, so a partition runs consecutive shards of one cell. Each
 * executor loads a model once ({@link ModelCache}) and builds each cell's prompts once. Because a shard is exactly a
 * batch of the one-JVM run and the per-prompt values are combined on the driver in prompt order, the scores and
 * ablation accuracies equal the one-JVM ones bit for bit. A retried task recomputes the same rows and Spark keeps one
 * attempt's output; {@link #results} checks that every value arrived exactly once.
 */
public final class SparkHeads {
    private static final Logger LOG = LoggerFactory.getLogger(SparkHeads.class);

    private final SparkSession spark;
    private final HeadSpec spec;
    private final int partitions;
    private final boolean ablation;
    private final int failPartition;

    private SparkHeads(SparkSession spark, HeadSpec spec, int partitions, boolean ablation, int failPartition) {
        this.spark = spark;
        this.spec = spec;
        this.partitions = partitions;
        this.ablation = ablation;
        this.failPartition = failPartition;
    }

    /** Sweeps on {@code spark} with {@link HeadSpec#defaults()}, scoring and ablation ranking both. */
    public static SparkHeads on(SparkSession spark) {
        if (spark == null) {
            throw new IllegalArgumentException("spark session must not be null");
        }
        return new SparkHeads(spark, HeadSpec.defaults(), 0, true, -1);
    }

    /** The same with other options. */
    public SparkHeads options(HeadSpec s) {
        if (s == null) {
            throw new IllegalArgumentException("options must not be null");
        }
        return new SparkHeads(spark, s, partitions, ablation, failPartition);
    }

    /** The same with {@code n} partitions of work items (0: four per core of the cluster, the default). */
    public SparkHeads partitions(int n) {
        if (n < 0) {
            throw new IllegalArgumentException("partitions " + n + " out of range [0, ∞) (0: four per core)");
        }
        return new SparkHeads(spark, spec, n, ablation, failPartition);
    }

    /** The same with the ablation ranking run ({@code true}, the default) or skipped. */
    public SparkHeads ablation(boolean on) {
        return new SparkHeads(spark, spec, partitions, on, failPartition);
    }

    /** For the retry test: the first attempt of partition {@code p} of the work fails once. */
    SparkHeads failFirstAttemptOf(int p) {
        return new SparkHeads(spark, spec, partitions, ablation, p);
    }

    /** The options in force. */
    public HeadSpec options() {
        return spec;
    }

    /**
     * A checked sweep: every cell's model loaded and prompts built on the executors, its size known.
     *
     * @param cells the cells (distinct by model, data set and seed)
     * @param facts what the executors found, cell by cell
     */
    public record Plan(List<Cell> cells, List<CellFacts> facts, HeadSpec spec, boolean ablation) {
        /** Copies the lists. */
        public Plan {
            cells = List.copyOf(cells);
            facts = List.copyOf(facts);
        }

        /** Prompts in cell {@code i}. */
        public int prompts(int i) {
            return facts.get(i).prompts();
        }

        /** {layers, heads} of cell {@code i}'s model. */
        public int[] shape(int i) {
            return new int[] {facts.get(i).nLayers(), facts.get(i).nHeads()};
        }

        /** Work items, in order: per cell, per shard, scoring then each group of ablated layers. */
        List<WorkItem> items() {
            List<WorkItem> out = new ArrayList<>();
            for (int c = 0; c < cells.size(); c++) {
                CellFacts f = facts.get(c);
                List<int[]> groups = ablation
                        ? WorkItem.layerGroups(f.ablationFrom(), f.ablationTo(), f.nLayers(), f.nHeads()) : List.of();
                for (int s = 0; s < f.shards(spec.batchSize()); s++) {
                    out.add(new WorkItem(c, s, -1, -1));
                    for (int[] g : groups) {
                        out.add(new WorkItem(c, s, g[0], g[1]));
                    }
                }
            }
            return out;
        }

        /** {@code Plan[3 cells, 120 prompts, 45 work items, with ablation]}. */
        @Override
        public String toString() {
            return "Plan[" + cells.size() + " cells, " + facts.stream().mapToInt(CellFacts::prompts).sum()
                    + " prompts, " + items().size() + " work items, " + (ablation ? "with" : "without") + " ablation]";
        }
    }

    /**
     * Checks the sweep on the cluster before any work: one task per cell loads its model (once per executor, kept for
     * the work) and builds its prompts.
     *
     * @throws IllegalArgumentException naming the cell, path, data set or option, for cells that are not distinct,
     *                                  options or prompt sources that do not serialise, a model path or data set an
     *                                  executor cannot read, or an ablation layer range outside a model
     */
    public Plan plan(List<Cell> cells) {
        if (cells == null || cells.isEmpty()) {
            throw new IllegalArgumentException("a sweep needs at least one cell; got none");
        }
        Set<Cell> keys = new HashSet<>();
        for (Cell c : cells) {
            if (!keys.add(c.key())) {
                throw new IllegalArgumentException("cell " + c + " appears twice; cells must differ by model, data set "
                        + "or seed (their rows would mix)");
            }
            checkSerialisable("prompt source of cell " + c, c.source());
            checkSerialisable("cell " + c, c);
        }
        checkSerialisable("options", spec);
        HeadSpec s = spec;
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        jsc.setJobDescription("icl4j: check " + cells.size() + " cells (load models, build prompts)");
        List<CellFacts> facts;
        try {
            facts = jsc.parallelize(cells, cells.size()).map(c -> facts(c, s)).collect();
        } catch (Exception e) { // Scala throws SparkException, a checked exception, without declaring it
            throw explain(e);
        } finally {
            jsc.setJobDescription(null);
        }
        List<String> errors = facts.stream().filter(f -> f.error() != null).map(CellFacts::error).toList();
        if (!errors.isEmpty()) {
            throw new IllegalArgumentException("the sweep cannot run: " + String.join("; ", errors));
        }
        Plan p = new Plan(cells, facts, spec, ablation);
        LOG.info("{}", p);
        return p;
    }

    /** On an executor: load, build, measure; errors come back as data, not as a retried task. */
    private static CellFacts facts(Cell cell, HeadSpec s) {
        try {
            Model m = ModelCache.model(cell.model());
            List<PromptTokens> ps = ModelCache.prompts(cell);
            int[] shape = IclBackend.shape(m);
            int[] range;
            try {
                range = IclBackend.ablationLayers(s, shape[0]);
            } catch (IllegalArgumentException e) {
                return CellFacts.failed(cell, "options: " + e.getMessage() + " (model " + cell.model().path() + ")");
            }
            return new CellFacts(cell, ps.size(), shape[0], shape[1], range[0], range[1],
                    IclBackend.labelWords(m, ps),
                    java.util.Arrays.stream(ps.get(0).labelTokenIds()).boxed().toList(), null);
        } catch (RuntimeException e) {
            return CellFacts.failed(cell, e.getMessage());
        }
    }

    /** The tidy table of a plan (lazy: Spark runs it when the rows are written or collected). */
    public Dataset<Row> rows(Plan plan) {
        List<WorkItem> items = plan.items();
        int n = partitions(plan);
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        JavaRDD<Row> rows = jsc.parallelize(items, n).flatMap(new ShardWork(plan.facts(), plan.spec(), failPartition));
        LOG.info("{} work items in {} partitions", items.size(), n);
        return spark.createDataFrame(rows, TidyTable.SCHEMA);
    }

    /** The partitions {@link #rows} cuts a plan's work items into. */
    public int partitions(Plan plan) {
        int n = partitions > 0 ? partitions : 4 * spark.sparkContext().defaultParallelism();
        return Math.max(1, Math.min(n, plan.items().size()));
    }

    /** Runs one work item on an executor. */
    private static final class ShardWork implements FlatMapFunction<WorkItem, Row> {
        private static final long serialVersionUID = 1L;
        private static final Logger WLOG = LoggerFactory.getLogger(ShardWork.class);
        private final List<CellFacts> facts;
        private final HeadSpec spec;
        private final int failPartition;

        ShardWork(List<CellFacts> facts, HeadSpec spec, int failPartition) {
            this.facts = facts;
            this.spec = spec;
            this.failPartition = failPartition;
        }

        @Override
        public Iterator<Row> call(WorkItem item) {
            TaskContext tc = TaskContext.get();
            if (tc != null && tc.partitionId() == failPartition && tc.attemptNumber() == 0) {
                throw new IllegalStateException("injected failure in the first attempt of partition " + failPartition);
            }
            long t0 = System.nanoTime();
            Cell cell = facts.get(item.cell()).cell();
            Model model = ModelCache.model(cell.model());
            List<PromptTokens> all = ModelCache.prompts(cell);
            int[] order = IclBackend.batchOrder(all);
            int from = item.shard() * spec.batchSize();
            int[] ids = IntStream.range(from, Math.min(all.size(), from + spec.batchSize())).map(i -> order[i]).toArray();
            List<PromptTokens> shard = IntStream.of(ids).mapToObj(all::get).toList();
            List<Row> out = new ArrayList<>();
            if (item.scoring()) {
                PromptScores s = IclBackend.score(model, spec, shard);
                int[] gold = s.gold();
                float[][][][] scores = s.scores();
                for (int i = 0; i < ids.length; i++) {
                    out.add(TidyTable.row(cell, ids[i], null, null, TidyTable.GOLD, gold[i]));
                    float[][][] v = scores[i];
                    for (int l = 0; l < v[0].length; l++) {
                        for (int h = 0; h < v[0][l].length; h++) {
                            out.add(TidyTable.row(cell, ids[i], l, h, TidyTable.SCORE_0, v[0][l][h]));
                            out.add(TidyTable.row(cell, ids[i], l, h, TidyTable.SCORE_1, v[1][l][h]));
                        }
                    }
                }
            } else {
                PromptAblations a = IclBackend.ablate(model, spec, shard, item.fromLayer(), item.toLayer());
                boolean first = item.fromLayer() == facts.get(item.cell()).ablationFrom();
                PromptAblations.Outcome[] clean = a.clean();
                PromptAblations.Outcome[][][] layers = a.ablated();
                for (int i = 0; i < ids.length; i++) {
                    if (first) {
                        outcome(out, cell, ids[i], null, null, clean[i], true);
                    }
                    for (int l = 0; l < layers.length; l++) {
                        for (int h = 0; h < layers[l].length; h++) {
                            outcome(out, cell, ids[i], item.fromLayer() + l, h, layers[l][h][i], false);
                        }
                    }
                }
            }
            WLOG.info("{} shard {} {}: {} prompts, {} rows in {} ms", cell, item.shard(),
                    item.scoring() ? "scored" : "layers [" + item.fromLayer() + ", " + item.toLayer() + ") ablated", ids.length, out.size(),
                    (System.nanoTime() - t0) / 1_000_000);
            return out.iterator();
        }

        private static void outcome(List<Row> out, Cell cell, int id, Integer layer, Integer head,
                PromptAblations.Outcome o, boolean clean) {
            out.add(TidyTable.row(cell, id, layer, head, clean ? TidyTable.CLEAN_CORRECT : TidyTable.ABLATED_CORRECT,
                    o.correct() ? 1 : 0));
            out.add(TidyTable.row(cell, id, layer, head,
                    clean ? TidyTable.CLEAN_FULL_VOCAB_CORRECT : TidyTable.ABLATED_FULL_VOCAB_CORRECT,
                    o.fullVocabCorrect() ? 1 : 0));
            out.add(TidyTable.row(cell, id, layer, head,
                    clean ? TidyTable.CLEAN_GOLD_PROB : TidyTable.ABLATED_GOLD_PROB, o.goldProb()));
        }
    }

    /**
     * The rankings of each model and seed over the sweep's data sets (in cell order), combined from the tidy rows on
     * the driver exactly as {@code InContextHeads} does in one JVM. Streams the rows (one partition at a time).
     *
     * @throws IllegalStateException when a value is missing or arrives twice, or a row belongs to no cell of the plan
     * @throws IllegalArgumentException naming the path or data set when the work fails on the executors
     */
    public List<SweepResult> results(Plan plan, Dataset<Row> rows) {
        SweepTables tables = new SweepTables(plan);
        try {
            rows.toLocalIterator().forEachRemaining(tables::add);
        } catch (IllegalStateException e) {
            throw e; // the table itself is wrong (a value missing or twice): no executor to blame
        } catch (Exception e) { // SparkException, undeclared
            throw explain(e);
        }
        return tables.results();
    }

    /**
     * A failure on the executors as the driver should report it: the first {@link IllegalArgumentException} in the
     * cause chain or, when only its text came back, in the message (they name the path, data set or option); else
     * the exception itself (a checked one, such as {@code SparkException}, wrapped in an
     * {@link IllegalStateException}).
     */
    static RuntimeException explain(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof IllegalArgumentException iae) {
                return new IllegalArgumentException(iae.getMessage(), e);
            }
        }
        String m = String.valueOf(e.getMessage());
        int i = m.indexOf("IllegalArgumentException: ");
        if (i >= 0) {
            String line = m.substring(i + "IllegalArgumentException: ".length()).lines().findFirst().orElse("");
            return new IllegalArgumentException(line, e);
        }
        return e instanceof RuntimeException re ? re : new IllegalStateException(m, e);
    }

    /**
     * @throws IllegalArgumentException naming {@code what} and the class that does not serialise
     */
    static void checkSerialisable(String what, Object o) {
        if (o == null) {
            return;
        }
        try (ObjectOutputStream out = new ObjectOutputStream(new ByteArrayOutputStream())) {
            out.writeObject(o);
        } catch (NotSerializableException e) {
            throw new IllegalArgumentException(what + " does not serialise: it holds a " + e.getMessage() + ", which is "
                    + "not Serializable; executors get specs of plain data (paths, names, seeds) and build models, "
                    + "tokenizers and tensors themselves", e);
        } catch (IOException e) {
            throw new IllegalArgumentException(what + " does not serialise: " + e, e);
        }
    }
}
