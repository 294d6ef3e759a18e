package io.github.icl4j.spark;

import io.github.icl4j.PromptTokens;
import io.github.icl4j.heads.AblationRanking;
import io.github.icl4j.heads.HeadOptions;
import io.github.icl4j.heads.HeadScores;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The sweep job: head scoring and the ablation ranking for every model × data set × seed, written as one Parquet table
 * ({@link TidyTable}) and a summary.
 *
 * <pre>
 * spark-submit --class io.github.icl4j.spark.SweepJob icl-spark-0.1.0-SNAPSHOT-job.jar sweep \
 *     --models /shared/llama-7b,/shared/gpt-j-6b --data sst2,subj --seeds 1,2,3 --prompts 1000 --out /shared/sweep
 * </pre>
 *
 * {@code --master local[2]} runs it on this machine without spark-submit; {@code --one-jvm} runs the same cells
 * through {@code InContextHeads} in this JVM, without Spark, and writes the same summary (a reference and a
 * baseline). Exit codes: 0 done, 1 the sweep could not run (one line on stderr says why), 2 a bad command line.
 */
@Command(name = "icl4j-spark", mixinStandardHelpOptions = true, version = "icl4j 0.1.0-SNAPSHOT",
        description = "Sweeps of the in-context head analyses on Apache Spark.",
        subcommands = {SweepJob.Sweep.class})
public final class SweepJob {
    private static final Logger LOG = LoggerFactory.getLogger(SweepJob.class);

    private SweepJob() {
    }

    /** Runs the command line and exits with its code. */
    public static void main(String... args) {
        System.exit(run(args));
    }

    /** Runs the command line and returns its exit code. */
    public static int run(String... args) {
        CommandLine cl = new CommandLine(SweepJob.class).setCaseInsensitiveEnumValuesAllowed(true);
        cl.setExecutionExceptionHandler((e, cmd, parsed) -> {
            Throwable t = SparkHeads.explain(e);
            cmd.getErr().println("error: " + t.getMessage());
            if (!(t instanceof IllegalArgumentException)) {
                t.printStackTrace(cmd.getErr());
            }
            return 1;
        });
        return cl.execute(args);
    }

