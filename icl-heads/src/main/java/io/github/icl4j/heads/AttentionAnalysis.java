package io.github.icl4j.heads;

import io.github.icl4j.HeadId;
import java.util.List;

/**
 * METHOD §4 attention analysis: the attention of every head from the last position to the foo positions and to
 * the bar positions (each summed over positions), averaged over the examples of each group (by the model's
 * prediction or by the gold label, {@link HeadOptions#attentionGroupBy()}), and for the in-context heads the
 * relative change from the foo group to the bar group. The paper finds foo heads' attention on foo positions
 * falling and bar heads' attention on bar positions rising when the prediction moves from foo to bar.
 *
 * @param groupBy          how examples were grouped
 * @param nLayers          layers of the model
 * @param nHeads           heads per layer
 * @param examplesPerGroup examples in group 0 (foo) and group 1 (bar)
 * @param toFoo            {@code [group][layer][head]} mean summed attention to foo positions (NaN for an empty group)
 * @param toBar            {@code [group][layer][head]} the same to bar positions
 * @param heads            the in-context heads' summaries
 */
public record AttentionAnalysis(HeadOptions.GroupBy groupBy, int nLayers, int nHeads, int[] examplesPerGroup,
        double[][][] toFoo, double[][][] toBar, List<HeadAttention> heads) {

    /**
     * One in-context head's attention by group.
     *
     * @param head          the head
     * @param group         the head's group in the set
     * @param fooPosFooGroup attention to foo positions, foo group
     * @param fooPosBarGroup attention to foo positions, bar group
     * @param fooPosChange  relative change {@code (bar − foo) / foo} of the attention to foo positions
     * @param barPosFooGroup attention to bar positions, foo group
     * @param barPosBarGroup attention to bar positions, bar group
     * @param barPosChange  relative change of the attention to bar positions
     */
    public record HeadAttention(HeadId head, LabelGroup group, double fooPosFooGroup, double fooPosBarGroup,
            double fooPosChange, double barPosFooGroup, double barPosBarGroup, double barPosChange) {
        /** {@code L2H1 (foo head): foo positions 0.412 → 0.300 (−27.2%), bar positions 0.100 → 0.250 (+150.0%)}. */
        @Override
        public String toString() {
            return head + " (" + group + " head): foo positions " + Arr.f3(fooPosFooGroup) + " → "
                    + Arr.f3(fooPosBarGroup) + " (" + pct(fooPosChange) + "), bar positions " + Arr.f3(barPosFooGroup)
                    + " → " + Arr.f3(barPosBarGroup) + " (" + pct(barPosChange) + ")";
        }
    }

    static String pct(double v) {
        return Double.isNaN(v) ? "–" : String.format(java.util.Locale.ROOT, "%+.1f%%", 100 * v);
    }

    /** Copies the arrays and the list. */
    public AttentionAnalysis {
        examplesPerGroup = Arr.copy(examplesPerGroup);
        toFoo = Arr.copy(toFoo);
        toBar = Arr.copy(toBar);
        heads = List.copyOf(heads);
    }

    @Override
    public int[] examplesPerGroup() {
        return Arr.copy(examplesPerGroup);
    }

    @Override
    public double[][][] toFoo() {
        return Arr.copy(toFoo);
    }

    @Override
    public double[][][] toBar() {
        return Arr.copy(toBar);
    }

    /** {@code AttentionAnalysis[by PREDICTION, 12 heads, groups 40/60]}. */
    @Override
    public String toString() {
        return "AttentionAnalysis[by " + groupBy + ", " + heads.size() + " heads, groups " + examplesPerGroup[0] + "/"
                + examplesPerGroup[1] + "]";
    }
}
