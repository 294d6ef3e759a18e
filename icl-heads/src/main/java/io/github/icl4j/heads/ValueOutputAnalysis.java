package io.github.icl4j.heads;

import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import io.github.icl4j.HeadId;
import java.util.List;

/**
 * METHOD §4 value-output analysis: for each in-context head and label position {@code p}, the weighted
 * value-output vector {@code α_p · v_p W_O^h} projected to the vocabulary with the fixed scale, its top tokens and
 * its logit-minus {@code M = log p(foo|·) − log p(bar|·)}; averaged per head and position type (foo positions,
 * bar positions) and per head group. Paper: foo heads at foo positions M ≈ +0.26…+0.32, bar heads at bar
 * positions ≈ −0.11…−0.20, mismatched ≈ −0.02…−0.14.
 *
 * @param labelWords the label words by class
 * @param weighted   vectors weighted by the attention {@code α_p} (METHOD §4) or bare {@code vo_p}
 * @param prompts    prompts analysed
 * @param heads      one summary per in-context head
 * @param groups     mean M per head group × position type
 * @param examples   per-position details for the first {@link HeadOptions#examplePrompts()} prompts
 */
public record ValueOutputAnalysis(List<String> labelWords, boolean weighted, int prompts, List<HeadValueOutputs> heads,
        List<GroupMean> groups, List<PositionDetail> examples) {

    /**
     * A token and its log-probability under a projected vector.
     *
     * @param id      token id
     * @param token   the token as the tokenizer writes it
     * @param logProb its log-probability (for averages: the mean log-probability)
     */
    public record TokenScore(long id, String token, double logProb) {
        /** {@code ' foo' −2.31}. */
        @Override
        public String toString() {
            return "'" + token + "' " + Arr.f3(logProb);
        }
    }

    /**
     * Statistics of one head's vectors at one kind of label position.
     *
     * @param n                  vectors (prompts × positions of that kind)
     * @param meanM              mean logit-minus
     * @param stdM               its sample standard deviation
     * @param meanMFooPredicted  mean M over examples the model predicts foo
     * @param meanMBarPredicted  mean M over examples the model predicts bar
     * @param meanAttention      mean attention {@code α_p} from the last position
     * @param topTokens          top tokens of the mean log-probability vector
     */
    public record PositionStats(int n, double meanM, double stdM, double meanMFooPredicted, double meanMBarPredicted,
            double meanAttention, List<TokenScore> topTokens) {
        /** Copies the list. */
        public PositionStats {
            topTokens = List.copyOf(topTokens);
        }
    }

    /**
     * One in-context head.
     *
     * @param head  the head
     * @param group its group in the set
     * @param atFoo its vectors at foo positions
     * @param atBar its vectors at bar positions
     */
    public record HeadValueOutputs(HeadId head, LabelGroup group, PositionStats atFoo, PositionStats atBar) {
        /** {@code L2H1 (foo): M at foo +0.310 (n=40), at bar −0.052 (n=40); top at foo [' foo' …]}. */
        @Override
        public String toString() {
            return head + " (" + group + "): M at foo positions " + Arr.s3(atFoo.meanM()) + " (n=" + atFoo.n()
                    + "), at bar positions " + Arr.s3(atBar.meanM()) + " (n=" + atBar.n() + "); top at foo "
                    + atFoo.topTokens().subList(0, Math.min(3, atFoo.topTokens().size())) + ", at bar "
                    + atBar.topTokens().subList(0, Math.min(3, atBar.topTokens().size()));
        }
    }

    /**
     * The mean M of a head group at a kind of label position, over all its vectors.
     *
     * @param heads     the group of heads (in JSON {@code "foo heads"} or {@code "bar heads"})
     * @param positions the kind of label position (in JSON {@code "foo positions"} or {@code "bar positions"})
     * @param n         vectors averaged
     * @param meanM     mean logit-minus
     */
    public record GroupMean(
            @JsonSerialize(using = HeadsJson.GroupAsHeads.class)
            @JsonDeserialize(using = HeadsJson.GroupAsHeadsReader.class) LabelGroup heads,
            @JsonSerialize(using = HeadsJson.GroupAsPositions.class)
            @JsonDeserialize(using = HeadsJson.GroupAsPositionsReader.class) LabelGroup positions,
            int n, double meanM) {
        /** {@code foo heads at foo positions: M +0.290 (n=240)}. */
        @Override
        public String toString() {
            return heads.heads() + " at " + positions.positions() + ": M " + Arr.s3(meanM) + " (n=" + n + ")";
        }
    }

    /**
     * One vector of an example prompt.
     *
     * @param prompt    prompt index
     * @param head      the head
     * @param position  the label position
     * @param label     its demonstration's label (0 foo, 1 bar)
     * @param attention {@code α_p}
     * @param m         its logit-minus
     * @param topTokens its top tokens
     */
    public record PositionDetail(int prompt, HeadId head, int position, int label, double attention, double m,
            List<TokenScore> topTokens) {
        /** Copies the list. */
        public PositionDetail {
            topTokens = List.copyOf(topTokens);
        }
    }

    /** Copies the lists. */
    public ValueOutputAnalysis {
        labelWords = List.copyOf(labelWords);
        heads = List.copyOf(heads);
        groups = List.copyOf(groups);
        examples = List.copyOf(examples);
    }

    /** {@code ValueOutputAnalysis[12 heads, 40 prompts, foo heads at foo positions M +0.290, ...]}. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("ValueOutputAnalysis[").append(heads.size()).append(" heads, ")
                .append(prompts).append(" prompts");
        groups.forEach(g -> sb.append(", ").append(g.heads().heads()).append(" at ").append(g.positions().positions()).append(" M ")
                .append(Arr.s3(g.meanM())));
        return sb.append(']').toString();
    }
}
