package io.github.icl4j.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.icl4j.examples.builtin.SyntheticPrompts;
import io.github.icl4j.LoadOptions;
import io.github.icl4j.Model;
import io.github.icl4j.PromptTokens;
import io.github.icl4j.examples.builtin.BuiltinModel;
import io.github.icl4j.heads.AblationRanking;
import io.github.icl4j.heads.HeadScores;
import io.github.icl4j.model.ModelConfig;
import io.github.icl4j.train.ModelInit;
import io.github.icl4j.train.SyntheticIclTask;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sweeps in Spark's local mode (two task threads, a task may fail once: {@code local[2,2]}) equal the one-JVM
 * analyses bit for bit, load each model once per executor JVM, survive a retried task, and report bad input on the
 * driver.
 */
class SparkHeadsTest {
    private static SparkSession spark;
    private static Path randomModel;
    private static final AtomicInteger FAILED_TASKS = new AtomicInteger();

    @TempDir
    static Path tmp;

    @BeforeAll
    static void start() throws Exception {
        randomModel = tmp.resolve("random-llama");
        try (SyntheticIclTask task = BuiltinModel.task()) {
            // a tiny random Llama over the built-in model's vocabulary, so the synthetic prompts tokenise for it
            ModelConfig cfg = ModelInit.llamaConfig(task.vocabSize(), 32, 2, 4, 48, 256);
            try (Model m = Model.fromWeights(cfg, ModelInit.random(cfg, 3, 0.3), task.tokenizerJson(),
                    LoadOptions.defaults())) {
                m.save(randomModel);
            }
        }
        spark = SparkSessions.local("local[2,2]");
        spark.sparkContext().addSparkListener(new SparkListener() {
            @Override
            public void onTaskEnd(SparkListenerTaskEnd end) {
                if (end.taskInfo().failed()) {
                    FAILED_TASKS.incrementAndGet();
                }
            }
        });
        ModelCache.clear();
    }

    @AfterAll
    static void stop() {
        if (spark != null) {
            spark.stop();
        }
        ModelCache.clear();
    }

    @Test
    void randomModelSweepEqualsOneJvmAndLoadsEachModelOnce() {
        ModelSpec model = ModelSpec.of(randomModel.toString());
        HeadSpec spec = HeadSpec.defaults().withBatch(4, 10).withTopHeads(3);
        // two seeds; the second seed combines two data sets, one of them the user's own prompts
        int shots = 2;
        List<Cell> cells = List.of(
                Cell.of(model, PromptSpec.of(PromptSpec.SYNTHETIC, 1, 10)),
                Cell.of(model, PromptSpec.of(PromptSpec.SYNTHETIC, 2, 9)),
                Cell.custom(model, "own", 2, m -> ownPrompts(m, shots)));
        SparkHeads heads = SparkHeads.on(spark).options(spec).partitions(5);
        SparkHeads.Plan plan = heads.plan(cells);
        assertThat(plan.prompts(0)).isEqualTo(10);
        assertThat(plan.shape(0)).containsExactly(2, 4);
        // 10 prompts → 3 shards, 9 → 3, 7 → 2; each shard scored and one layer ([1, 2)) ablated
        assertThat(plan.items()).hasSize(2 * (3 + 3 + 2));
        Dataset<Row> rows = heads.rows(plan);
        List<SweepResult> results = heads.results(plan, rows);

        assertThat(results).hasSize(2);
        assertThat(results.get(1).datasets()).containsExactly(PromptSpec.SYNTHETIC, "own");
        for (SweepResult r : results) {
            Map<String, List<PromptTokens>> byData = new LinkedHashMap<>();
            for (Cell c : cells) {
                if (c.prompts().seed() == r.seed()) {
                    byData.put(c.prompts().data(), ModelCache.prompts(c));
                }
            }
            assertEqualsOneJvm(r, ModelCache.model(model), spec, byData);
        }
        assertThat(ModelCache.loads(model)).as("loads of the random model in this executor JVM").isEqualTo(1);
        // the rows, as tidy as promised
        assertThat(rows.columns()).containsExactly("model", "dataset", "seed", "prompt_id", "layer", "head", "metric",
                "value");
        long expected = 0;
        for (int c = 0; c < cells.size(); c++) {
            int n = plan.prompts(c);
            expected += n + 2L * n * 8 + 3L * n + 3L * n * 4;
        }
        assertThat(rows.count()).isEqualTo(expected);
    }