    /** {@code sweep}: scoring and ablation ranking for every cell. */
    @Command(name = "sweep", mixinStandardHelpOptions = true,
            description = "Score every head and rank heads by ablation for every model × data set × seed; write "
                    + "rows.parquet (tidy: model, dataset, seed, prompt_id, layer, head, metric, value) and "
                    + "summary.csv / summary.md.")
    static final class Sweep implements Callable<Integer> {
        @Option(names = "--models", split = ",", required = true, paramLabel = "PATH",
                description = "checkpoint directories or .gguf files as the executors see them, or 'builtin'")
        List<String> models;
        @Option(names = "--data", split = ",", defaultValue = PromptSpec.SYNTHETIC, paramLabel = "NAME",
                description = "data sets (sst2, subj, ...) or 'synthetic' (default)")
        List<String> data;
        @Option(names = "--seeds", split = ",", defaultValue = "42", paramLabel = "SEED",
                description = "seeds of the prompt draws (default 42)")
        List<Long> seeds;
        @Option(names = "--prompts", defaultValue = "40", description = "prompts per cell (default 40)")
        int prompts;
        @Option(names = "--shots", defaultValue = "2", description = "demonstrations per label (default 2)")
        int shots;
        @Option(names = "--labels", split = ",", paramLabel = "WORD",
                description = "two label words (default foo,bar)")
        List<String> labels;
        @Option(names = "--classes", split = ",", defaultValue = "0,1", paramLabel = "CLASS",
                description = "the data set's two classes written as the label words (default 0,1)")
        List<Integer> classes;
        @Option(names = "--data-dir", description = "the data folder as the executors see it")
        String dataDir;
        @Option(names = "--device", defaultValue = "cpu", description = "cpu, cuda or cuda:N (default cpu)")
        String device;
        @Option(names = "--dtype", defaultValue = "fp32", description = "fp32, bf16 or fp16 (default fp32)")
        String dtype;
        @Option(names = "--batch", defaultValue = "8", description = "prompts per forward pass and per shard (default 8)")
        int batch;
        @Option(names = "--max-rows", defaultValue = "64",
                description = "rows per replicated ablation pass (default 64)")
        int maxRows;
        @Option(names = "--ablation-layers", split = ",", paramLabel = "LAYER",
                description = "FROM,TO: the ablated layers [FROM, TO) (default the upper half)")
        List<Integer> ablationLayers;
        @Option(names = "--score-examples", defaultValue = "GOLD_ONLY",
                description = "examples a label word's score averages over: ${COMPLETION-CANDIDATES} (default GOLD_ONLY)")
        HeadOptions.ScoreExamples scoreExamples;
        @Option(names = "--averaging", defaultValue = "MACRO",
                description = "how data sets combine: ${COMPLETION-CANDIDATES} (default MACRO)")
        HeadOptions.DatasetAveraging averaging;
        @Option(names = "--ablate-at", defaultValue = "ALL_POSITIONS",
                description = "where a removed head is zeroed: ${COMPLETION-CANDIDATES} (default ALL_POSITIONS)")
        HeadOptions.AblateAt ablateAt;
        @Option(names = "--protocol", defaultValue = "LABEL_ARGMAX",
                description = "the accuracy drops are ranked in: ${COMPLETION-CANDIDATES} (default LABEL_ARGMAX)")
        HeadOptions.Protocol protocol;
        @Option(names = "--no-ablation", description = "scores only")
        boolean noAblation;
        @Option(names = "--top", defaultValue = "10", description = "heads per ranking in the summary (default 10)")
        int top;
        @Option(names = "--partitions", defaultValue = "0",
                description = "partitions of work items (default 0: four per core)")
        int partitions;
        @Option(names = "--master", description = "a local master (local[N]) when not run by spark-submit")
        String master;
        @Option(names = "--one-jvm", description = "run the cells in this JVM without Spark (summary only)")
        boolean oneJvm;
        @Option(names = "--out", required = true, description = "output folder")
        Path out;
        @Option(names = "--overwrite", description = "replace an existing rows.parquet")
        boolean overwrite;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws IOException {
            if (classes.size() != 2) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--classes " + classes
                        + ": give two classes");
            }
            if (ablationLayers != null && ablationLayers.size() != 2) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--ablation-layers " + ablationLayers
                        + ": give FROM,TO");
            }
            int[] layers = ablationLayers == null ? new int[] {-1, -1}
                    : new int[] {ablationLayers.get(0), ablationLayers.get(1)};
            HeadSpec hs = new HeadSpec(scoreExamples, averaging, false, layers[0], layers[1], ablateAt, protocol, top,
                    batch, maxRows);
            List<Cell> cells = new ArrayList<>();
            for (String m : models) {
                ModelSpec ms = new ModelSpec(m, device, dtype);
                for (long seed : seeds) {
                    for (String d : data) {
                        cells.add(Cell.of(ms, new PromptSpec(d, dataDir, seed, prompts, shots, labels, classes.get(0),
                                classes.get(1))));
                    }
                }
            }
            Files.createDirectories(out);
            if (!Files.isWritable(out)) {
                throw new IllegalArgumentException("--out " + out + " is not writable");
            }
            Path rowsPath = out.resolve("rows.parquet");
            if (!oneJvm && Files.exists(rowsPath) && !overwrite) {
                throw new IllegalArgumentException(rowsPath + " exists; remove it or pass --overwrite");
            }
            long t0 = System.nanoTime();
            List<SweepResult> results = oneJvm ? inOneJvm(cells, hs, !noAblation) : onSpark(cells, hs, rowsPath);
            IclBackend.writeAtomically(out.resolve("summary.csv"), SweepSummary.csv(results, top));
            String md = SweepSummary.markdown(results, top);
            IclBackend.writeAtomically(out.resolve("summary.md"), md);
            PrintWriter o = spec.commandLine().getOut();
            o.print(md);
            o.printf("%d cells in %.1f s (%s); wrote %s%n", cells.size(), (System.nanoTime() - t0) / 1e9,
                    oneJvm ? "one JVM" : "Spark", oneJvm ? out.resolve("summary.md") : rowsPath + " and summary.md");
            o.flush();
            return 0;
        }

        private List<SweepResult> onSpark(List<Cell> cells, HeadSpec hs, Path rowsPath) {
            boolean submitted = System.getProperty("spark.master") != null;
            if (master == null && !submitted) {
                throw new IllegalArgumentException("no Spark master: run under spark-submit or give --master local[N]");
            }
            SparkSession spark = master != null ? SparkSessions.local(master)
                    : SparkSession.builder().appName("icl4j sweep").getOrCreate();
            try {
                SparkHeads heads = SparkHeads.on(spark).options(hs).partitions(partitions).ablation(!noAblation);
                SparkHeads.Plan plan = heads.plan(cells);
                String group = "icl4j-sweep-" + System.nanoTime();
                SweepProgress progress = new SweepProgress(group, heads.partitions(plan));
                spark.sparkContext().addSparkListener(progress);
                spark.sparkContext().setJobGroup(group, "icl4j: " + plan, false);
                long t0 = System.nanoTime();
                try {
                    heads.rows(plan).write().mode(overwrite ? "overwrite" : "errorifexists")
                            .parquet(rowsPath.toString());
                } catch (Exception e) { // SparkException, undeclared
                    throw SparkHeads.explain(e);
                } finally {
                    spark.sparkContext().clearJobGroup();
                    spark.sparkContext().removeSparkListener(progress);
                }
                LOG.info("wrote {} in {} ms", rowsPath, (System.nanoTime() - t0) / 1_000_000);
                spark.sparkContext().setJobDescription("icl4j: combine the rows");
                return heads.results(plan, spark.read().parquet(rowsPath.toString()));
            } finally {
                if (master != null) {
                    spark.stop();
                }
            }
        }

        /** The same cells through {@code InContextHeads} in this JVM, combined per model and seed. */
        private static List<SweepResult> inOneJvm(List<Cell> cells, HeadSpec hs, boolean ablation) {
            Map<String, List<Cell>> groups = new LinkedHashMap<>();
            for (Cell c : cells) {
                groups.computeIfAbsent(c.model().path() + "\u0000" + c.prompts().seed(), k -> new ArrayList<>()).add(c);
            }
            List<SweepResult> out = new ArrayList<>();
            for (List<Cell> group : groups.values()) {
                Map<String, List<PromptTokens>> byData = new LinkedHashMap<>();
                for (Cell c : group) {
                    byData.put(c.prompts().data(), ModelCache.prompts(c));
                }
                Cell first = group.get(0);
                var model = ModelCache.model(first.model());
                HeadScores s = IclBackend.scoresInOneJvm(model, hs, byData);
                AblationRanking a = ablation ? IclBackend.ablationRankingInOneJvm(model, hs, byData) : null;
                out.add(new SweepResult(first.model().path(), first.prompts().seed(), List.copyOf(byData.keySet()), s,
                        a));
            }
            return out;
        }
    }
}
