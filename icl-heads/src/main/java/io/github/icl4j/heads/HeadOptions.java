package io.github.icl4j.heads;

import static io.github.icl4j.OptionChecks.atLeast;
import static io.github.icl4j.OptionChecks.nonNull;

import io.github.icl4j.ReadoutMetric;
import io.soabase.recordbuilder.core.RecordBuilder;

/**
 * Every choice of the in-context head method (METHOD.md §1–4) that the paper left open, as an explicit option
 * with the documented default. Immutable: the generated {@code HeadOptionsBuilder} gives a builder
 * ({@code HeadOptionsBuilder.builder(HeadOptions.defaults())}) and a {@code with…} per component (e.g.
 * {@code withMerge}, {@code withTopTokens}) that returns a copy; a few withers set options that belong together.
 *
 * <pre>{@code
 * HeadOptions o = HeadOptions.defaults()
 *         .withTopHeads(6, 6, 10)            // sizes of the three rankings' top lists
 *         .withAblationLayers(16, 32)        // instead of the upper half
 *         .withMerge(HeadOptions.Merge.SCORES_ONLY);
 * InContextHeadSet set = InContextHeads.of(model).options(o).find(prompts);
 * }</pre>
 *
 * @param scoreExamples       which examples the log-probability increase of label word w is averaged over
 *                            (default {@link ScoreExamples#GOLD_ONLY}: those whose gold label is w)
 * @param datasetAveraging    how scores and ablation drops of several data sets are combined (default
 *                            {@link DatasetAveraging#MACRO})
 * @param unembedBias         add the unembedding bias (GPT-J has one) in the fixed-scale vocabulary projection;
 *                            default false, as in METHOD §2's formula {@code W_U(...)}
 * @param ablationFrom        first layer scanned by the ablation ranking, or {@link #UPPER_HALF} (default:
 *                            {@code nLayers / 2})
 * @param ablationTo          one past the last layer scanned, or {@link #UPPER_HALF} (default: {@code nLayers})
 * @param ablateAt            where a removed head's output is zeroed (default {@link AblateAt#ALL_POSITIONS})
 * @param protocol            the accuracy an ablation's drop is measured in (default
 *                            {@link Protocol#LABEL_ARGMAX}); both are always reported
 * @param topFoo              size of the foo-score ranking's top list (default 10)
 * @param topBar              size of the bar-score ranking's top list (default 10)
 * @param topAblation         size of the ablation ranking's top list (default 10)
 * @param merge               how the top lists become the in-context head set (default {@link Merge#UNION})
 * @param controlDraws        random head sets drawn for the intervention's control (default 5)
 * @param controlSeed         seed of the control draws (default 42)
 * @param controlPool         where control heads are drawn from (default {@link ControlPool#SAME_LAYER_COUNTS})
 * @param attentionGroupBy    how examples are split in the attention analysis (default
 *                            {@link GroupBy#PREDICTION})
 * @param weightByAttention   value-output vectors weighted by the last position's attention {@code α_p}
 *                            (default true, METHOD §4); false projects the bare {@code vo_p}
 * @param topTokens           tokens listed per projected vector (default 10)
 * @param examplePrompts      prompts whose per-position details are kept in the results (default 3)
 * @param batchSize           prompts per forward pass (default 8)
 * @param maxBatchRows        rows per forward pass when a prompt batch is replicated, one copy per ablation
 *                            (default 64)
 * @param scoreLayers         which layers' heads the foo and bar score rankings may put in their top lists
 *                            (default {@link ScoreLayers#ALL}; the scores of every head are kept either way)
 * @param ablationScreen      which heads the ablation ranking truly ablates (default
 *                            {@link AblationScreen.Strategy#EXHAUSTIVE}: every head of the scanned layers; or ranked
 *                            by attribution patching, with or without verifying its top heads)
 * @param attribution         attribution patching's choices, for {@link InContextHeads#attribution} and the AtP
 *                            screens (default {@link AttributionOptions#defaults()})
 * @param readout             the readout ablation drops, the intervention, the attention analysis's prediction
 *                            groups and the swap test are measured in (METHOD §8, default
 *                            {@link ReadoutMetric#ARGMAX}: accuracy in {@link #protocol()}; {@code calibrated} and
 *                            {@code auroc} see past a label prior)
 */
