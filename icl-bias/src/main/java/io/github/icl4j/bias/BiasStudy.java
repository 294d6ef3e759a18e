package io.github.icl4j.bias;

import io.github.icl4j.AttentionMap;
import io.github.icl4j.Demonstrations;
import io.github.icl4j.Example;
import io.github.icl4j.HeadId;
import io.github.icl4j.IclPrompt;
import io.github.icl4j.LabelProbabilities;
import io.github.icl4j.Model;
import io.github.icl4j.Probe;
import io.github.icl4j.PromptTokens;
import io.github.icl4j.ReadoutMetric;
import java.util.ArrayList;
import java.util.Arrays;
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
        if (model == null) {
            throw new IllegalArgumentException("model must not be null");
        }
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
        if (options.perClass() < 2) {
            throw new IllegalArgumentException("the majority-label study needs perClass >= 2 so that a class keeps a "
                    + "demonstration when one is dropped; got perClass " + options.perClass() + " (range [2, 64])");
        }
        MajorityLabelFix fix = MajorityLabelFix.of(model, heads).ac(options.ac()).batchSize(options.batchSize());
        long[] seeds = options.seedArray();
        Correction[] cs = Correction.values();
        int nS = seeds.length;
        int nT = tasks.size();
        double[][] fluct = new double[cs.length][nS];
        double[][] acc = new double[cs.length][nS];
        double[][] fv = new double[cs.length][nS];
        double[][] f1 = new double[cs.length][nS];
        double[][] bal = new double[cs.length][nS];
        List<Measurement> ms = new ArrayList<>();
        for (int si = 0; si < nS; si++) {
            for (int ti = 0; ti < nT; ti++) {
                BiasTask task = tasks.get(ti);
                int k = task.numClasses();
                List<String> domain = domainInputs(task, ti, seeds[si]);
                Demonstrations d = draw(task, ti, seeds[si], domain);
                ContextOutcomes.Evaluated balanced = majorityContext(fix, task, d, domain);
                ContextOutcomes.Evaluated[] less = new ContextOutcomes.Evaluated[k];
                for (int c = 0; c < k; c++) {
                    less[c] = majorityContext(fix, task, d.withoutOne(c), domain);
                }
                for (Correction m : cs) {
                    ContextOutcomes.Outcome b = balanced.outcome(m, k, options.readout());
                    ms.add(measurement(BiasKind.MAJORITY, seeds[si], task, "balanced", m, b));
                    double[] lessAcc = new double[k];
                    double sumFv = 0;
                    double sumF1 = 0;
                    for (int c = 0; c < k; c++) {
                        ContextOutcomes.Outcome o = less[c].outcome(m, k, options.readout());
                        ms.add(measurement(BiasKind.MAJORITY, seeds[si], task, "without one of class " + c, m, o));
                        lessAcc[c] = o.accuracy();
                        sumFv += o.fullVocabAccuracy();
                        sumF1 += o.macroF1();
                    }
                    int mi = m.ordinal();
                    fluct[mi][si] += BiasMetrics.fluctuation(b.accuracy(), lessAcc, options.fluctuation()) / nT;
                    acc[mi][si] += Interval.mean(lessAcc) / nT;
                    fv[mi][si] += sumFv / k / nT;
                    f1[mi][si] += sumF1 / k / nT;
                    bal[mi][si] += b.accuracy() / nT;
                }
            }
            LOG.info("majority-label study: seed {} done ({}/{})", seeds[si], si + 1, nS);
        }
        List<MajorityResult.Row> rows = new ArrayList<>();
        for (Correction m : cs) {
            int mi = m.ordinal();
            rows.add(new MajorityResult.Row(m, proportion(acc[mi]), proportion(fv[mi]), proportion(f1[mi]),
                    proportion(bal[mi]), fluctuation(fluct[mi]), reduction(fluct[0], fluct[mi])));
        }
        return new MajorityResult(describe(model), heads, names(tasks), options, rows, ms);
    }

    private ContextOutcomes.Evaluated majorityContext(MajorityLabelFix fix, BiasTask task, Demonstrations d, List<String> domain) {
        Context ctx = context(task, d, domain);
        List<MajorityLabelFix.State> states = fix.states(ctx.all());
        return new ContextOutcomes.Evaluated(ctx.split(fix.apply(states, 0)), ctx.split(fix.apply(states, options.ac())));
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
        List<RecencyFixVariant> variants = options.recencyFixes();
        List<RecencyFix> fixes = new ArrayList<>();
        for (RecencyFixVariant v : variants) {
            fixes.add(RecencyFix.of(model, heads).variant(v, options.relativeTermStrength())
                    .batchSize(options.batchSize()));
        }
        List<Slot> slots = Slot.all(variants);
        long[] seeds = options.seedArray();
        int nS = seeds.length;
        int nT = tasks.size();
        int nO = 2 + options.permutations();
        int nR = slots.size();
        double[][] acc = new double[nR][nS];
        double[][] fv = new double[nR][nS];
        double[][] f1 = new double[nR][nS];
        double[][] accStd = new double[nR][nS];
        double[][] attStd = new double[1 + variants.size()][nS]; // [without fix, with each variant]
        List<Measurement> ms = new ArrayList<>();
        for (int si = 0; si < nS; si++) {
            for (int ti = 0; ti < nT; ti++) {
                BiasTask task = tasks.get(ti);
                int k = task.numClasses();
                List<String> domain = domainInputs(task, ti, seeds[si]);
                Demonstrations d = draw(task, ti, seeds[si], domain);
                List<Demonstrations> orders = new ArrayList<>();
                orders.add(d.asSampled());
                orders.add(d.reversed());
                for (int j = 0; j < options.permutations(); j++) {
                    orders.add(d.permuted(mix(seeds[si], ti, 1 + j)));
                }
                double[][] orderAcc = new double[nR][nO];
                double[][][] att = new double[1 + variants.size()][nO][];
                for (int o = 0; o < nO; o++) {
                    Demonstrations order = orders.get(o);
                    Context ctx = context(task, order, domain);
                    LabelProbabilities plain = Probe.on(model).prompts(ctx.all()).batchSize(options.batchSize())
                            .labelProbabilities();
                    List<ContextOutcomes.Evaluated> ev = new ArrayList<>();
                    for (RecencyFix fix : fixes) {
                        ev.add(new ContextOutcomes.Evaluated(ctx.split(plain), ctx.split(fix.labelProbabilities(
                                ctx.all()))));
                    }
                    List<IclPrompt> qs = ctx.all().subList(0, task.queries().size());
                    int[] toSampled = sampledIndex(d.asSampled(), order);
                    att[0][o] = attentionItems(Probe.on(model).prompts(qs).batchSize(options.batchSize())
                            .attentionAtLabels(), qs, heads, toSampled, k, options.attentionSpread());
                    for (int v = 0; v < fixes.size(); v++) {
                        att[1 + v][o] = attentionItems(fixes.get(v).attentionAtLabels(qs), qs, heads, toSampled, k,
                                options.attentionSpread());
                    }
                    for (int r = 0; r < nR; r++) {
                        Slot slot = slots.get(r);
                        Correction m = slot.correction();
                        ContextOutcomes.Outcome out = ev.get(slot.fix()).outcome(m, k, options.readout());
                        ms.add(measurement(BiasKind.RECENCY, seeds[si], task, order.order(), m,
                                m.usesFix() ? variants.get(slot.fix()) : null, out));
                        orderAcc[r][o] = out.accuracy();
                        acc[r][si] += out.accuracy() / nO / nT;
                        fv[r][si] += out.fullVocabAccuracy() / nO / nT;
                        f1[r][si] += out.macroF1() / nO / nT;
                    }
                }
                for (int r = 0; r < nR; r++) {
                    accStd[r][si] += BiasMetrics.sampleStd(orderAcc[r]) / nT;
                }
                for (int a = 0; a < att.length; a++) {
                    attStd[a][si] += BiasMetrics.meanStdAcrossOrders(att[a]) / nT;
                }
            }
            LOG.info("recency study: seed {} done ({}/{})", seeds[si], si + 1, nS);
        }
        List<RecencyResult.Row> rows = new ArrayList<>();
        for (int r = 0; r < nR; r++) {
            Slot slot = slots.get(r);
            Correction m = slot.correction();
            double[] a = attStd[m.usesFix() ? 1 + slot.fix() : 0];
            rows.add(new RecencyResult.Row(m, m.usesFix() ? variants.get(slot.fix()) : null, proportion(acc[r]),
                    proportion(fv[r]), proportion(f1[r]), interval(accStd[r]).within(0, Double.POSITIVE_INFINITY),
                    reduction(accStd[0], accStd[r]), interval(a).within(0, Double.POSITIVE_INFINITY),
                    reduction(attStd[0], a)));
        }
        return new RecencyResult(describe(model), heads, names(tasks), options, nO, rows, ms);
    }

    /**
     * One row of the recency study: a correction and the index of the fix variant it reads (0 for the
     * corrections without the fix). Every correction for the first variant, in {@link Correction} order (the rows
     * of a study without variants), then the corrections with the fix for each further variant.
     */
    private record Slot(Correction correction, int fix) {
        static List<Slot> all(List<RecencyFixVariant> variants) {
            List<Slot> out = new ArrayList<>();
            for (Correction c : Correction.values()) {
                out.add(new Slot(c, 0));
            }
            for (int v = 1; v < variants.size(); v++) {
                for (Correction c : Correction.values()) {
                    if (c.usesFix()) {
                        out.add(new Slot(c, v));
                    }
                }
            }
            return out;
        }
    }

    /** For each demonstration of {@code order}, its index in the sampled order (examples matched one to one). */
    static int[] sampledIndex(Demonstrations sampled, Demonstrations order) {
        List<Example> s = sampled.examples();
        boolean[] used = new boolean[s.size()];
        int[] out = new int[order.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = -1;
            for (int j = 0; j < s.size() && out[i] < 0; j++) {
                if (!used[j] && s.get(j).equals(order.get(i))) {
                    used[j] = true;
                    out[i] = j;
                }
            }
            if (out[i] < 0) {
                throw new IllegalStateException("demonstration " + i + " of " + order + " is not in " + sampled);
            }
        }
        return out;
    }

    /**
     * The attention items of one order, in an order-independent layout: per query and head either each
     * demonstration's attention (at index {@code toSampled[i]}, its place in the sampled order) or each class's
     * attention summed over its label positions.
     *
     * @param map       attention from the last position to each prompt's label positions (prompt order)
     * @param prompts   the query prompts of this order
     * @param heads     the heads to read
     * @param toSampled for each demonstration of this order, its index in the sampled order
     * @param k         number of classes
     * @param spread    per demonstration or per class
     * @return {@code [query][head][item]} flattened
     */
    static double[] attentionItems(AttentionMap map, List<? extends PromptTokens> prompts, List<HeadId> heads,
            int[] toSampled, int k, BiasOptions.AttentionSpread spread) {
        boolean perDemo = spread == BiasOptions.AttentionSpread.PER_DEMONSTRATION;
        int per = perDemo ? toSampled.length : k;
        double[] out = new double[prompts.size() * heads.size() * per];
        for (int q = 0; q < prompts.size(); q++) {
            int[] labels = prompts.get(q).demoLabels();
            for (int h = 0; h < heads.size(); h++) {
                float[] w = map.of(q, heads.get(h)); // at the prompt's label positions, in prompt order
                int base = (q * heads.size() + h) * per;
                for (int i = 0; i < w.length; i++) {
                    out[base + (perDemo ? toSampled[i] : labels[i])] += w[i];
                }
            }
        }
        return out;
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
        long[] seeds = options.seedArray();
        double[] fl = new double[g.length];
        double[] acc = new double[g.length];
        int runs = seeds.length * validation.size();
        for (long seed : seeds) {
            for (int ti = 0; ti < validation.size(); ti++) {
                BiasTask task = validation.get(ti);
                int k = task.numClasses();
                Demonstrations d = draw(task, ti, seed, domainInputs(task, ti, seed));
                double balanced = fix.apply(fix.states(queryPrompts(d, task)), 0).readout(options.readout());
                List<List<MajorityLabelFix.State>> less = new ArrayList<>();
                for (int c = 0; c < k; c++) {
                    less.add(fix.states(queryPrompts(d.withoutOne(c), task)));
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

    private IclPrompt.Builder builder() {
        return builder != null ? builder : IclPrompt.builder(model.tokenizer());
    }

    /** The demonstrations of one seed and task, never containing a query or a calibration input. */
    private Demonstrations draw(BiasTask task, int ti, long seed, List<String> domain) {
        int[] counts = new int[task.numClasses()];
        Arrays.fill(counts, options.perClass());
        List<Example> exclude = new ArrayList<>(task.queries());
        options.contentFreeInputs().forEach(t -> exclude.add(Example.unlabelled(t)));
        domain.forEach(t -> exclude.add(Example.unlabelled(t)));
        return Demonstrations.sampleExcluding(task.pool(), counts, mix(seed, ti, 0), exclude);
    }

    private List<String> domainInputs(BiasTask task, int ti, long seed) {
        List<String> corpus = options.domainCorpus() == BiasOptions.DomainCorpus.POOL
                ? task.pool().examples().stream().map(Example::text).toList()
                : task.queries().stream().map(Example::text).toList();
        return Calibration.domainInputs(corpus, options.domainInputs(), mix(seed, ti, 1_000_003));
    }

    /** The task's queries with these demonstrations, checked to fit the context. */
    private List<IclPrompt> queryPrompts(Demonstrations d, BiasTask task) {
        List<IclPrompt> ps = builder().buildAll(d, task.queries());
        ps.forEach(p -> p.checkFits(model.config().maxPositions()));
        return ps;
    }

    /** Queries, content-free inputs and domain inputs with one demonstration arrangement. */
    private Context context(BiasTask task, Demonstrations d, List<String> domain) {
        List<Example> all = new ArrayList<>(task.queries());
        options.contentFreeInputs().forEach(t -> all.add(Example.unlabelled(t)));
        domain.forEach(t -> all.add(Example.unlabelled(t)));
        int max = model.config().maxPositions();
        List<IclPrompt> ps = builder().buildAll(d, all);
        ps.forEach(p -> p.checkFits(max));
        return new Context(ps, task.queries().size(), options.contentFreeInputs().size());
    }

    private record Context(List<IclPrompt> all, int nQueries, int nContentFree) {
        ContextOutcomes.Rows split(LabelProbabilities lp) {
            List<LabelProbabilities.Row> r = lp.rows();
            return new ContextOutcomes.Rows(r.subList(0, nQueries), r.subList(nQueries, nQueries + nContentFree),
                    r.subList(nQueries + nContentFree, r.size()));
        }
    }

    private static Measurement measurement(BiasKind bias, long seed, BiasTask task, String condition, Correction m,
            ContextOutcomes.Outcome o) {
        return measurement(bias, seed, task, condition, m, null, o);
    }

    private static Measurement measurement(BiasKind bias, long seed, BiasTask task, String condition, Correction m,
            RecencyFixVariant variant, ContextOutcomes.Outcome o) {
        return new Measurement(bias, seed, task.name(), condition, m, variant, o.accuracy(), o.fullVocabAccuracy(),
                o.macroF1());
    }

    private Interval interval(double[] perSeed) {
        return Interval.of(perSeed, options.interval(), options.level(), options.bootstrapResamples(),
                options.bootstrapSeed());
    }

    /** The fluctuation's interval: a mean |change| is at least 0 (a signed mean change is not clipped). */
    private Interval fluctuation(double[] perSeed) {
        Interval i = interval(perSeed);
        return options.fluctuation() == BiasOptions.Fluctuation.ABSOLUTE ? i.within(0, Double.POSITIVE_INFINITY) : i;
    }

    /** An interval of a quantity in [0, 1] (accuracy, F1), its bounds clipped to that range. */
    private Interval proportion(double[] perSeed) {
        return interval(perSeed).within(0, 1);
    }

    private Interval reduction(double[] none, double[] method) {
        return Interval.reduction(none, method, options.level(), options.bootstrapResamples(),
                options.bootstrapSeed());
    }

    private static List<String> names(List<BiasTask> tasks) {
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

    /** A seed for one purpose, derived from the study seed, the task index and a stream number (SplitMix64). */
    static long mix(long seed, int task, int stream) {
        long z = seed * 0x9E3779B97F4A7C15L + (task + 1) * 0xBF58476D1CE4E5B9L + (stream + 1) * 0x94D049BB133111EBL;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    @Override
    public String toString() {
        return "BiasStudy[" + model + ", heads " + heads + ", a_c " + options.ac() + ", k " + options.perClass()
                + ", seeds " + options.seeds() + "]";
    }
}
