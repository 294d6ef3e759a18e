package io.github.icl4j.heads;

import io.github.icl4j.HeadId;
import io.github.icl4j.IclPrompt;
import io.github.icl4j.Model;
import io.github.icl4j.PromptTokens;
import io.github.icl4j.TokenTexts;
import io.github.icl4j.model.ModelConfig;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a found head set does (METHOD §3.4–4) and the report of all of it (§8): each step checks the set and the
 * prompts, then hands them to its analysis class ({@link Intervention}, {@link ValueOutputs},
 * {@link AttentionByGroup}, {@link Reading}, {@link Towers}, {@link ExamplePrompts}). {@link InContextHeads} is the
 * public entry point; its Javadoc states each step's contract.
 */
final class HeadSetAnalyses {
    // logged under the facade's name, as before the facade was split
    private static final Logger LOG = LoggerFactory.getLogger(InContextHeads.class);

    private final Model model;
    private final HeadOptions options;

    HeadSetAnalyses(Model model, HeadOptions options) {
        this.model = model;
        this.options = options;
    }

    /** See {@link InContextHeads#intervene}. */
    InterventionResult intervene(InContextHeadSet set, List<? extends PromptTokens> prompts) {
        checkSet(set);
        long[] ids = PromptChecks.check(model, "intervene", prompts, true, false);
        return Intervention.run(model, options, set, prompts, ids);
    }

    /** See {@link InContextHeads#valueOutputs}. */
    ValueOutputAnalysis valueOutputs(InContextHeadSet set, List<? extends PromptTokens> prompts) {
        checkSet(set);
        long[] ids = PromptChecks.check(model, "valueOutputs", prompts, false, true);
        return ValueOutputs.analyse(model, set, prompts, ids, options);
    }

    /** See {@link InContextHeads#weightedValueOutputs}. */
    float[][] weightedValueOutputs(PromptTokens prompt, HeadId head) {
        if (prompt == null || head == null) {
            throw new IllegalArgumentException("prompt and head must not be null");
        }
        return ValueOutputs.allPositions(model, prompt, head, options.weightByAttention());
    }

    /** See {@link InContextHeads#attention}. */
    AttentionAnalysis attention(InContextHeadSet set, List<? extends PromptTokens> prompts) {
        checkSet(set);
        boolean byGold = options.attentionGroupBy() == HeadOptions.GroupBy.GOLD;
        long[] ids = PromptChecks.check(model, "attention", prompts, byGold, true);
        return AttentionByGroup.run(model, options, set, prompts, byGold, ids);
    }

    /** See {@link InContextHeads#reading}. */
    ReadingAnalysis reading(InContextHeadSet set, List<IclPrompt> prompts) {
        checkSet(set);
        long[] ids = PromptChecks.check(model, "reading", prompts, true, true);
        return Reading.run(model, options, set, prompts, ids);
    }

    /** See {@link InContextHeads#twoTowers(InContextHeadSet, List)}. */
    TwoTowersAnalysis twoTowers(InContextHeadSet set, List<IclPrompt> prompts) {
        checkSet(set);
        return twoTowers(set.heads(), set::groupOf, prompts);
    }

    /**
     * The two-tower analysis of any heads.
     *
     * @param groupOf each head's group (null for heads outside a set)
     */
    TwoTowersAnalysis twoTowers(List<HeadId> heads, Function<HeadId, LabelGroup> groupOf, List<IclPrompt> prompts) {
        if (heads == null || heads.isEmpty()) {
            throw new IllegalArgumentException("twoTowers needs at least one head; got none");
        }
        ModelConfig c = model.config();
        heads.forEach(h -> h.checkIn(c.nLayers(), c.nHeads()));
        long[] ids = PromptChecks.check(model, "twoTowers", prompts, false, true);
        return Towers.analyse(model, List.copyOf(new TreeSet<>(heads)), groupOf, prompts, ids, options);
    }

    /** See {@link InContextHeads#examplePrompts}. */
    List<HeadsReport.ExamplePrompt> examplePrompts(InContextHeadSet set, List<IclPrompt> prompts,
            TokenTexts.Spacing spacing) {
        checkSet(set);
        if (spacing == null) {
            throw new IllegalArgumentException("spacing must not be null; one of "
                    + Arrays.toString(TokenTexts.Spacing.values()));
        }
        long[] ids = PromptChecks.check(model, "examplePrompts", prompts, false, false);
        return ExamplePrompts.of(model, options, set, prompts, ids, spacing);
    }

    /** See {@link InContextHeads#report}. */
    HeadsReport report(InContextHeadSet set, List<IclPrompt> prompts) {
        checkSet(set);
        long[] ids = PromptChecks.check(model, "report", prompts, false, true);
        boolean gold = prompts.stream().allMatch(p -> p.queryLabel() == 0 || p.queryLabel() == 1);
        if (!gold) {
            LOG.info("report: some queries have no gold label; the intervention experiment is left out");
        }
        InterventionResult iv = gold ? intervene(set, prompts) : null;
        ValueOutputAnalysis vo = valueOutputs(set, prompts);
        AttentionAnalysis att = gold || options.attentionGroupBy() == HeadOptions.GroupBy.PREDICTION
                ? attention(set, prompts) : null;
        TwoTowersAnalysis towers = twoTowers(set, prompts);
        ReadingAnalysis reads = gold ? reading(set, prompts) : null;
        List<HeadsReport.ExamplePrompt> examples = ExamplePrompts.of(model, options, set, prompts, ids,
                TokenTexts.Spacing.LEADING);
        return new HeadsReport("In-context heads of " + model.config().modelType() + " (" + model.config().nLayers()
                + " × " + model.config().nHeads() + " heads)", set, iv, vo, att, towers, reads, examples);
    }

    private void checkSet(InContextHeadSet set) {
        if (set == null) {
            throw new IllegalArgumentException("head set must not be null");
        }
        if (set.heads().isEmpty()) {
            throw new IllegalArgumentException("the head set is empty; nothing to analyse (" + set + ")");
        }
        ModelConfig c = model.config();
        set.heads().forEach(h -> h.checkIn(c.nLayers(), c.nHeads()));
    }
}