    @Test
    void builtinModelSweepEqualsOneJvmThroughParquet() {
        ModelSpec model = ModelSpec.builtin();
        HeadSpec spec = HeadSpec.defaults().withBatch(8, 32);
        List<Cell> cells = List.of(Cell.of(model, PromptSpec.of(PromptSpec.SYNTHETIC, 7, 20)));
        SparkHeads heads = SparkHeads.on(spark).options(spec);
        SparkHeads.Plan plan = heads.plan(cells);
        String out = tmp.resolve("builtin.parquet").toString();
        heads.rows(plan).write().parquet(out);
        List<SweepResult> results = heads.results(plan, spark.read().parquet(out));
        assertThat(results).hasSize(1);
        SweepResult r = results.get(0);
        assertThat(r.ablation().fromLayer()).isEqualTo(1);
        assertThat(r.ablation().toLayer()).isEqualTo(3);
        assertEqualsOneJvm(r, ModelCache.model(model), spec,
                Map.of(PromptSpec.SYNTHETIC, ModelCache.prompts(cells.get(0))));
        // the trained model's in-context head leads its ablation ranking (docs/builtin-model-experiments.md)
        assertThat(r.ablation().baselineAccuracy()).isGreaterThan(0.7);
        assertThat(ModelCache.loads(model)).isEqualTo(1);
    }

    @Test
    void aFailedTaskIsRetriedWithoutDoubleCountingRows() throws Exception {
        ModelSpec model = ModelSpec.of(randomModel.toString());
        HeadSpec spec = HeadSpec.defaults().withBatch(3, 12);
        List<Cell> cells = List.of(Cell.of(model, PromptSpec.of(PromptSpec.SYNTHETIC, 11, 9)));
        SparkHeads plain = SparkHeads.on(spark).options(spec).partitions(3);
        SparkHeads.Plan plan = plain.plan(cells);
        List<SweepResult> clean = plain.results(plan, plain.rows(plan));
        int failedBefore = FAILED_TASKS.get();
        SparkHeads failing = plain.failFirstAttemptOf(1);
        SweepProgress progress = new SweepProgress("retry-test", failing.partitions(plan));
        spark.sparkContext().addSparkListener(progress);
        spark.sparkContext().setJobGroup("retry-test", "a sweep whose partition 1 fails once", false);
        List<SweepResult> retried;
        try {
            // results() checks that every value arrives exactly once
            retried = failing.results(plan, failing.rows(plan));
            spark.sparkContext().listenerBus().waitUntilEmpty(10_000);
        } finally {
            spark.sparkContext().clearJobGroup();
            spark.sparkContext().removeSparkListener(progress);
        }
        assertThat(FAILED_TASKS.get() - failedBefore).as("tasks that failed and were retried").isEqualTo(1);
        assertThat(progress.done()).as("work partitions the progress log counted").isEqualTo(3);
        assertThat(retried.get(0).scores().scores()).isDeepEqualTo(clean.get(0).scores().scores());
        assertBitEqual("accuracy", retried.get(0).ablation().accuracy(), clean.get(0).ablation().accuracy());
        assertThat(ModelCache.loads(model)).isEqualTo(1);
    }

