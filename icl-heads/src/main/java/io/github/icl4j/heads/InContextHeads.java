package io.github.icl4j.heads;

import io.github.icl4j.HeadId;
import io.github.icl4j.IclPrompt;
import io.github.icl4j.Model;
import io.github.icl4j.OptionChecks;
import io.github.icl4j.PromptTokens;
import io.github.icl4j.TokenTexts;
import java.util.List;
import java.util.Map;

/**
 * Find the in-context heads of a model and show what they do (METHOD.md §2–4): the entry point of icl-heads.
 *
 * <pre>{@code
 * InContextHeads ich = InContextHeads.of(model).topHeads(6, 6, 10);
 * InContextHeadSet set = ich.find(Map.of("sst2", sst2Prompts, "agnews", agPrompts));
 * System.out.println(HeadsText.summary(set));                   // report.HeadsText
 * InterventionResult cut = ich.intervene(set, testPrompts);        // 0.876 → 0.244, control 0.85 ± 0.02
 * ValueOutputAnalysis vo = ich.valueOutputs(set, testPrompts);     // label features at label positions
 * AttentionAnalysis att = ich.attention(set, testPrompts);         // foo-predicted vs bar-predicted
 * TwoTowersAnalysis towers = ich.twoTowers(set, testPrompts);      // q·k as a similarity metric
 * HeadsReportFiles.write(ich.report(set, testPrompts), Path.of("report")); // HTML, JSON and CSV
 * }</pre>
 * Immutable: every option returns a new instance, so one can branch from another. Each analysis runs its forward
 * passes in batches, each inside its own native scope, and returns records of plain Java data. The model stays
 * owned by the caller.
 */
public final class InContextHeads {
    // a facade: the steps live in HeadRankings (§3.1–3.2), HeadSelection (§3.3) and HeadSetAnalyses (§3.4–4, §8)
    private final Model model;
    private final HeadOptions options;

    private InContextHeads(Model model, HeadOptions options) {
        this.model = model;
        this.options = options;
    }

    /**
     * Starts an analysis of {@code model} with {@link HeadOptions#defaults()}.
     *
     * @throws IllegalArgumentException when the model is null or closed
     */
    public static InContextHeads of(Model model) {
        OptionChecks.nonNull("model", model);
        if (model.isClosed()) {
            throw new IllegalArgumentException("model " + model.source() + " is closed");
        }
        return new InContextHeads(model, HeadOptions.defaults());
    }

    /** The model analysed. */
    public Model model() {
        return model;
    }

    /** The options in force. */
    public HeadOptions options() {
        return options;
    }

    /** The same analysis with other options. */
    public InContextHeads options(HeadOptions o) {
        if (o == null) {
            throw new IllegalArgumentException("options must not be null");
        }
        return new InContextHeads(model, o);
    }

    /** Sizes of the foo-score, bar-score and ablation top lists (METHOD default 10, 10, 10). */
    public InContextHeads topHeads(int foo, int bar, int ablation) {
        return options(options.withTopHeads(foo, bar, ablation));
    }

    /** The same with the score top lists picking from {@code layers} ({@link HeadOptions#withScoreLayers}). */
    public InContextHeads scoreLayers(HeadOptions.ScoreLayers layers) {
        return options(options.withScoreLayers(layers));
    }

    /**
     * Scans layers {@code [from, to)} in the ablation ranking instead of the upper half.
     *
     * @throws IllegalArgumentException when the range is empty or outside the model
     */
    public InContextHeads ablationLayers(int from, int to) {
        HeadOptions o = options.withAblationLayers(from, to);
        o.ablationLayers(model.config().nLayers());
        return options(o);
    }

    /** Prompts per forward pass. */
    public InContextHeads batchSize(int prompts) {
        return options(options.withBatch(prompts, options.maxBatchRows()));
    }

    // ------------------------------------------------------------------ §3.1 scores

    /** {@link #scores(Map)} of one data set named "prompts". */
    public HeadScores scores(List<? extends PromptTokens> prompts) {
        return scores(Map.of("prompts", prompts));
    }

