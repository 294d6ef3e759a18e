package io.github.icl4j.heads.report;

import static io.github.icl4j.report.Numbers.f3;
import static io.github.icl4j.report.Numbers.s3;

import io.github.icl4j.HeadId;
import io.github.icl4j.ReadoutMetric;
import io.github.icl4j.heads.AttentionAnalysis;
import io.github.icl4j.heads.InContextHeadSet;
import io.github.icl4j.heads.InterventionResult;
import io.github.icl4j.heads.ReadingAnalysis;
import io.github.icl4j.heads.TwoTowersAnalysis;
import io.github.icl4j.heads.ValueOutputAnalysis;

/**
 * The readable summaries of icl-heads' results over several lines, for a terminal or a log: what each record's
 * one-line {@code toString} leaves out.
 *
 * <pre>{@code
 * System.out.println(HeadsText.summary(set));           // the heads with their scores and drops
 * System.out.println(HeadsText.summary(intervention));  // clean, removed, random control, label-specific
 * }</pre>
 */
public final class HeadsText {
    private HeadsText() {
    }

    /**
     * The heads with their group, scores and drops, under the set's one-line form.
     *
     * @param set the head set
     * @return the summary, each line ending in a line break
     */
    public static String summary(InContextHeadSet set) {
        StringBuilder sb = new StringBuilder(set.toString()).append('\n');
        sb.append(String.format("  %-8s %-5s %10s %10s %10s%n", "head", "group", "foo score", "bar score", "drop"));
        for (HeadId h : set.heads()) {
            sb.append(String.format("  %-8s %-5s %10s %10s %10s%n", h, set.groupOf(h).key(),
                    s3(set.scores().score(0, h)), s3(set.scores().score(1, h)),
                    set.ablation() == null ? "–" : s3(set.ablation().drop(h))));
        }
        return sb.toString();
    }

    /**
     * The clean model, the heads removed, the random control (with its readout when that is not argmax) and the
     * label-specific effects.
     *
     * @param r the intervention result
     * @return the summary, each line ending in a line break
     */
    public static String summary(InterventionResult r) {
        StringBuilder sb = new StringBuilder();
        sb.append("Intervention on ").append(r.heads().size()).append(" heads ").append(r.heads()).append(", ")
                .append(r.prompts()).append(" prompts (accuracy label-argmax / full-vocabulary)\n");
        sb.append("  clean model        ").append(r.baseline()).append('\n');
        sb.append("  in-context removed ").append(r.ablated()).append('\n');
        int distinct = r.distinctControls();
        sb.append("  random control     ").append(control(r, r.controlMean(), r.controlStd()))
                .append(distinct == 1 ? " (the only such set)" : "").append(" / ").append(f3(r.controlFullVocabMean()));
        if (distinct > 1) {
            sb.append(" ± ").append(f3(r.controlFullVocabStd()));
        }
        sb.append(" (").append(r.controls().size()).append(" draws of ").append(distinct)
                .append(" distinct sets, ").append(r.controlPool()).append(", seed ").append(r.controlSeed())
                .append(")\n");
        if (r.readout() != ReadoutMetric.ARGMAX) {
            sb.append("  readout ").append(r.readout()).append(": clean ").append(f3(r.baseline().readout()))
                    .append(", in-context removed ").append(f3(r.ablated().readout())).append(", random control ")
                    .append(control(r, r.controlReadoutMean(), r.controlReadoutStd())).append('\n');
        }
        for (InterventionResult.LabelSpecific l : r.labelSpecific()) {
            sb.append("  ").append(l).append('\n');
        }
        return sb.toString();
    }

    /** A control's mean ± std, the mean alone when every draw removed the same set, "–" without draws. */
    private static String control(InterventionResult r, double mean, double std) {
        if (r.controls().isEmpty()) {
            return "–";
        }
        return r.distinctControls() == 1 ? f3(mean) : f3(mean) + " ± " + f3(std);
    }

    /**
     * The mean M per head group and position type, then each head's line.
     *
     * @param v the value-output analysis
     * @return the summary, each line ending in a line break
     */
    public static String summary(ValueOutputAnalysis v) {
        StringBuilder sb = new StringBuilder("Value-output vectors at label positions (")
                .append(v.weighted() ? "weighted by attention" : "unweighted").append(", ").append(v.prompts())
                .append(" prompts)\n");
        v.groups().forEach(g -> sb.append("  ").append(g).append('\n'));
        v.heads().forEach(h -> sb.append("  ").append(h).append('\n'));
        return sb.toString();
    }

    /**
     * The groups' sizes, then each in-context head's attention by group.
     *
     * @param a the attention analysis
     * @return the summary, each line ending in a line break
     */
    public static String summary(AttentionAnalysis a) {
        int[] n = a.examplesPerGroup();
        StringBuilder sb = new StringBuilder("Attention at label positions, grouped by ").append(a.groupBy())
                .append(" (foo group n=").append(n[0]).append(", bar group n=").append(n[1]).append(")\n");
        a.heads().forEach(h -> sb.append("  ").append(h).append('\n'));
        return sb.toString();
    }

    /**
     * Each head's line, then the swap test.
     *
     * @param t the two-tower analysis
     * @return the summary, each line ending in a line break
     */
    public static String summary(TwoTowersAnalysis t) {
        StringBuilder sb = new StringBuilder("Two towers: query at the last position · key at each label position (")
                .append(t.prompts()).append(" prompts, ")
                .append(t.rotary() ? "rotary" : "absolute positions: no positional part").append(")\n");
        t.heads().forEach(h -> sb.append("  ").append(h).append('\n'));
        sb.append("  swap test on ").append(t.swapPrompts())
                .append(" prompts: prediction = swapped demonstration's label ").append(f3(t.baseAgreement()))
                .append(" → ").append(f3(t.swapAgreement())).append('\n');
        return sb.toString();
    }

    /**
     * Each head's attention by token role.
     *
     * @param r the reading analysis
     * @return the summary, each line ending in a line break
     */
    public static String summary(ReadingAnalysis r) {
        StringBuilder sb = new StringBuilder("Where the heads read: attention from the last position by token role ("
                + r.prompts() + " prompts)\n");
        r.heads().forEach(h -> sb.append("  ").append(h).append('\n'));
        return sb.toString();
    }
}
