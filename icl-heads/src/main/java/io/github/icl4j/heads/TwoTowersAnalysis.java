package io.github.icl4j.heads;

import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import io.github.icl4j.HeadId;
import java.util.List;

/**
 * METHOD §4 "two towers": in an in-context head the query at the last position and the key at each label position
 * act as two towers of a metric learner. For every head and label position this records the score
 * {@code s_p = q·k_p / sqrt(d_head)} (the pre-softmax attention score), split into a <em>content</em> part (the
 * same product of the unrotated query and key) and a <em>positional</em> part (the difference the rotary rotation
 * makes; 0 in models with absolute positions), and the similarity of the query sentence to that demonstration's
 * sentence by two measures:
 * <ul>
 *   <li>{@code cosine}: centred cosine similarity of the mean-pooled, ln1-normalised residuals over the two
 *       sentence spans, in the head's layer (what the head's query and key projections read); the mean of the
 *       prompt's sentence vectors (query and demonstrations) is taken out first, because a direction every
 *       sentence shares puts every raw cosine near 1;</li>
 *   <li>{@code jaccard}: the Jaccard overlap of the two sentences' token-id sets.</li>
 * </ul>
 * Correlations of score and content part with each similarity are given pooled over all (prompt, demonstration)
 * pairs and as the mean of within-prompt correlations (which removes each prompt's offset). The <em>swap test</em>
 * re-runs each prompt with the query sentence's tokens replaced by one demonstration's sentence tokens
 * (demonstration {@code prompt index mod demonstrations}) and reports how the attention on that demonstration's
 * label position moves.
 *
 * @param rotary         whether the model has rotary positions (else the positional part is 0)
 * @param prompts        prompts analysed
 * @param heads          one summary per head
 * @param rows           every (prompt, head, demonstration) measurement
 * @param swapPrompts    prompts the swap test ran on
 * @param swapAgreement  fraction of swapped prompts whose prediction is the swapped demonstration's label; the
 *                       prediction in {@link HeadOptions#readout()} (with {@code calibrated}: after batch calibration
 *                       over the swapped prompts)
 * @param baseAgreement  the same fraction on the unswapped prompts (for comparison; calibrated over them)
 */
public record TwoTowersAnalysis(boolean rotary, int prompts, List<HeadTowers> heads, List<TowerRow> rows,
        int swapPrompts, double swapAgreement, double baseAgreement) {

    /**
     * One measurement.
     *
     * @param prompt     prompt index
     * @param head       the head
     * @param demo       demonstration index
     * @param position   its label position
     * @param label      its label (0 foo, 1 bar)
     * @param score      {@code s_p}: rotated query · rotated key / sqrt(d_head)
     * @param content    unrotated query · unrotated key / sqrt(d_head)
     * @param positional {@code score − content}
     * @param attention  the attention {@code α_p} from the last position
     * @param cosine     centred cosine similarity of the mean ln1-normalised residuals of query and demonstration
     *                   sentence (the mean over the prompt's sentences removed)
     * @param jaccard    Jaccard overlap of their token-id sets
     */
    public record TowerRow(int prompt, HeadId head, int demo, int position, int label, double score, double content,
            double positional, double attention, double cosine, double jaccard) {
    }

    /**
     * A correlation over (prompt, demonstration) pairs.
     *
     * @param pairs                 pairs in the pooled correlation
     * @param pearson               pooled Pearson correlation
     * @param spearman              pooled Spearman rank correlation
     * @param prompts               prompts with a defined within-prompt correlation (at least 3 demonstrations and
     *                              both measures varying)
     * @param withinPromptPearson   mean within-prompt Pearson correlation
     * @param withinPromptSpearman  mean within-prompt Spearman correlation
     */
    public record Correlation(int pairs, double pearson, double spearman, int prompts, double withinPromptPearson,
            double withinPromptSpearman) {
        /** {@code r 0.41 / ρ 0.38 (n=160), within prompts r 0.52 / ρ 0.50 (40)}. */
        @Override
        public String toString() {
            return "r " + Arr.f3(pearson) + " / ρ " + Arr.f3(spearman) + " (n=" + pairs + "), within prompts r "
                    + Arr.f3(withinPromptPearson) + " / ρ " + Arr.f3(withinPromptSpearman) + " (" + prompts + ")";
        }
    }

    /**
     * The swap test for one head.
     *
     * @param n               swapped prompts
     * @param before          mean attention on the swapped demonstration's label position before the swap
     * @param after           the same after the swap
     * @param change          {@code after − before}
     * @param argmaxBefore    fraction of prompts where that label position had the head's largest attention
     *                        among label positions, before
     * @param argmaxAfter     the same after the swap
     */
    public record Swap(int n, double before, double after, double change, double argmaxBefore, double argmaxAfter) {
    }

    /**
     * One head's summary.
     *
     * @param head             the head
     * @param group            its group in the set, or null for a head outside an in-context head set (in JSON
     *                         {@code ""})
     * @param meanScore        mean {@code s_p}
     * @param meanContent      mean content part
     * @param meanPositional   mean positional part
     * @param scoreVsCosine    correlation of {@code s_p} with the cosine similarity
     * @param scoreVsJaccard   correlation of {@code s_p} with the token overlap
     * @param contentVsCosine  correlation of the content part with the cosine similarity
     * @param contentVsJaccard correlation of the content part with the token overlap
     * @param swap             the swap test
     */
    public record HeadTowers(HeadId head,
            @JsonSerialize(using = HeadsJson.GroupOrEmpty.class, nullsUsing = HeadsJson.GroupOrEmpty.class)
            @JsonDeserialize(using = HeadsJson.GroupOrEmptyReader.class) LabelGroup group, double meanScore, double meanContent, double meanPositional,
            Correlation scoreVsCosine, Correlation scoreVsJaccard, Correlation contentVsCosine,
            Correlation contentVsJaccard, Swap swap) {
        /** One line. */
        @Override
        public String toString() {
            return head + (group == null ? "" : " (" + group.key() + ")") + ": score " + Arr.s3(meanScore) + " = content "
                    + Arr.s3(meanContent) + " + positional " + Arr.s3(meanPositional) + "; score~cosine "
                    + scoreVsCosine + "; score~jaccard " + scoreVsJaccard + "; swap: attention " + Arr.f3(swap.before())
                    + " → " + Arr.f3(swap.after());
        }
    }

    /** Copies the lists. */
    public TwoTowersAnalysis {
        heads = List.copyOf(heads);
        rows = List.copyOf(rows);
    }

    /** The measurements of one head. */
    public List<TowerRow> rowsOf(HeadId head) {
        return rows.stream().filter(r -> r.head().equals(head)).toList();
    }

    /** {@code TwoTowersAnalysis[12 heads, 40 prompts, rotary, swap agreement 0.500 → 0.850]}. */
    @Override
    public String toString() {
        return "TwoTowersAnalysis[" + heads.size() + " heads, " + prompts + " prompts, "
                + (rotary ? "rotary" : "absolute positions") + ", swap agreement " + Arr.f3(baseAgreement) + " → "
                + Arr.f3(swapAgreement) + "]";
    }
}