    /**
     * The log-probability increase of every head for each label word (METHOD §3.1), from one forward pass per
     * prompt batch, averaged over examples ({@link HeadOptions#scoreExamples()}) and data sets
     * ({@link HeadOptions#datasetAveraging()}).
     *
     * @throws IllegalArgumentException for no prompts, prompts without two shared label token ids, or (with
     *                                  {@code GOLD_ONLY}) a query without a gold label
     */
    public HeadScores scores(Map<String, ? extends List<? extends PromptTokens>> byDataset) {
        return rankings().scores(byDataset);
    }

    /**
     * Every head's log-probability increase on each prompt, before any averaging (one forward pass per prompt batch):
     * the values {@link #scores} averages. Shards of a data set scored this way, in batches of the same prompts,
     * combine with {@link HeadScores#combine} to exactly what {@link #scores} gives.
     *
     * @throws IllegalArgumentException for no prompts or prompts without two shared label token ids
     */
    public PromptScores promptScores(List<? extends PromptTokens> prompts) {
        return rankings().promptScores(prompts);
    }

    // ------------------------------------------------------------------ §3.2 ablation

    /** {@link #ablationRanking(Map)} of one data set named "prompts". */
    public AblationRanking ablationRanking(List<? extends PromptTokens> prompts) {
        return ablationRanking(Map.of("prompts", prompts));
    }

    /**
     * The accuracy drop when each head of the scanned layers ({@link HeadOptions#ablationLayers(int)}) is removed
     * (METHOD §3.2). Several ablations share each forward pass: the prompt batch is replicated once per head of a
     * layer and each copy loses a different head; each pass starts at the ablated layer from the clean residual.
     * Under an AtP screen ({@link HeadOptions#ablationScreen()}) attribution patching estimates every head's effect
     * first (with {@link HeadOptions#attribution()}, zero patch) and only the heads it picks are truly ablated
     * ({@link AblationScreen}).
     *
     * @throws IllegalArgumentException for bad prompts (see {@link #scores(Map)}; a gold label is required), a
     *                                  layer range outside the model, or an AtP screen with a patch other than zero
     */
    public AblationRanking ablationRanking(Map<String, ? extends List<? extends PromptTokens>> byDataset) {
        return rankings().ablationRanking(byDataset);
    }

    /**
     * The label outcome of each prompt, clean and with each head of layers {@code [fromLayer, toLayer)} removed in
     * turn, before any averaging: what {@link #ablationRanking} averages. Prompt shards and layer ranges ablated this
     * way, in batches of the same prompts, combine with {@link AblationRanking#combine} to exactly what
     * {@link #ablationRanking} gives.
     *
     * @throws IllegalArgumentException for bad prompts (a gold label is required) or a layer range outside the model
     */
    public PromptAblations promptAblations(List<? extends PromptTokens> prompts, int fromLayer, int toLayer) {
        return rankings().promptAblations(prompts, fromLayer, toLayer);
    }

    // ------------------------------------------------------------------ attribution patching

    /**
     * {@link #attribution(Map, AttributionOptions)} of one data set named "prompts", with
     * {@link HeadOptions#attribution()}.
     */
    public AttributionEstimates attribution(List<? extends PromptTokens> prompts) {
        return attribution(Map.of("prompts", prompts), options.attribution());
    }

    /** {@link #attribution(Map, AttributionOptions)} of one data set named "prompts". */
    public AttributionEstimates attribution(List<? extends PromptTokens> prompts, AttributionOptions o) {
        return attribution(Map.of("prompts", prompts), o);
    }

    /**
     * Attribution patching (AtP; AtP*'s GradDrop as an option): every head of the scanned layers
     * ({@link HeadOptions#ablationLayers(int)}) gets the linear estimate of its patch's effect on the metric from one
     * forward and one backward pass per prompt batch, at the positions {@link HeadOptions#ablateAt()} names, averaged
     * over prompts and data sets like the ablation ranking. For the zero and mean patches; the corrupted-prompt patch
     * takes {@link #attribution(List, List, AttributionOptions)}.
     *
     * @throws IllegalArgumentException for bad prompts (a gold label is required), a layer range outside the model,
     *                                  or the {@code CORRUPTED} patch
     */
    public AttributionEstimates attribution(Map<String, ? extends List<? extends PromptTokens>> byDataset,
            AttributionOptions o) {
        return rankings().attribution(byDataset, o);
    }

