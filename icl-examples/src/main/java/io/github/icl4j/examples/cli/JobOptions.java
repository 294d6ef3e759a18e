package io.github.icl4j.examples.cli;

import static io.github.icl4j.OptionChecks.atLeast;
import static io.github.icl4j.OptionChecks.inRange;

import io.github.icl4j.HeadId;
import io.github.icl4j.ReadoutMetric;
import io.github.icl4j.bias.BiasOptions;
import io.github.icl4j.heads.AblationScreen;
import io.github.icl4j.heads.HeadOptions;
import io.github.icl4j.model.ModelConfig;
import java.nio.file.Path;
import io.soabase.recordbuilder.core.RecordBuilder;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * Every setting of the main job ({@link MainJob}, {@link IclMain}). The in-context head method's options are a
 * {@link HeadOptions} ({@link #heads()}: ablation layers, control draws, batch size, ...) and the bias study's a
 * {@link BiasOptions} ({@link #bias()}: permutations, a_c, batch size, ...); the job adds what only it decides. A
 * null size means "choose for me": {@link #resolve(ModelConfig)} replaces it by the default for the model, and the
 * report records the resolved settings. Immutable: the generated {@code JobOptionsBuilder} gives a builder and a
 * {@code with…} per component; the values are checked under their command-line names.
 *
 * <pre>{@code
 * JobOptions o = JobOptions.defaults().withPrompts(60).withBias(3, 4, 10).withOut(Path.of("target/report"));
 * MainJob.Report r = MainJob.report(o);
 * }</pre>
 *
 * @param model          a Hugging Face checkpoint directory or a {@code .gguf} file; null for the built-in model
 * @param data           a data set name of {@code Datasets.load} (e.g. {@code sst2}); null for the synthetic task's
 *                       held-out class pairs (any model can read them)
 * @param dataDir        the shared data directory; null for {@code Datasets.dataDir()}
 * @param classA         the class of a multi-class data set written as " foo" (default 0)
 * @param classB         the class written as " bar" (default 1)
 * @param device         {@code cpu}, {@code cuda} or {@code cuda:N}
 * @param dtype          {@code fp32}, {@code bf16} or {@code fp16}
 * @param seed           fixes every draw (prompts, control heads, bias tasks)
 * @param prompts        prompts in each of the two prompt sets (heads are found on one and tested on the other);
 *                       null: 200 for the built-in model, 40 for any other
 * @param shots          demonstrations per label in every prompt, k (default 2)
 * @param topHeads       size of each top list (foo score, bar score, ablation drop); null: about 1% of the heads,
 *                       at least 1 and at most 10 (METHOD's 10 for a 32 × 32 model)
 * @param ablation       merge the ablation ranking's top list into the heads (METHOD §3.3, default); false
 *                       selects by the two score rankings alone and skips the ablation scan (far cheaper on a
 *                       large model)
 * @param useHeads       the in-context heads to analyse instead of finding them; empty to find them
 * @param biasSeeds      demonstration draws of the bias study (intervals are over them); null: 5 for the built-in
 *                       model, 3 for any other
 * @param biasTasks      bias tasks: held-out class pairs of the synthetic task (null: 6), or 1 for a data set
 * @param biasQueries    queries per class and bias task; null: 20 for the built-in model, 25 for any other
 * @param tuneAc         tune a_c of the majority-label fix on validation tasks disjoint from the test tasks
 *                       (default); false uses {@link BiasOptions#ac()} of {@link #bias()}
 * @param tuneData       data sets whose tasks a_c is tuned on, other tasks than {@link #data()} (e.g. {@code cr},
 *                       {@code mr} for {@code sst2}: METHOD §5 tunes a_c on tasks disjoint from the test tasks);
 *                       empty: held-out queries of {@link #data()} itself (disjoint queries, same task). Only with a
 *                       data set and a tuned a_c
 * @param threads        LibTorch and OpenBLAS threads; null: 1 for the built-in model (faster for a tiny model),
 *                       all cores for any other
 * @param out            where {@code report} writes report.html, JSON and CSV
 * @param labels         the two label words (class 0, class 1), each written after "Label:" with a leading space;
 *                       empty: " foo" and " bar" (METHOD §1)
 * @param heads          the head method's options (the job sets the top lists, merge, control seed and score
 *                       layers from its own values)
 * @param bias           the bias study's options (the job sets the seeds and k from its own values)
 */
@RecordBuilder
public record JobOptions(Path model, String data, Path dataDir, int classA, int classB, String device, String dtype,
        long seed, Integer prompts, int shots, Integer topHeads, boolean ablation, List<HeadId> useHeads,
        Integer biasSeeds, Integer biasTasks, Integer biasQueries, boolean tuneAc, List<String> tuneData,
        Integer threads, Path out,
        List<String> labels, HeadOptions heads, BiasOptions bias) implements JobOptionsBuilder.With {

    /** The default report folder. */
    public static final Path DEFAULT_OUT = Path.of("icl4j-report");

    /**
     * Checks every value on its own.
     *
     * @throws IllegalArgumentException naming the option, its value and the allowed range
     */
    public JobOptions {
        useHeads = useHeads == null ? List.of() : List.copyOf(useHeads);
        labels = labels == null ? List.of() : List.copyOf(labels);
        tuneData = tuneData == null ? List.of() : List.copyOf(tuneData);
        if (!labels.isEmpty() && (labels.size() != 2 || labels.get(0).isBlank() || labels.get(1).isBlank()
                || labels.get(0).equals(labels.get(1)))) {
            throw new IllegalArgumentException("--labels " + String.join(",", labels) + " must be two different, "
                    + "non-blank label words (e.g. negative,positive)");
        }
        device = device == null || device.isBlank() ? "cpu" : device;
        dtype = dtype == null || dtype.isBlank() ? "fp32" : dtype;
        out = out == null ? DEFAULT_OUT : out;
        heads = heads == null ? HeadOptions.defaults() : heads;
        bias = bias == null ? BiasOptions.defaults() : bias;
        if (data != null && data.isBlank()) {
            data = null;
        }
        atLeast("--class-a", classA, 0);
        atLeast("--class-b", classB, 0);
        if (classA == classB) {
            throw new IllegalArgumentException("--class-a and --class-b are both " + classA + "; choose two classes");
        }
        checkTuneData(tuneData, data, tuneAc);
        chosen("--prompts", prompts, 100_000);
        inRange("--shots", shots, 1, 64);
        chosen("--heads", topHeads, 10_000);
        chosen("--bias-seeds", biasSeeds, 1000);
        chosen("--bias-tasks", biasTasks, 1000);
        chosen("--bias-queries", biasQueries, 100_000);
        chosen("--threads", threads, 1024);
    }

    /** Tuning data sets: only with a data set and a tuned a_c, each named once, none the test data set. */
    private static void checkTuneData(List<String> tuneData, String data, boolean tuneAc) {
        if (tuneData.isEmpty()) {
            return;
        }
        String given = "--tune-data " + String.join(",", tuneData);
        if (data == null) {
            throw new IllegalArgumentException(given + " needs --data: on the synthetic task a_c is already tuned "
                    + "on held-out class pairs");
        }
        if (!tuneAc) {
            throw new IllegalArgumentException(given + " and --ac both given; a_c is either tuned or given");
        }
        if (tuneData.stream().anyMatch(String::isBlank) || tuneData.stream().distinct().count() != tuneData.size()) {
            throw new IllegalArgumentException(given + " must name distinct data sets, e.g. cr,mr");
        }
        if (tuneData.contains(data)) {
            throw new IllegalArgumentException(given + " holds the test data set " + data + "; a_c must be tuned "
                    + "on other tasks (leave --tune-data out to tune on held-out queries of " + data + ")");
        }
    }

    /** A size the job chooses when null; given, in {@code [1, hi]}. */
    private static void chosen(String what, Integer v, int hi) {
        if (v != null) {
            inRange(what, v, 1, hi);
        }
    }

    /** The built-in model on the synthetic task, every size chosen for it; report into {@code icl4j-report/}. */
    public static JobOptions defaults() {
        return JobOptionsBuilder.builder().classA(0).classB(1).device("cpu").dtype("fp32").seed(42L).shots(2)
                .ablation(true).tuneAc(true).out(DEFAULT_OUT).heads(HeadOptions.defaults())
                .bias(BiasOptions.defaults()).build();
    }

    /** True when the job runs the built-in model. */
    public boolean builtinModel() {
        return model == null;
    }

    /** True when the job runs on the synthetic task (no {@link #data()}). */
    public boolean syntheticData() {
        return data == null;
    }

    /**
     * These options with every "choose for me" value replaced by its default for a model of this architecture
     * (see the parameters).
     */
    public JobOptions resolve(ModelConfig c) {
        return with(b -> b
                .prompts(prompts != null ? prompts : builtinModel() ? 200 : 40)
                .topHeads(topHeads != null ? topHeads : autoHeads(c.totalHeads()))
                .biasSeeds(biasSeeds != null ? biasSeeds : builtinModel() ? 5 : 3)
                .biasTasks(biasTasks != null ? biasTasks : syntheticData() ? 6 : 1)
                .biasQueries(biasQueries != null ? biasQueries : builtinModel() ? 20 : 25)
                .threads(threads != null ? threads : builtinModel() ? 1 : Runtime.getRuntime().availableProcessors()));
    }

    /**
     * About 1% of {@code totalHeads} per top list (the paper's 10 of 1,024), at least 1, at most 10: on the 8-head
     * built-in model the three lists of one head each select two or three heads, not half the model.
     */
    static int autoHeads(int totalHeads) {
        return (int) Math.max(1, Math.min(10, Math.round(totalHeads / 100.0)));
    }

    /** With the bias study's seeds, tasks and queries per class and task. */
    public JobOptions withBias(int seeds, int tasks, int queriesPerClass) {
        return with(b -> b.biasSeeds(seeds).biasTasks(tasks).biasQueries(queriesPerClass));
    }

    /** With the head method's options changed by {@code change}. */
    public JobOptions withHeads(Function<HeadOptions, HeadOptions> change) {
        return withHeads(change.apply(heads));
    }

    /** With the bias study's options changed by {@code change}. */
    public JobOptions withBias(Function<BiasOptions, BiasOptions> change) {
        return withBias(change.apply(bias));
    }

    /** With this many seeded permutations in the recency study. */
    public JobOptions withPermutations(int v) {
        return withBias(bias.withPermutations(v));
    }

    /** With a fixed a_c (NaN: tune it). */
    public JobOptions withAc(double v) {
        return Double.isNaN(v) ? withTuneAc(true) : with(b -> b.tuneAc(false).bias(bias.withAc(v)));
    }

    /**
     * With this readout (METHOD §8) in the head method (ablation drops, intervention and its control) and in the bias
     * study (every accuracy, fluctuation and spread).
     */
    public JobOptions withReadout(ReadoutMetric v) {
        return with(b -> b.heads(heads.withReadout(v)).bias(bias.withReadout(v)));
    }

    /** The readout of the head method ({@link HeadOptions#readout()}; {@link #withReadout} sets the bias study's too). */
    public ReadoutMetric readout() {
        return heads.readout();
    }

    /** With this many prompts per forward pass in the head method and in the bias study. */
    public JobOptions withBatchSize(int v) {
        return with(b -> b.heads(heads.withBatchSize(v)).bias(bias.withBatchSize(v)));
    }

    /** Prompts per forward pass ({@link HeadOptions#batchSize()} of {@link #heads()}). */
    public int batchSize() {
        return heads.batchSize();
    }

    /** The label words of the prompts: {@link #labels()} with their leading space, or foo/bar. */
    public io.github.icl4j.LabelWords labelWords() {
        if (labels.isEmpty()) {
            return io.github.icl4j.LabelWords.FOO_BAR;
        }
        return io.github.icl4j.LabelWords.of(labels.stream().map(w -> w.startsWith(" ") ? w : " " + w)
                .toArray(String[]::new));
    }

    /** The settings in one paragraph, as the report shows them. */
    public String describe() {
        return String.format(Locale.ROOT, "model %s; data %s; %s %s; seed %d; %s + %s prompts (find / test), k = %d "
                + "per label; top lists of %s; ablation scan %s; %d control draws; bias study: %s × %s seeds × %s "
                + "queries per class, %d orders, a_c %s; readout %s; batch %d; %s %s",
                builtinModel() ? "built-in" : model.toString(),
                (syntheticData() ? "synthetic task (held-out class pairs)" : data + " (classes " + classA + " → "
                        + labelWords().word(0).strip() + ", " + classB + " → " + labelWords().word(1).strip() + ")")
                        + (labels.isEmpty() ? "" : ", labels" + labelWords().words().stream().map(w -> " '" + w + "'")
                        .reduce("", String::concat)),
                device, dtype, seed, auto(prompts), auto(prompts), shots, auto(topHeads),
                !ablation ? "off (scores only)" : (heads.ablationFrom() == HeadOptions.UPPER_HALF ? "upper half"
                        : "layers [" + heads.ablationFrom() + ", " + heads.ablationTo() + ")")
                        + (heads.ablationScreen() == AblationScreen.Strategy.EXHAUSTIVE ? ""
                        : ", screened by " + heads.ablationScreen().flag()), heads.controlDraws(),
                biasTasks == null ? "auto" : biasTasks + (biasTasks == 1 ? " task" : " tasks"), auto(biasSeeds),
                auto(biasQueries), 2 + bias.permutations(), !tuneAc ? String.valueOf(bias.ac())
                        : tuneData.isEmpty() ? "tuned" : "tuned on " + String.join(", ", tuneData),
                heads.readout() == bias.readout() ? heads.readout().key()
                        : heads.readout().key() + " (heads) / " + bias.readout().key() + " (bias study)",
                batchSize(), auto(threads), threads != null && threads == 1 ? "thread" : "threads");
    }

    private static String auto(Integer v) {
        return v == null ? "auto" : String.valueOf(v);
    }
}
