package io.github.icl4j.bias;

import io.github.icl4j.Demonstrations;
import io.github.icl4j.HeadId;
import io.github.icl4j.IclPrompt;
import io.github.icl4j.Model;
import io.github.icl4j.OptionChecks;
import io.github.icl4j.ReadoutMetric;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Measures the majority-label and recency biases of in-context learning (METHOD.md §5) and compares the two
 * in-context-head fixes with the calibration baselines (§6) on the same prompts: the entry point of icl-bias.
 *
 * <pre>{@code
 * List<BiasTask> test = List.of(BiasTask.load("sst2", "train", "test", 200, 1));
 * List<BiasTask> validation = List.of(BiasTask.load("sst2", "train", "dev", 100, 1));
 * BiasStudy study = BiasStudy.of(model).heads(inContextHeads)
 *         .options(BiasOptions.defaults().withSeeds(0, 1, 2));
 * BiasComparison c = study.run(test, validation);   // a_c tuned on validation, then every correction on test
 * System.out.println(c);
 * BiasHtml.write(c, Path.of("target/bias.html"));         // bias.report.BiasHtml
 * }</pre>
 *
 * <p><b>Protocol.</b> For each seed and task one demonstration set of k examples per label is drawn from the task's
 * pool (seeded; never containing a query or a calibration input) and shared by all the task's queries. The
 * demonstration seed is derived from the study seed and the task's index, so the majority and recency studies
 * use the same sets. Content-free and domain-context inputs are evaluated in the same prompts (same
 * demonstrations, same order), with the fix on for "fix + calibration". Batch calibration's batch is the task's
 * queries under one demonstration set. Per seed the metrics are averaged over tasks (and labels or orders); the
 * intervals are over seeds ({@link BiasOptions#interval()}); relative reductions use a paired bootstrap over
 * seeds.
 *
 * <p>Immutable: each {@code options}/{@code prompts} call returns a new study.
 */
public final class BiasStudy {
    private static final Logger LOG = LoggerFactory.getLogger(BiasStudy.class);

    private final Model model;
    private final List<HeadId> heads;
    private final BiasOptions options;
    private final IclPrompt.Builder builder;

    private BiasStudy(Model model, List<HeadId> heads, BiasOptions options, IclPrompt.Builder builder) {
        this.model = model;
        this.heads = heads;
        this.options = options;
        this.builder = builder;
    }

    /**
     * Starts a study of a model; the next step names the in-context heads.
     *
     * @throws IllegalArgumentException for a null model
     */
    public static Start of(Model model) {
        OptionChecks.nonNull("model", model);
        return new Start(model);
    }

    /** The first step: which heads are the in-context heads (found by icl-heads, or given). */
    public static final class Start {
        private final Model model;

        private Start(Model model) {
            this.model = model;
        }

        /**
         * The in-context heads the fixes act on and the recency study's attention metric reads.
         *
         * @throws IllegalArgumentException for no heads or a head outside the model
         */
        public BiasStudy heads(Collection<HeadId> heads) {
            List<HeadId> hs = MajorityLabelFix.checkHeads(heads, model.config(), "a bias study");
            return new BiasStudy(model, hs, BiasOptions.defaults(), null);
        }
    }

    /** With these options. */
    public BiasStudy options(BiasOptions o) {
        return new BiasStudy(model, heads, Objects.requireNonNull(o, "options"), builder);
    }

    /**
     * With this prompt builder (template, label words, BOS). Default: {@code IclPrompt.builder(model.tokenizer())}
     * (the METHOD's template, " foo"/" bar", no BOS).
     */
    public BiasStudy prompts(IclPrompt.Builder b) {
        return new BiasStudy(model, heads, options, Objects.requireNonNull(b, "prompt builder"));
    }

    /** The options. */
    public BiasOptions options() {
        return options;
    }

    /** The in-context heads, sorted. */
    public List<HeadId> heads() {
        return heads;
    }

    /**
     * The end-to-end measurement: tunes a_c on {@code validation} (when it is non-empty; by
     * {@link BiasOptions#acObjective()} over {@link BiasOptions#acGrid()}), then runs the majority and recency
     * studies on {@code test} with every correction.
     *
     * @throws IllegalArgumentException when a validation query is also a test query (a_c must never be tuned on
     *                                  the test set), for no test tasks, or (recency) a model without rotary
     *                                  positions
     */
    public static BiasComparison run(Model model, Collection<HeadId> heads, List<BiasTask> test,
            List<BiasTask> validation, BiasOptions options) {
        return of(model).heads(heads).options(options).run(test, validation);
    }

    /** As {@link #run(Model, Collection, List, List, BiasOptions)} with this study's settings. */
    public BiasComparison run(List<BiasTask> test, List<BiasTask> validation) {
        checkTasks(test);
        RecencyFix.checkApplicable(model.config());
        AcTuning tuning = null;
        BiasStudy s = this;
        if (validation != null && !validation.isEmpty()) {
            checkDisjoint(test, validation);
            tuning = tuneAc(validation);
            LOG.info("{}", tuning);
            s = options(options.withAc(tuning.best()));
        }
        return new BiasComparison(s.majority(test), s.recency(test), tuning);
    }

    /**
     * Both studies on the same tasks with the current a_c.
     *
     * @throws IllegalArgumentException for a model without rotary positions (the recency fix does not apply:
     *                                  use {@link #majority} alone and {@code new BiasComparison(m, null, null)})
     */
    public BiasComparison compare(List<BiasTask> tasks) {
        checkTasks(tasks);
        RecencyFix.checkApplicable(model.config());
        return new BiasComparison(majority(tasks), recency(tasks), null);
    }

    // ------------------------------------------------------------------ majority-label bias

    /**
     * The majority-label study: per seed and task, accuracy with the balanced demonstrations and with one
     * demonstration of each label dropped, for every correction; the fix is {@link MajorityLabelFix} with
     * {@link BiasOptions#ac()}.
     *
     * @throws IllegalArgumentException for no tasks or {@code perClass < 2} (dropping one must leave a minority
     *                                  demonstration)
     */
    public MajorityResult majority(List<BiasTask> tasks) {
        checkTasks(tasks);
        return MajorityStudy.run(model, heads, options, prompts(), tasks);
    }

    // ------------------------------------------------------------------ recency bias

    /**
     * The recency study: per seed and task, one demonstration set in {@code 2 + permutations} orders (as sampled,
     * reversed, seeded permutations), for every correction; the fix is {@link RecencyFix} over the heads, once per
     * variant of {@link BiasOptions#recencyFixes()} (each variant's fix and fix + calibration rows, on the same
     * prompts).
     *
     * @throws IllegalArgumentException for no tasks, or a model with absolute positions (the fix is not
     *                                  applicable)
     */
    public RecencyResult recency(List<BiasTask> tasks) {
        checkTasks(tasks);
        return RecencyStudy.run(model, heads, options, prompts(), tasks);
    }

    // ------------------------------------------------------------------ a_c tuning

    /**
     * Tunes a_c on validation tasks (a split separate from the test queries) over {@code grid} (empty: the
     * options' {@link BiasOptions#acGrid()}), by {@link BiasOptions#acObjective()}: per seed and task, the balanced
     * set and each less-one set are run once and every grid value is applied to the same forward pass.
     *
     * @throws IllegalArgumentException for no tasks, a negative grid value or {@code perClass < 2}
     */
    public AcTuning tuneAc(List<BiasTask> validation, double... grid) {
        checkTasks(validation);
        double[] g = AcTuning.checkGrid(grid == null || grid.length == 0
                ? options.acGrid().stream().mapToDouble(Double::doubleValue).toArray() : grid);
        if (options.perClass() < 2) {
            throw new IllegalArgumentException("tuning a_c needs perClass >= 2; got perClass " + options.perClass()
                    + " (range [2, 64])");
        }
        MajorityLabelFix fix = MajorityLabelFix.of(model, heads).batchSize(options.batchSize());
        StudyPrompts p = prompts();
        long[] seeds = options.seedArray();
        double[] fl = new double[g.length];
        double[] acc = new double[g.length];
        int runs = seeds.length * validation.size();
        for (long seed : seeds) {
            for (int ti = 0; ti < validation.size(); ti++) {
                BiasTask task = validation.get(ti);
                int k = task.numClasses();
                Demonstrations d = p.draw(task, ti, seed, p.domainInputs(task, ti, seed));
                double balanced = fix.apply(fix.states(p.queryPrompts(d, task)), 0).readout(options.readout());
                List<List<MajorityLabelFix.State>> less = new ArrayList<>();
                for (int c = 0; c < k; c++) {
                    less.add(fix.states(p.queryPrompts(d.withoutOne(c), task)));
                }
                for (int j = 0; j < g.length; j++) {
                    double[] a = new double[k];
                    for (int c = 0; c < k; c++) {
                        a[c] = fix.apply(less.get(c), g[j]).readout(options.readout());
                    }
                    fl[j] += BiasMetrics.fluctuation(balanced, a, options.fluctuation()) / runs;
                    acc[j] += Interval.mean(a) / runs;
                }
            }
        }
        return AcTuning.of(g, fl, acc, options.acObjective(),
                String.join("+", names(validation)) + " × " + seeds.length + " seeds");
    }

    // ------------------------------------------------------------------ shared machinery

    /** The study's prompts with its options and builder. */
    private StudyPrompts prompts() {
        return new StudyPrompts(model, options, builder);
    }

    /** The tasks' names, in order. */
    static List<String> names(List<BiasTask> tasks) {
        return tasks.stream().map(BiasTask::name).toList();
    }

    private static void checkTasks(List<BiasTask> tasks) {
        if (tasks == null || tasks.isEmpty()) {
            throw new IllegalArgumentException("a bias study needs at least one task; got none");
        }
    }

    private static void checkDisjoint(List<BiasTask> test, List<BiasTask> validation) {
        Set<String> testTexts = new HashSet<>();
        test.forEach(t -> t.queries().forEach(q -> testTexts.add(q.text())));
        List<String> shared = new ArrayList<>();
        validation.forEach(t -> t.queries().forEach(q -> {
            if (testTexts.contains(q.text())) {
                shared.add(q.text());
            }
        }));
        if (!shared.isEmpty()) {
            throw new IllegalArgumentException("a_c must be tuned on a split separate from the test queries: "
                    + shared.size() + " validation queries are also test queries, e.g. \"" + shared.get(0) + "\"");
        }
    }

    /** {@code llama[3 layers, ...] from /path, cpu fp32}: the model as results name it. */
    static String describe(Model m) {
        return m.config() + " from " + m.source() + ", " + m.options().device() + " " + m.options().dtype();
    }

    @Override
    public String toString() {
        return "BiasStudy[" + model + ", heads " + heads + ", a_c " + options.ac() + ", k " + options.perClass()
                + ", seeds " + options.seeds() + "]";
    }
}