    /**
     * Attribution patching of activation patching: each head's {@code hook_z} taken from the corrupted prompt of the
     * same index (same token count when every position is patched), estimated from the clean prompts' gradients.
     *
     * @throws IllegalArgumentException for bad prompts, lists of different sizes, a pair of different lengths (all
     *                                  positions patched), or a patch other than {@code CORRUPTED}
     */
    public AttributionEstimates attribution(List<? extends PromptTokens> clean, List<? extends PromptTokens> corrupted,
            AttributionOptions o) {
        return rankings().attribution(clean, corrupted, o);
    }

    // ------------------------------------------------------------------ §3.3 selection

    /** {@link #find(Map)} on one data set named "prompts". */
    public InContextHeadSet find(List<? extends PromptTokens> prompts) {
        return find(Map.of("prompts", prompts));
    }

    /**
     * Scores, ablation ranking and selection in one call (METHOD §3.1–3.3). With {@link HeadOptions.Merge#SCORES_ONLY}
     * and {@code topAblation} 0 the ablation ranking is skipped.
     */
    public InContextHeadSet find(Map<String, ? extends List<? extends PromptTokens>> byDataset) {
        HeadScores s = scores(byDataset);
        boolean needAblation = options.merge() != HeadOptions.Merge.SCORES_ONLY || options.topAblation() > 0;
        AblationRanking a = needAblation ? ablationRanking(byDataset) : null;
        return select(s, a);
    }

    /**
     * The in-context head set of heads chosen by hand instead of found: each is a foo head when its foo score is at
     * least its bar score (the score top lists are kept for the report; no ablation ranking).
     *
     * @param scores the heads' scores
     * @param given  the heads (duplicates dropped, sorted)
     * @return the set
     */
    public InContextHeadSet given(HeadScores scores, List<HeadId> given) {
        return HeadSelection.given(model.toString(), model.config(), options, scores, given);
    }

    /**
     * Merges the top lists of the rankings into the in-context head set (METHOD §3.3, sizes and merge rule from
     * the options).
     *
     * @param ablation the ablation ranking, or null for {@link HeadOptions.Merge#SCORES_ONLY}
     * @throws IllegalArgumentException when a top size exceeds the heads available, or the merge rule needs an
     *                                  ablation ranking and none is given
     */
    public InContextHeadSet select(HeadScores scores, AblationRanking ablation) {
        return HeadSelection.select(model.toString(), model.config(), options, scores, ablation);
    }

    // ------------------------------------------------------------------ §3.4 intervention

    /**
     * Accuracy with the set's heads removed, beside the clean model, a control of random heads from the same layers
     * ({@link HeadOptions#controlDraws()} seeded draws) and the label-specific effects (METHOD §3.4). All
     * conditions share the forward passes ({@code [conditions × prompts]} batches).
     *
     * @throws IllegalArgumentException for an empty set, prompts without gold labels, or a control that cannot be
     *                                  drawn (too few other heads in a layer)
     */
    public InterventionResult intervene(InContextHeadSet set, List<? extends PromptTokens> prompts) {
        return analyses().intervene(set, prompts);
    }

    // ------------------------------------------------------------------ §4 what the heads do

    /**
     * The value-output analysis of METHOD §4: each in-context head's weighted value-output vectors at the label
     * positions, projected with the fixed scale: top tokens and the logit-minus {@code M = log p(foo) − log p(bar)},
     * per head and position type and per head group.
     *
     * @throws IllegalArgumentException for an empty set or prompts without label positions
     */
    public ValueOutputAnalysis valueOutputs(InContextHeadSet set, List<? extends PromptTokens> prompts) {
        return analyses().valueOutputs(set, prompts);
    }

    /**
     * The value-output vectors of one head at every position {@code p <= last} of one prompt, weighted by the
     * last position's attention when {@link HeadOptions#weightByAttention()} ({@code α_p · v_p W_O^h}):
     * {@code [last + 1][dModel]}. Weighted, they sum to the head's output at the last position
     * ({@code hook_result}).
     */
    public float[][] weightedValueOutputs(PromptTokens prompt, HeadId head) {
        return analyses().weightedValueOutputs(prompt, head);
    }

