package io.github.icl4j.examples.cli;

import io.github.icl4j.examples.builtin.BuiltinModel;
import io.github.icl4j.HeadId;
import io.github.icl4j.LoadOptions;
import io.github.icl4j.Model;
import io.github.icl4j.TokenTexts;
import io.github.icl4j.bias.AcTuning;
import io.github.icl4j.bias.BiasComparison;
import io.github.icl4j.bias.BiasOptions;
import io.github.icl4j.bias.BiasStudy;
import io.github.icl4j.bias.MajorityResult;
import io.github.icl4j.bias.RecencyResult;
import io.github.icl4j.heads.AblationRanking;
import io.github.icl4j.heads.AttentionAnalysis;
import io.github.icl4j.heads.HeadOptions;
import io.github.icl4j.heads.HeadScores;
import io.github.icl4j.heads.ReadingAnalysis;
import io.github.icl4j.heads.HeadsReport;
import io.github.icl4j.heads.InContextHeadSet;
import io.github.icl4j.heads.InContextHeads;
import io.github.icl4j.heads.InterventionControl;
import io.github.icl4j.heads.InterventionResult;
import io.github.icl4j.heads.TwoTowersAnalysis;
import io.github.icl4j.heads.ValueOutputAnalysis;
import io.github.icl4j.runtime.Natives;
import io.github.icl4j.report.Numbers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The main job: find a model's in-context heads, test them by removing them, show what they read and write, measure
 * the two few-shot biases with and without the in-context-head fixes and the calibration baselines, and write it
 * all as one self-contained HTML report with JSON and CSV beside it. {@link IclMain} is its command line.
 *
 * <pre>{@code
 * MainJob.Report r = MainJob.report(JobOptions.defaults());     // the built-in model on the synthetic task
 * System.out.println(r.headline());                            // the numbers, in a table
 * System.out.println(r.html());                                // icl4j-report/report.html
 * }</pre>
 *
 * Step by step (each step also reports to a {@link Progress}):
 * <pre>{@code
 * try (MainJob job = MainJob.open(JobOptions.defaults(), Progress.silent())) {
 *     InContextHeadSet set = job.discover();
 *     InterventionResult cut = job.intervene(set);
 *     MainJob.Analysis what = job.analyse(set);
 *     BiasComparison bias = job.debias(set.heads());
 * }
 * }</pre>
 * Owns the model it loads: close it.
 */
public final class MainJob implements AutoCloseable {
    private final JobOptions options;
    private final Model model;
    private final Workload workload;
    private final Progress progress;
    private final InContextHeads heads;

    private MainJob(JobOptions options, Model model, Workload workload, Progress progress) {
        this.options = options;
        this.model = model;
        this.workload = workload;
        this.progress = progress;
        int top = options.topHeads();
        HeadOptions ho = options.heads()
                .withTopHeads(top, top, options.ablation() ? top : 0)
                .withMerge(options.ablation() ? HeadOptions.Merge.UNION : HeadOptions.Merge.SCORES_ONLY)
                .withControlSeed(options.seed())
                // the score lists pick from the ablation ranking's layers: a layer-0 head cannot compare the query
                // with the demonstrations, yet heads there that copy every label word present top the score
                // rankings of small models (the built-in one)
                .withScoreLayers(HeadOptions.ScoreLayers.ABLATION_LAYERS);
        this.heads = InContextHeads.of(model).options(ho);
    }