@RecordBuilder
public record HeadOptions(
        ScoreExamples scoreExamples,
        DatasetAveraging datasetAveraging,
        boolean unembedBias,
        int ablationFrom,
        int ablationTo,
        AblateAt ablateAt,
        Protocol protocol,
        int topFoo,
        int topBar,
        int topAblation,
        Merge merge,
        int controlDraws,
        long controlSeed,
        ControlPool controlPool,
        GroupBy attentionGroupBy,
        boolean weightByAttention,
        int topTokens,
        int examplePrompts,
        int batchSize,
        int maxBatchRows,
        ScoreLayers scoreLayers,
        AblationScreen.Strategy ablationScreen,
        AttributionOptions attribution,
        ReadoutMetric readout) implements HeadOptionsBuilder.With {

    /** Marks the ablation layer range as "the upper half of the model" (METHOD §3.2's choice). */
    public static final int UPPER_HALF = -1;

    /** Which examples a label word's score is averaged over (METHOD §3.1, a choice). */
    public enum ScoreExamples {
        /** The score of w on the examples whose gold label is w (the default). */
        GOLD_ONLY,
        /** The score of each label word on every example. */
        ALL
    }

    /** Which layers' heads the score rankings may select (METHOD §3.1 ranks every head). */
    public enum ScoreLayers {
        /** Every layer (the default). */
        ALL,
        /**
         * The layers the ablation ranking scans ({@link #ablationLayers}). A layer-0 head's query and keys see only
         * token identities and positions, so it cannot compare the query with the demonstrations: in a small model
         * the heads that merely copy every label word present can top the score rankings from there.
         */
        ABLATION_LAYERS
    }

    /** How several data sets are combined. */
    public enum DatasetAveraging {
        /** Mean over data sets of each data set's mean (each data set weighs the same; the default). */
        MACRO,
        /** Mean over all examples of all data sets. */
        POOLED
    }

    /** Where an ablation zeroes a head's output ({@code hook_z}). */
    public enum AblateAt {
        /** At every position: the head is removed (METHOD §3.2; the default). */
        ALL_POSITIONS,
        /** Only at each prompt's last position. */
        LAST_POSITION
    }

    /** The two accuracy protocols of METHOD §1. */
    public enum Protocol {
        /** (a) argmax over the two label tokens equals the gold label (the default). */
        LABEL_ARGMAX,
        /** (b) argmax over the whole vocabulary is the gold label token. */
        FULL_VOCAB
    }

    /** How the three top lists (foo score, bar score, ablation drop) become the in-context head set. */
    public enum Merge {
        /** All heads of all three top lists (METHOD §3.3 "take the top n of each ranking and merge"; default). */
        UNION,
        /** The two score top lists only; the ablation ranking stays evidence. */
        SCORES_ONLY,
        /** Heads of a score top list that are also in the ablation top list. */
        SCORES_AND_ABLATION
    }

    /** Where the intervention's control draws its random heads (METHOD §3.4). */
    public enum ControlPool {
        /** As many heads in each layer as the set has there, from that layer's other heads (the default). */
        SAME_LAYER_COUNTS,
        /** As many heads in total, from all other heads of the layers the set touches. */
        SAME_LAYERS_POOLED
    }

    /** How the attention analysis splits examples (METHOD §4, a choice). */
    public enum GroupBy {
        /**
         * By the model's prediction (the default) in the {@linkplain HeadOptions#readout() readout}: the argmax
         * over the label words, or after batch calibration over the prompts analysed.
         */
        PREDICTION,
        /** By the gold label. */
        GOLD
    }

    /**
     * Checks each option on its own (the checks against a model run when the options are used).
     *
     * @throws IllegalArgumentException naming the option, its value and the allowed range
     */
    public HeadOptions {
        nonNull("scoreExamples", scoreExamples);
        nonNull("datasetAveraging", datasetAveraging);
        nonNull("ablateAt", ablateAt);
        nonNull("protocol", protocol);
        nonNull("merge", merge);
        nonNull("controlPool", controlPool);
        nonNull("attentionGroupBy", attentionGroupBy);
        nonNull("scoreLayers", scoreLayers);
        nonNull("ablationScreen", ablationScreen);
        nonNull("attribution", attribution);
        nonNull("readout", readout);
        if ((ablationFrom == UPPER_HALF) != (ablationTo == UPPER_HALF)) {
            throw new IllegalArgumentException("ablation layers [" + ablationFrom + ", " + ablationTo + "): give both "
                    + "ends, or UPPER_HALF (-1) for both");
        }
        if (ablationFrom != UPPER_HALF && (ablationFrom < 0 || ablationTo <= ablationFrom)) {
            throw new IllegalArgumentException("ablation layers [" + ablationFrom + ", " + ablationTo + ") must satisfy "
                    + "0 <= from < to");
        }
        atLeast("topFoo", topFoo, 0);
        atLeast("topBar", topBar, 0);
        atLeast("topAblation", topAblation, 0);
        if (topFoo + topBar == 0) {
            throw new IllegalArgumentException("topFoo 0 and topBar 0: at least one score top list must be non-empty");
        }
        atLeast("controlDraws", controlDraws, 0);
        atLeast("topTokens", topTokens, 1);
        atLeast("examplePrompts", examplePrompts, 0);
        atLeast("batchSize", batchSize, 1);
        atLeast("maxBatchRows", maxBatchRows, 1);
    }

    /** The defaults of METHOD.md. */
    public static HeadOptions defaults() {
        return new HeadOptions(ScoreExamples.GOLD_ONLY, DatasetAveraging.MACRO, false, UPPER_HALF, UPPER_HALF,
                AblateAt.ALL_POSITIONS, Protocol.LABEL_ARGMAX, 10, 10, 10, Merge.UNION, 5, 42L,
                ControlPool.SAME_LAYER_COUNTS, GroupBy.PREDICTION, true, 10, 3, 8, 64, ScoreLayers.ALL,
                AblationScreen.Strategy.EXHAUSTIVE, AttributionOptions.defaults(), ReadoutMetric.ARGMAX);
    }

    /** Scans layers {@code [from, to)} in the ablation ranking ({@link #UPPER_HALF} twice for the default). */
    public HeadOptions withAblationLayers(int from, int to) {
        return with(b -> b.ablationFrom(from).ablationTo(to));
    }

    /** Sets the sizes of the foo-score, bar-score and ablation top lists. */
    public HeadOptions withTopHeads(int foo, int bar, int ablation) {
        return with(b -> b.topFoo(foo).topBar(bar).topAblation(ablation));
    }

    /** Sets the number of control draws, their seed and their pool. */
    public HeadOptions withControl(int draws, long seed, ControlPool pool) {
        return with(b -> b.controlDraws(draws).controlSeed(seed).controlPool(pool));
    }

    /** Sets prompts per forward pass and rows per replicated forward pass. */
    public HeadOptions withBatch(int prompts, int maxRows) {
        return with(b -> b.batchSize(prompts).maxBatchRows(maxRows));
    }

    /**
     * The ablation layer range for a model of {@code nLayers} blocks: {@code [from, to)}.
     *
     * @throws IllegalArgumentException when the range does not fit the model
     */
    public int[] ablationLayers(int nLayers) {
        if (ablationFrom == UPPER_HALF) {
            return new int[] {nLayers / 2, nLayers};
        }
        if (ablationTo > nLayers) {
            throw new IllegalArgumentException("ablation layers [" + ablationFrom + ", " + ablationTo
                    + ") out of range [0, " + nLayers + "] for a model of " + nLayers + " layers");
        }
        return new int[] {ablationFrom, ablationTo};
    }

    /** One line per option. */
    @Override
    public String toString() {
        return "HeadOptions[scores on " + scoreExamples + " examples, " + datasetAveraging + " over data sets"
                + (unembedBias ? ", unembedding bias" : "") + ", ablation layers "
                + (ablationFrom == UPPER_HALF ? "upper half" : "[" + ablationFrom + ", " + ablationTo + ")") + " at "
                + ablateAt + " by " + protocol + ", top foo " + topFoo + " / bar " + topBar + " / ablation "
                + topAblation + " merged by " + merge + ", control " + controlDraws + " draws (seed " + controlSeed
                + ", " + controlPool + "), attention grouped by " + attentionGroupBy + ", vo "
                + (weightByAttention ? "weighted" : "unweighted") + ", top " + topTokens + " tokens, batch "
                + batchSize + " prompts / " + maxBatchRows + " rows"
                + (scoreLayers == ScoreLayers.ALL ? "" : ", score top lists from the ablation layers")
                + (ablationScreen == AblationScreen.Strategy.EXHAUSTIVE ? ""
                        : ", ablation screen " + ablationScreen.flag() + " by " + attribution)
                + (readout == ReadoutMetric.ARGMAX ? "" : ", readout " + readout) + "]";
    }
}