    @Test
    void badInputIsReportedOnTheDriverNamingThePathDataSetOrOption() throws Exception {
        Path missing = tmp.resolve("no-such-model");
        assertThatThrownBy(() -> SparkHeads.on(spark).plan(List.of(Cell.of(ModelSpec.of(missing.toString()),
                PromptSpec.of(PromptSpec.SYNTHETIC, 1, 4)))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("model '" + missing + "' cannot be loaded on executor")
                .hasMessageContaining("no config.json");

        Path empty = Files.createDirectories(tmp.resolve("empty-data"));
        assertThatThrownBy(() -> SparkHeads.on(spark).plan(List.of(Cell.of(ModelSpec.builtin(),
                PromptSpec.of("sst2", 1, 4).withDataDir(empty.toString())))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("prompts of sst2 seed 1")
                .hasMessageContaining("cannot be built on executor")
                .hasMessageContaining(empty.toString());

        try (Model local = Model.load(randomModel)) {
            Cell capturing = Cell.custom(ModelSpec.builtin(), "mine", 1, m -> ownPrompts(local, 2));
            assertThatThrownBy(() -> SparkHeads.on(spark).plan(List.of(capturing)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("prompt source of cell")
                    .hasMessageContaining("does not serialise: it holds a io.github.icl4j.Model");
        }

        assertThatThrownBy(() -> SparkHeads.on(spark).options(HeadSpec.defaults().withAblationLayers(2, 5))
                .plan(List.of(Cell.of(ModelSpec.of(randomModel.toString()), PromptSpec.of(PromptSpec.SYNTHETIC, 1, 4)))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("options: ablation layers [2, 5)")
                .hasMessageContaining(randomModel.toString());

        Cell twice = Cell.of(ModelSpec.builtin(), PromptSpec.of(PromptSpec.SYNTHETIC, 1, 4));
        assertThatThrownBy(() -> SparkHeads.on(spark).plan(List.of(twice, twice)))
                .hasMessageContaining("appears twice");
    }

    @Test
    void aModelPathAnExecutorCannotReadDuringTheWorkIsNamedOnTheDriver() throws Exception {
        Path copy = tmp.resolve("vanishing-model");
        Files.createDirectories(copy);
        try (var files = Files.list(randomModel)) {
            for (Path f : files.toList()) {
                Files.copy(f, copy.resolve(f.getFileName()));
            }
        }
        ModelSpec model = ModelSpec.of(copy.toString());
        SparkHeads heads = SparkHeads.on(spark).options(HeadSpec.defaults().withBatch(4, 8)).partitions(2);
        SparkHeads.Plan plan = heads.plan(List.of(Cell.of(model, PromptSpec.of(PromptSpec.SYNTHETIC, 5, 4))));
        // as if the work ran on an executor that cannot see the path: nothing cached, the files gone
        Model loaded = ModelCache.model(model);
        ModelCache.clear();
        assertThat(loaded.isClosed()).as("a model the cache let go of is closed").isTrue();
        try (var files = Files.list(copy)) {
            for (Path f : files.toList()) {
                Files.delete(f);
            }
        }
        assertThatThrownBy(() -> heads.results(plan, heads.rows(plan)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("model '" + copy + "' cannot be loaded on executor")
                .hasMessageContaining("no config.json");
    }

    /** Seven prompts of the synthetic task made with the executor's model (a source that captures only an int). */
    private static List<? extends PromptTokens> ownPrompts(Model m, int shots) {
        try (SyntheticIclTask task = BuiltinModel.task()) {
            return io.github.icl4j.examples.builtin.SyntheticPrompts.prompts(
                    io.github.icl4j.IclPrompt.builder(m.tokenizer()), task, 7, shots, 99);
        }
    }

    /** Equal bit for bit, NaN (the heads outside the ablated layers) included. */
    private static void assertBitEqual(String what, double[][] actual, double[][] expected) {
        assertThat(java.util.Arrays.deepEquals(actual, expected))
                .as("%s: %s vs %s", what, java.util.Arrays.deepToString(actual), java.util.Arrays.deepToString(expected))
                .isTrue();
    }

    private static void assertEqualsOneJvm(SweepResult r, Model model, HeadSpec spec,
            Map<String, List<PromptTokens>> byData) {
        HeadScores one = IclBackend.scoresInOneJvm(model, spec, byData);
        assertThat(r.scores().scores()).isDeepEqualTo(one.scores());
        assertThat(r.scores().labelTokenIds()).containsExactly(one.labelTokenIds());
        assertThat(r.scores().labelWords()).isEqualTo(one.labelWords());
        for (int d = 0; d < one.datasets().size(); d++) {
            assertThat(r.scores().datasets().get(d).scores()).isDeepEqualTo(one.datasets().get(d).scores());
            assertThat(r.scores().datasets().get(d).examplesPerClass())
                    .containsExactly(one.datasets().get(d).examplesPerClass());
        }
        assertThat(r.scores().toString()).isEqualTo(one.toString());
        AblationRanking a = IclBackend.ablationRankingInOneJvm(model, spec, byData);
        assertBitEqual("accuracy", r.ablation().accuracy(), a.accuracy());
        assertBitEqual("fullVocabAccuracy", r.ablation().fullVocabAccuracy(), a.fullVocabAccuracy());
        assertBitEqual("goldProbDrop", r.ablation().goldProbDrop(), a.goldProbDrop());
        assertBitEqual("drop", r.ablation().drop(), a.drop());
        assertThat(r.ablation().baselineAccuracy()).isEqualTo(a.baselineAccuracy());
        assertThat(r.ablation().ranking()).isEqualTo(a.ranking());
        assertThat(r.ablation().toString()).isEqualTo(a.toString());
        List<String> names = new ArrayList<>(byData.keySet());
        assertThat(r.datasets()).isEqualTo(names);
    }
}