    /**
     * Loads the model, sets the thread count and builds the prompts and bias tasks: the first two steps of every
     * command.
     *
     * @throws IllegalArgumentException for a model, data set or option the library refuses (the message says why)
     */
    public static MainJob open(JobOptions options, Progress progress) {
        Model model;
        try (Progress.Step s = JobSteps.step(progress, "loading the model")) {
            Natives.init();
            LoadOptions lo = LoadOptions.defaults().withDevice(options.device()).withDtype(options.dtype());
            if (options.model() != null && !Files.exists(options.model())) {
                throw new IllegalArgumentException("model " + options.model() + " does not exist (a Hugging Face "
                        + "checkpoint directory or a .gguf file)");
            }
            model = options.builtinModel() ? BuiltinModel.load(lo) : Model.load(options.model(), lo);
            s.note(model.config().modelType() + ", " + model.config().nLayers() + " × " + model.config().nHeads()
                    + " heads");
        }
        try {
            JobOptions resolved = options.resolve(model.config());
            Natives.setThreads(resolved.threads());
            if (!resolved.useHeads().isEmpty()) {
                resolved.useHeads().forEach(h -> h.checkIn(model.config().nLayers(), model.config().nHeads()));
            }
            Workload w;
            try (Progress.Step s = JobSteps.step(progress, "building prompts")) {
                w = Workload.of(model, resolved);
                s.note(w.find().size() + " + " + w.test().size() + " prompts, " + w.biasTest().size() + " + "
                        + w.biasTune().size() + " bias tasks");
            }
            return new MainJob(resolved, model, w, progress);
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
    }

    /** The settings, every automatic value resolved. */
    public JobOptions options() {
        return options;
    }

    /** The model (owned by the job). */
    public Model model() {
        return model;
    }

    /** The prompts and bias tasks. */
    public Workload workload() {
        return workload;
    }

    /** The in-context-head analysis with the job's options. */
    public InContextHeads inContextHeads() {
        return heads;
    }

    // ---------------------------------------------------------------- discover

    /**
     * Scores every head and ranks the scanned layers' heads by ablation on the find prompts, then merges the top
     * lists (METHOD §3.1–3.3). With {@link JobOptions#useHeads()} the given heads form the set (grouped by their
     * scores) and the ablation ranking is skipped.
     */
    public InContextHeadSet discover() {
        HeadScores scores;
        try (Progress.Step s = JobSteps.step(progress, "scoring every head")) {
            scores = heads.scores(Map.of(workloadName(), workload.find()));
            s.note(model.config().totalHeads() + " heads");
        }
        InContextHeadSet set;
        try (Progress.Step s = JobSteps.step(progress, "ablation ranking")) {
            if (options.useHeads().isEmpty()) {
                AblationRanking a = options.ablation()
                        ? heads.ablationRanking(Map.of(workloadName(), workload.find())) : null;
                set = heads.select(scores, a);
                s.note((a == null ? "skipped; " : "") + set.size() + " in-context heads: foo " + set.fooHeads()
                        + ", bar " + set.barHeads());
            } else {
                set = heads.given(scores, options.useHeads());
                s.note("skipped: heads given " + set.heads());
            }
        }
        return set;
    }

    private String workloadName() {
        return options.syntheticData() ? "synthetic" : options.data();
    }

    // ---------------------------------------------------------------- intervene

    /** The control the job uses for {@code set} (the library's rule, {@link InterventionControl#of}). */
    public InterventionControl control(InContextHeadSet set) {
        return InterventionControl.of(set, model.config().nHeads(), options.heads().controlDraws());
    }

    /**
     * Accuracy on the test prompts with the set's heads zeroed, beside the clean model, the random-head control
     * ({@link #control}) and each group on each gold label (METHOD §3.4).
     */
    public InterventionResult intervene(InContextHeadSet set) {
        try (Progress.Step s = JobSteps.step(progress, "intervention (heads zeroed)")) {
            InterventionControl c = control(set);
            InContextHeads ich = heads.options(heads.options().withControl(c.draws(), options.seed(),
                    c.poolOrPooled()));
            InterventionResult r = ich.intervene(set, workload.test());
            s.note(String.format(java.util.Locale.ROOT, "accuracy %.3f → %.3f, control %s", r.baseline().accuracy(),
                    r.ablated().accuracy(), c.draws() == 0 ? "none" : Numbers.f3(r.controlMean())
                            + (Double.isFinite(r.controlStd()) ? " ± " + Numbers.f3(r.controlStd()) : "")));
            return r;
        }
    }

    // ---------------------------------------------------------------- analyse

    /**
     * What the in-context heads do (METHOD §4).
     *
     * @param valueOutputs what the heads write at the label positions
     * @param attention    how their attention moves with the prediction
     * @param twoTowers    query · key as a similarity metric
     * @param reading      where their attention goes: label words, matching and other demonstrations, query
     */
    public record Analysis(ValueOutputAnalysis valueOutputs, AttentionAnalysis attention,
            TwoTowersAnalysis twoTowers, ReadingAnalysis reading) {
    }

    /** The value-output, attention and two-tower analyses of the set on the test prompts. */
    public Analysis analyse(InContextHeadSet set) {
        ValueOutputAnalysis vo;
        try (Progress.Step s = JobSteps.step(progress, "value-output vectors")) {
            vo = heads.valueOutputs(set, workload.test());
            s.note(vo.groups().isEmpty() ? "" : vo.groups().get(0).toString());
        }
        AttentionAnalysis att;
        try (Progress.Step s = JobSteps.step(progress, "attention by prediction")) {
            att = heads.attention(set, workload.test());
            s.note("predicted " + options.labelWords().word(0).strip() + " " + att.examplesPerGroup()[0] + ", "
                    + options.labelWords().word(1).strip() + " " + att.examplesPerGroup()[1]);
        }
        TwoTowersAnalysis towers;
        try (Progress.Step s = JobSteps.step(progress, "two towers (query · key)")) {
            towers = heads.twoTowers(set, workload.test());
            s.note("swap test " + Numbers.f3(towers.baseAgreement()) + " → " + Numbers.f3(towers.swapAgreement()));
        }
        ReadingAnalysis reads;
        try (Progress.Step s = JobSteps.step(progress, "where the heads read")) {
            reads = heads.reading(set, workload.test());
            double label = reads.heads().stream().mapToDouble(ReadingAnalysis.HeadReading::labelPositions).average()
                    .orElse(Double.NaN);
            s.note("on label words " + Numbers.f3(label) + " of their attention (mean over heads)");
        }
        return new Analysis(vo, att, towers, reads);
    }

    /**
     * The set's heads' attention over every token of the first {@link HeadOptions#examplePrompts()} test prompts,
     * with the model's prediction, for the report's token view ({@link InContextHeads#examplePrompts}); each token
     * keeps the whitespace after it, so the view reads like the prompt.
     */
    public List<HeadsReport.ExamplePrompt> examples(InContextHeadSet set) {
        try (Progress.Step s = JobSteps.step(progress, "token attention of example prompts")) {
            s.note(Math.min(heads.options().examplePrompts(), workload.test().size()) + " prompts");
            return heads.examplePrompts(set, workload.test(), TokenTexts.Spacing.TRAILING);
        }
    }

    // ---------------------------------------------------------------- debias

    /**
     * The bias study with the in-context heads (METHOD §5–6): a_c tuned on the tuning tasks unless given, then the
     * majority-label and recency studies on the test tasks with every correction. The recency study is left out
     * (null) for a model without rotary positions, where its fix does not apply.
     */
    public BiasComparison debias(List<HeadId> inContextHeads) {
        long[] seeds = seeds(options.seed(), options.biasSeeds());
        BiasOptions bo = options.bias().withSeeds(seeds).withPerClass(Math.max(2, options.shots()));
        BiasStudy study = BiasStudy.of(model).heads(inContextHeads).options(bo).prompts(Workload.promptBuilder(model, options));
        AcTuning tuning = null;
        try (Progress.Step s = JobSteps.step(progress, "tuning a_c (majority-label fix)")) {
            if (options.tuneAc()) {
                tuning = study.tuneAc(workload.biasTune());
                study = study.options(bo.withAc(tuning.best()));
                s.note("a_c = " + tuning.best() + " on " + workload.biasTune().size() + " tuning tasks");
            } else {
                study = study.options(bo);
                s.note("skipped: a_c = " + bo.ac() + " given");
            }
        }
        MajorityResult majority;
        try (Progress.Step s = JobSteps.step(progress, "majority-label bias")) {
            majority = study.majority(workload.biasTest());
            s.note("fluctuation " + Numbers.f3(majority.rows().get(0).fluctuation().mean()) + " (none)");
        }
        RecencyResult recency = null;
        try (Progress.Step s = JobSteps.step(progress, "recency bias")) {
            if (model.config().hasRotary()) {
                recency = study.recency(workload.biasTest());
            } else {
                s.note("skipped: the model has absolute positions; the rotary-free fix does not apply");
            }
        }
        return new BiasComparison(majority, recency, tuning);
    }

    /** Seeds of the bias study: {@code first, first + 1, ...}. */
    static long[] seeds(long first, int n) {
        long[] s = new long[n];
        for (int i = 0; i < n; i++) {
            s[i] = first + i;
        }
        return s;
    }

    // ---------------------------------------------------------------- report

    /**
     * Everything the report holds.
     *
     * @param options      the settings, every automatic value resolved
     * @param model        the model as it prints
     * @param data         the workload in words
     * @param set          the in-context heads with their evidence
     * @param control      how the intervention's control was drawn
     * @param intervention the heads removed
     * @param analysis     what the heads do
     * @param bias         the bias comparison
     * @param headline     the headline numbers
     * @param html         the report page
     * @param files        every file written (the page included)
     * @param seconds      wall time of the whole job
     */
    public record Report(JobOptions options, String model, String data, InContextHeadSet set, InterventionControl control,
            InterventionResult intervention, Analysis analysis, BiasComparison bias, Headline headline, Path html,
            List<Path> files, double seconds) {
        /** Copies the list. */
        public Report {
            files = List.copyOf(files);
        }
    }

    /** The whole job with no progress output: see {@link #report(JobOptions, Progress)}. */
    public static Report report(JobOptions options) {
        return report(options, Progress.silent());
    }

    /**
     * The whole job: every step above, then {@code report.html} (the in-context heads and the bias comparison on
     * one self-contained page), {@code report.json}, {@code headline.json}, {@code summary.md} and the CSV files of
     * every analysis, written into {@link JobOptions#out()}.
     *
     * @throws IllegalArgumentException for a model, data set or option the library refuses
     */
    public static Report report(JobOptions options, Progress progress) {
        long t0 = System.nanoTime();
        checkWritable(options.out());
        progress.start("icl4j report", JobSteps.REPORT_STEPS, JobSteps.total());
        try (MainJob job = open(options, progress)) {
            InContextHeadSet set = job.discover();
            InterventionControl control = job.control(set);
            InterventionResult iv = job.intervene(set);
            Analysis a = job.analyse(set);
            List<HeadsReport.ExamplePrompt> examples = job.examples(set);
            BiasComparison bias = job.debias(set.heads());
            try (Progress.Step s = JobSteps.step(progress, "writing the report")) {
                JobOptions o = job.options();
                HeadsReport hr = new HeadsReport(ReportFiles.title(o, job.model().config()), set, iv,
                        a.valueOutputs(), a.attention(), a.twoTowers(), a.reading(), examples);
                Headline h = Headline.of(set, control, iv, a, bias);
                double secs = (System.nanoTime() - t0) / 1e9;
                List<Path> files = ReportFiles.write(hr, bias, h, o, job.workload().description(),
                        job.model().toString());
                Path html = o.out().resolve(ReportFiles.PAGE);
                s.note(files.size() + " files in " + o.out().toAbsolutePath());
                return new Report(o, job.model().toString(), job.workload().description(), set, control, iv, a, bias,
                        h, html, files, secs);
            }
        }
    }

    /**
     * Fails before any computation when the report folder cannot be written: created if absent, then a probe file
     * made and deleted in it (a job of minutes must not fail at its last step on a read-only or mistyped path).
     *
     * @throws IllegalArgumentException naming the folder and why
     */
    static void checkWritable(Path out) {
        Path abs = out.toAbsolutePath();
        if (Files.exists(abs) && !Files.isDirectory(abs)) {
            throw new IllegalArgumentException("--out " + out + " is a file, not a folder");
        }
        try {
            Files.createDirectories(abs);
            Path probe = Files.createTempFile(abs, ".icl4j-write-check", ".tmp");
            Files.delete(probe);
        } catch (java.io.IOException | SecurityException e) {
            throw new IllegalArgumentException("--out " + out + " is not a writable folder (" + e
                    + "); choose another with --out", e);
        }
    }

    /** Closes the model. */
    @Override
    public void close() {
        model.close();
    }

    @Override
    public String toString() {
        return "MainJob[" + model + ", " + workload + ", " + options.describe() + "]";
    }
}