    /**
     * The attention analysis of METHOD §4: every head's summed attention from the last position to the foo and to
     * the bar positions, by group of examples ({@link HeadOptions#attentionGroupBy()}: by default the prediction in
     * the options' {@linkplain HeadOptions#readout() readout}, after batch calibration over {@code prompts} when that
     * is {@code calibrated}), and the relative change
     * from the foo group to the bar group for the set's heads.
     *
     * @throws IllegalArgumentException for an empty set, prompts without label positions, or (grouping by gold)
     *                                  prompts without gold labels
     */
    public AttentionAnalysis attention(InContextHeadSet set, List<? extends PromptTokens> prompts) {
        return analyses().attention(set, prompts);
    }

    /**
     * Where the set's heads read ({@link ReadingAnalysis}): each head's attention from the last position summed over
     * the label positions, the sentences of the demonstrations sharing the query's gold label, the other
     * demonstrations' sentences, the query sentence, the token right after each label word and the rest, averaged
     * over the prompts (one pass per batch).
     *
     * @throws IllegalArgumentException for an empty set, or prompts without gold labels or label positions
     */
    public ReadingAnalysis reading(InContextHeadSet set, List<IclPrompt> prompts) {
        return analyses().reading(set, prompts);
    }

    /**
     * The two-tower analysis of METHOD §4 for the set's heads: per label position the query-key score, its content
     * and positional parts, their correlation with the similarity of the query sentence to each demonstration
     * (cosine of mean ln1-normalised residuals, and token Jaccard), and the swap test.
     *
     * @throws IllegalArgumentException for an empty set or prompts without label positions
     */
    public TwoTowersAnalysis twoTowers(InContextHeadSet set, List<IclPrompt> prompts) {
        return analyses().twoTowers(set, prompts);
    }

    /** {@link #twoTowers(InContextHeadSet, List)} for any heads. */
    public TwoTowersAnalysis twoTowers(List<HeadId> heads, List<IclPrompt> prompts) {
        return analyses().twoTowers(heads, h -> null, prompts);
    }

    /**
     * The set's heads' attention from the last position over every token of the first
     * {@link HeadOptions#examplePrompts()} prompts, with each token's text ({@link TokenTexts}) and the model's
     * prediction: the token view of a report. The weights are those {@code Probe.on(model).prompt(p).attentionAt(..)}
     * gives, to the last bit (one prompt per pass).
     *
     * @param spacing where the token texts put the whitespace between tokens ({@link #report} puts it in front, as
     *                BPE tokenizers write {@code " foo"})
     * @throws IllegalArgumentException for an empty set, invalid prompts or a null spacing
     */
    public List<HeadsReport.ExamplePrompt> examplePrompts(InContextHeadSet set, List<IclPrompt> prompts,
            TokenTexts.Spacing spacing) {
        return analyses().examplePrompts(set, prompts, spacing);
    }

    // ------------------------------------------------------------------ §8 report

    /**
     * Runs every analysis of the set on {@code prompts} (the intervention only when every query has a gold label)
     * and gathers them, with the heads' attention over the first {@link HeadOptions#examplePrompts()} prompts,
     * into a report that writes HTML, JSON and CSV.
     *
     * @throws IllegalArgumentException for an empty set or prompts without label positions
     */
    public HeadsReport report(InContextHeadSet set, List<IclPrompt> prompts) {
        return analyses().report(set, prompts);
    }

    // ------------------------------------------------------------------ helpers

    /** The ranking steps under this instance's model and options. */
    private HeadRankings rankings() {
        return new HeadRankings(model, options);
    }

    /** The analyses of a head set under this instance's model and options. */
    private HeadSetAnalyses analyses() {
        return new HeadSetAnalyses(model, options);
    }

    /** {@code InContextHeads[llama[...], HeadOptions[...]]}. */
    @Override
    public String toString() {
        return "InContextHeads[" + model + ", " + options + "]";
    }
}
