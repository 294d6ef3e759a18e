package io.github.icl4j.examples;

import io.github.icl4j.HeadId;
import io.github.icl4j.model.ModelConfig;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Every setting of the main job ({@link MainJob}, {@link IclMain}). A value of 0 (or null, or NaN) means
 * "choose for me": {@link #resolve(ModelConfig)} replaces each such value by the default for the model, and the
 * report records the resolved settings. Immutable; {@code withX} returns a copy.
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
 *                       0: 200 for the built-in model, 40 for any other
 * @param shots          demonstrations per label in every prompt, k (default 2)
 * @param heads          size of each top list (foo score, bar score, ablation drop); 0: about 1% of the heads,
 *                       at least 2 and at most 10 (METHOD's 10 for a 32 × 32 model)
 * @param ablationFrom   first layer the ablation ranking scans; -1 with {@code ablationTo} -1 for the upper half
 * @param ablationTo     one past the last layer scanned; -1 for the upper half
 * @param ablation       merge the ablation ranking's top list into the heads (METHOD §3.3, default); false
 *                       selects by the two score rankings alone and skips the ablation scan (far cheaper on a
 *                       large model)
 * @param useHeads       the in-context heads to analyse instead of finding them; empty to find them
 * @param controlDraws   random head sets of the intervention's control (default 5)
 * @param biasSeeds      demonstration draws of the bias study (intervals are over them); 0: 5 for the built-in
 *                       model, 3 for any other
 * @param biasTasks      bias tasks: held-out class pairs of the synthetic task (0: 6), or 1 for a data set
 * @param biasQueries    queries per class and bias task; 0: 20 for the built-in model, 25 for any other
 * @param permutations   seeded orders beside "as sampled" and "reversed" in the recency study (default 4)
 * @param ac             a_c of the majority-label fix; NaN to tune it on validation tasks disjoint from the test
 *                       tasks
 * @param batch          prompts per forward pass (default 8)
 * @param threads        LibTorch and OpenBLAS threads; 0: 1 for the built-in model (faster for a tiny model), all
 *                       cores for any other
 * @param out            where {@code report} writes report.html, JSON and CSV
 * @param labels         the two label words (class 0, class 1), each written after "Label:" with a leading space;
 *                       empty: " foo" and " bar" (METHOD §1)
 */
public record JobOptions(Path model, String data, Path dataDir, int classA, int classB, String device, String dtype,
        long seed, int prompts, int shots, int heads, int ablationFrom, int ablationTo, boolean ablation,
        List<HeadId> useHeads,
        int controlDraws, int biasSeeds, int biasTasks, int biasQueries, int permutations, double ac, int batch,
        int threads, Path out, List<String> labels) {

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
        if (!labels.isEmpty() && (labels.size() != 2 || labels.get(0).isBlank() || labels.get(1).isBlank()
                || labels.get(0).equals(labels.get(1)))) {
            throw new IllegalArgumentException("--labels " + String.join(",", labels) + " must be two different, "
                    + "non-blank label words (e.g. negative,positive)");
        }
        device = device == null || device.isBlank() ? "cpu" : device;
        dtype = dtype == null || dtype.isBlank() ? "fp32" : dtype;
        out = out == null ? DEFAULT_OUT : out;
        if (data != null && data.isBlank()) {
            data = null;
        }
        atLeast("--class-a", classA, 0);
        atLeast("--class-b", classB, 0);
        if (classA == classB) {
            throw new IllegalArgumentException("--class-a and --class-b are both " + classA + "; choose two classes");
        }
        range("--prompts", prompts, 0, 100_000);
        range("--shots", shots, 1, 64);
        range("--heads", heads, 0, 10_000);
        if ((ablationFrom == -1) != (ablationTo == -1) || ablationFrom < -1
                || (ablationFrom >= 0 && ablationTo <= ablationFrom)) {
            throw new IllegalArgumentException("--ablation-layers [" + ablationFrom + ", " + ablationTo
                    + ") must satisfy 0 <= from < to (or be left out for the upper half)");
        }
        range("--control-draws", controlDraws, 0, 1000);
        range("--bias-seeds", biasSeeds, 0, 1000);
        range("--bias-tasks", biasTasks, 0, 1000);
        range("--bias-queries", biasQueries, 0, 100_000);
        range("--permutations", permutations, 1, 1000);
        if (!Double.isNaN(ac) && !(ac >= 0 && Double.isFinite(ac))) {
            throw new IllegalArgumentException("--ac " + ac + " out of range [0, +inf) (leave it out to tune a_c)");
        }
        range("--batch", batch, 1, 4096);
        range("--threads", threads, 0, 1024);
    }

    private static void range(String what, long v, long lo, long hi) {
        if (v < lo || v > hi) {
            throw new IllegalArgumentException(what + " " + v + " out of range [" + lo + ", " + hi + "]");
        }
    }

    private static void atLeast(String what, long v, long lo) {
        if (v < lo) {
            throw new IllegalArgumentException(what + " " + v + " out of range [" + lo + ", ...)");
        }
    }

    /** The built-in model on the synthetic task, every size chosen for it; report into {@code icl4j-report/}. */
    public static JobOptions defaults() {
        return new JobOptions(null, null, null, 0, 1, "cpu", "fp32", 42L, 0, 2, 0, -1, -1, true, List.of(), 5, 0, 0, 0, 4,
                Double.NaN, 8, 0, DEFAULT_OUT, List.of());
    }

    /** True when the job runs the built-in model. */
    public boolean builtinModel() {
        return model == null;
    }

    /** True when the job runs on the synthetic task (no {@link #data()}). */
    public boolean syntheticData() {
        return data == null;
    }

    /** True when a_c is tuned rather than given. */
    public boolean tuneAc() {
        return Double.isNaN(ac);
    }

    /**
     * These options with every "choose for me" value replaced by its default for a model of this architecture
     * (see the parameters).
     */
    public JobOptions resolve(ModelConfig c) {
        int p = prompts > 0 ? prompts : builtinModel() ? 200 : 40;
        int h = heads > 0 ? heads : autoHeads(c.totalHeads());
        int seeds = biasSeeds > 0 ? biasSeeds : builtinModel() ? 5 : 3;
        int tasks = biasTasks > 0 ? biasTasks : syntheticData() ? 6 : 1;
        int queries = biasQueries > 0 ? biasQueries : builtinModel() ? 20 : 25;
        int t = threads > 0 ? threads : builtinModel() ? 1 : Runtime.getRuntime().availableProcessors();
        return new JobOptions(model, data, dataDir, classA, classB, device, dtype, seed, p, shots, h, ablationFrom,
                ablationTo, ablation, useHeads, controlDraws, seeds, tasks, queries, permutations, ac, batch, t, out,
                labels);
    }

    /**
     * About 1% of {@code totalHeads} per top list (the paper's 10 of 1,024), at least 1, at most 10: on the 8-head
     * built-in model the three lists of one head each select two or three heads, not half the model.
     */
    static int autoHeads(int totalHeads) {
        return (int) Math.max(1, Math.min(10, Math.round(totalHeads / 100.0)));
    }

    /** With this model directory or GGUF file (null: the built-in model). */
    public JobOptions withModel(Path v) {
        return new JobOptions(v, data, dataDir, classA, classB, device, dtype, seed, prompts, shots, heads,
                ablationFrom, ablationTo, ablation, useHeads, controlDraws, biasSeeds, biasTasks, biasQueries, permutations, ac,
                batch, threads, out, labels);
    }

    /** With this data set (null: the synthetic task). */
    public JobOptions withData(String v) {
        return new JobOptions(model, v, dataDir, classA, classB, device, dtype, seed, prompts, shots, heads,
                ablationFrom, ablationTo, ablation, useHeads, controlDraws, biasSeeds, biasTasks, biasQueries, permutations, ac,
                batch, threads, out, labels);
    }

    /** With this seed. */
    public JobOptions withSeed(long v) {
        return new JobOptions(model, data, dataDir, classA, classB, device, dtype, v, prompts, shots, heads,
                ablationFrom, ablationTo, ablation, useHeads, controlDraws, biasSeeds, biasTasks, biasQueries, permutations, ac,
                batch, threads, out, labels);
    }

    /** With this many prompts per prompt set. */
    public JobOptions withPrompts(int v) {
        return new JobOptions(model, data, dataDir, classA, classB, device, dtype, seed, v, shots, heads,
                ablationFrom, ablationTo, ablation, useHeads, controlDraws, biasSeeds, biasTasks, biasQueries, permutations, ac,
                batch, threads, out, labels);
    }

    /** With k demonstrations per label. */
    public JobOptions withShots(int v) {
        return new JobOptions(model, data, dataDir, classA, classB, device, dtype, seed, prompts, v, heads,
                ablationFrom, ablationTo, ablation, useHeads, controlDraws, biasSeeds, biasTasks, biasQueries, permutations, ac,
                batch, threads, out, labels);
    }

    /** With top lists of this size. */
    public JobOptions withHeads(int v) {
        return new JobOptions(model, data, dataDir, classA, classB, device, dtype, seed, prompts, shots, v,
                ablationFrom, ablationTo, ablation, useHeads, controlDraws, biasSeeds, biasTasks, biasQueries, permutations, ac,
                batch, threads, out, labels);
    }

    /** With (true) or without the ablation ranking in the selection. */
    public JobOptions withAblation(boolean v) {
        return new JobOptions(model, data, dataDir, classA, classB, device, dtype, seed, prompts, shots, heads,
                ablationFrom, ablationTo, v, useHeads, controlDraws, biasSeeds, biasTasks, biasQueries, permutations, ac,
                batch, threads, out, labels);
    }

    /** With these heads instead of finding them. */
    public JobOptions withUseHeads(List<HeadId> v) {
        return new JobOptions(model, data, dataDir, classA, classB, device, dtype, seed, prompts, shots, heads,
                ablationFrom, ablationTo, ablation, v, controlDraws, biasSeeds, biasTasks, biasQueries, permutations, ac, batch,
                threads, out, labels);
    }

    /** With the bias study's seeds, tasks and queries per class and task. */
    public JobOptions withBias(int seeds, int tasks, int queriesPerClass) {
        return new JobOptions(model, data, dataDir, classA, classB, device, dtype, seed, prompts, shots, heads,
                ablationFrom, ablationTo, ablation, useHeads, controlDraws, seeds, tasks, queriesPerClass, permutations, ac,
                batch, threads, out, labels);
    }

    /** With this many seeded permutations in the recency study. */
    public JobOptions withPermutations(int v) {
        return new JobOptions(model, data, dataDir, classA, classB, device, dtype, seed, prompts, shots, heads,
                ablationFrom, ablationTo, ablation, useHeads, controlDraws, biasSeeds, biasTasks, biasQueries, v, ac, batch,
                threads, out, labels);
    }

    /** With a fixed a_c (NaN: tune it). */
    public JobOptions withAc(double v) {
        return new JobOptions(model, data, dataDir, classA, classB, device, dtype, seed, prompts, shots, heads,
                ablationFrom, ablationTo, ablation, useHeads, controlDraws, biasSeeds, biasTasks, biasQueries, permutations, v,
                batch, threads, out, labels);
    }

    /** With this many LibTorch threads (0: automatic). */
    public JobOptions withThreads(int v) {
        return new JobOptions(model, data, dataDir, classA, classB, device, dtype, seed, prompts, shots, heads,
                ablationFrom, ablationTo, ablation, useHeads, controlDraws, biasSeeds, biasTasks, biasQueries, permutations, ac,
                batch, v, out, labels);
    }

    /** With this report folder. */
    public JobOptions withOut(Path v) {
        return new JobOptions(model, data, dataDir, classA, classB, device, dtype, seed, prompts, shots, heads,
                ablationFrom, ablationTo, ablation, useHeads, controlDraws, biasSeeds, biasTasks, biasQueries, permutations, ac,
                batch, threads, v, labels);
    }

    /** The label words of the prompts: {@link #labels()} with their leading space, or foo/bar. */
    public io.github.icl4j.LabelWords labelWords() {
        if (labels.isEmpty()) {
            return io.github.icl4j.LabelWords.FOO_BAR;
        }
        return io.github.icl4j.LabelWords.of(labels.stream().map(w -> w.startsWith(" ") ? w : " " + w)
                .toArray(String[]::new));
    }

    /** With these label words (empty: foo/bar). */
    public JobOptions withLabels(List<String> v) {
        return new JobOptions(model, data, dataDir, classA, classB, device, dtype, seed, prompts, shots, heads,
                ablationFrom, ablationTo, ablation, useHeads, controlDraws, biasSeeds, biasTasks, biasQueries, permutations, ac,
                batch, threads, out, v);
    }

    /** The settings in one paragraph, as the report shows them. */
    public String describe() {
        return String.format(Locale.ROOT, "model %s; data %s; %s %s; seed %d; %d + %d prompts (find / test), k = %d "
                + "per label; top lists of %s; ablation scan %s; %d control draws; bias study: %s × %d seeds × %s "
                + "queries per class, %d orders, a_c %s; batch %d; %s threads",
                builtinModel() ? "built-in" : model.toString(),
                (syntheticData() ? "synthetic task (held-out class pairs)" : data + " (classes " + classA + " → "
                        + labelWords().word(0).strip() + ", " + classB + " → " + labelWords().word(1).strip() + ")")
                        + (labels.isEmpty() ? "" : ", labels" + labelWords().words().stream().map(w -> " '" + w + "'")
                        .reduce("", String::concat)),
                device, dtype, seed, prompts, prompts, shots, heads == 0 ? "auto" : String.valueOf(heads),
                !ablation ? "off (scores only)" : ablationFrom < 0 ? "upper half"
                        : "layers [" + ablationFrom + ", " + ablationTo + ")", controlDraws,
                biasTasks == 0 ? "auto" : biasTasks + (biasTasks == 1 ? " task" : " tasks"), biasSeeds,
                biasQueries == 0 ? "auto" : String.valueOf(biasQueries), 2 + permutations,
                tuneAc() ? "tuned" : String.valueOf(ac), batch, threads == 0 ? "auto" : String.valueOf(threads));
    }
}
