package io.github.icl4j.examples.cli;

import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import io.github.icl4j.HeadId;
import io.github.icl4j.bias.BiasComparison;
import io.github.icl4j.bias.BiasKind;
import io.github.icl4j.bias.Correction;
import io.github.icl4j.bias.Interval;
import io.github.icl4j.bias.MajorityResult;
import io.github.icl4j.bias.RecencyResult;
import io.github.icl4j.heads.AttentionAnalysis;
import io.github.icl4j.heads.HeadsJson;
import io.github.icl4j.heads.InContextHeadSet;
import io.github.icl4j.heads.InterventionControl;
import io.github.icl4j.heads.InterventionResult;
import io.github.icl4j.heads.LabelGroup;
import io.github.icl4j.heads.TwoTowersAnalysis;
import io.github.icl4j.heads.ReadingAnalysis;
import io.github.icl4j.heads.ValueOutputAnalysis;
import io.github.icl4j.ReadoutMetric;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The numbers a reader looks for first, taken from one run of the main job: how much accuracy falls when the
 * in-context heads are removed (against removing random heads), what their value-output vectors say at foo and
 * bar positions, how their attention moves with the prediction, how well query · key tracks sentence similarity,
 * and each bias metric with and without each correction.
 *
 * @param heads             in-context heads found
 * @param totalHeads        heads in the model
 * @param fooHeads          the foo heads
 * @param barHeads          the bar heads
 * @param prompts           test prompts
 * @param baseline          accuracy of the clean model (label argmax)
 * @param ablated           accuracy with the in-context heads zeroed
 * @param controlMean       mean accuracy with as many random heads zeroed
 * @param controlStd        its standard deviation over draws
 * @param controlDraws      control draws
 * @param controlDistinct   distinct random head sets the control could draw
 * @param valueOutputs      mean logit-minus M = log p(foo) − log p(bar) of the weighted value-output vectors, per
 *                          head group and position type
 * @param attention         summed attention of each head group on its own label's positions, in examples predicted
 *                          foo and predicted bar
 * @param twoTowerR         mean over the heads of the within-prompt Pearson correlation of q·k with the cosine
 *                          similarity of query and demonstration sentences
 * @param twoTowerPooledR   the same, pooled over prompts
 * @param swapBefore        fraction of prompts predicting the label of the demonstration whose sentence the swap test
 *                          copies into the query, before the swap
 * @param swapAfter         the same after the swap
 * @param bias              one row per bias and correction
 * @param ac                a_c of the majority-label fix (NaN without the majority study)
 * @param acTuned           whether a_c was tuned on tasks disjoint from the test tasks
 * @param labelWords        the label words of class 0 and class 1 (" foo" and " bar", or natural words: the
 *                          notes still call their heads and positions foo and bar, as the paper does)
 * @param reading           where each in-context head's attention from the last position goes
 * @param readout           the readout of the intervention's and the bias study's numbers (METHOD §8); with
 *                          {@code calibrated} or {@code auroc} the bias rows' accuracy is that readout
 * @param baselineReadout   the readout of the clean model (equals {@code baseline} with {@code argmax})
 * @param ablatedReadout    the readout with the in-context heads zeroed
 * @param controlReadoutMean the mean readout with as many random heads zeroed
 * @param controlReadoutStd its standard deviation over draws
 */
public record Headline(int heads, int totalHeads, List<HeadId> fooHeads, List<HeadId> barHeads, int prompts,
        double baseline, double ablated, double controlMean, double controlStd, int controlDraws, long controlDistinct,
        List<ValueOutputM> valueOutputs, List<AttentionShift> attention, double twoTowerR, double twoTowerPooledR,
        double swapBefore, double swapAfter, List<BiasRow> bias, double ac, boolean acTuned, List<String> labelWords,
        List<ReadingAnalysis.HeadReading> reading, ReadoutMetric readout, double baselineReadout,
        double ablatedReadout, double controlReadoutMean, double controlReadoutStd) {

    /**
     * One mean logit-minus.
     *
     * @param heads     the group of heads (in JSON {@code "foo heads"} or {@code "bar heads"})
     * @param positions the kind of label position (in JSON {@code "foo positions"} or {@code "bar positions"})
     * @param meanM     mean M
     * @param n         vectors averaged
     */
    public record ValueOutputM(
            @JsonSerialize(using = HeadsJson.GroupAsHeads.class)
            @JsonDeserialize(using = HeadsJson.GroupAsHeadsReader.class) LabelGroup heads,
            @JsonSerialize(using = HeadsJson.GroupAsPositions.class)
            @JsonDeserialize(using = HeadsJson.GroupAsPositionsReader.class) LabelGroup positions,
            double meanM, int n) {
    }

    /**
     * How one head group's attention on its own label's positions moves with the prediction (summed over the
     * group's heads, so a head with almost no attention cannot blow up the relative change).
     *
     * @param group        foo heads (attention on foo positions) or bar heads (on bar positions); in JSON
     *                     {@code "foo heads"} or {@code "bar heads"}
     * @param fooPredicted summed attention in examples predicted foo
     * @param barPredicted the same in examples predicted bar
     * @param change       relative change from foo-predicted to bar-predicted
     */
    public record AttentionShift(
            @JsonSerialize(using = HeadsJson.GroupAsHeads.class)
            @JsonDeserialize(using = HeadsJson.GroupAsHeadsReader.class) LabelGroup group, double fooPredicted,
            double barPredicted, double change) {
    }

    /**
     * One correction of one bias.
     *
     * @param bias               the bias
     * @param correction         the row's name: the correction's label, with the recency fix variant for a variant
     *                           other than the study's first ({@code RecencyResult.label(row)})
     * @param accuracy           accuracy (majority: with one demonstration fewer; recency: mean over orders)
     * @param metric             the bias metric: fluctuation of accuracy (majority) or its std across orders
     *                           (recency)
     * @param metricReduction    relative reduction of the metric against no correction (NaN for none)
     * @param attentionStd       recency only: std across orders of the heads' attention at label positions
     * @param attentionReduction its relative reduction against no correction
     */
    public record BiasRow(BiasKind bias, String correction, double accuracy, double metric, double metricReduction,
            double attentionStd, double attentionReduction) {
    }

    /** Copies the lists. */
    public Headline {
        fooHeads = List.copyOf(fooHeads);
        barHeads = List.copyOf(barHeads);
        labelWords = labelWords == null ? List.of(" foo", " bar") : List.copyOf(labelWords);
        reading = reading == null ? List.of() : List.copyOf(reading);
        valueOutputs = List.copyOf(valueOutputs);
        attention = List.copyOf(attention);
        bias = List.copyOf(bias);
        readout = readout == null ? ReadoutMetric.ARGMAX : readout;
    }

    /** Gathers the headline numbers from the job's results. */
    public static Headline of(InContextHeadSet set, InterventionControl control, InterventionResult iv,
            MainJob.Analysis a, BiasComparison bias) {
        List<ValueOutputM> vo = new ArrayList<>();
        for (ValueOutputAnalysis.GroupMean g : a.valueOutputs().groups()) {
            vo.add(new ValueOutputM(g.heads(), g.positions(), g.meanM(), g.n()));
        }
        List<AttentionShift> att = new ArrayList<>();
        for (LabelGroup group : LabelGroup.values()) {
            double f = 0;
            double b = 0;
            int n = 0;
            for (AttentionAnalysis.HeadAttention h : a.attention().heads()) {
                if (h.group() == group) {
                    f += group == LabelGroup.FOO ? h.fooPosFooGroup() : h.barPosFooGroup();
                    b += group == LabelGroup.FOO ? h.fooPosBarGroup() : h.barPosBarGroup();
                    n++;
                }
            }
            if (n > 0) {
                att.add(new AttentionShift(group, f, b, (b - f) / f));
            }
        }
        TwoTowersAnalysis t = a.twoTowers();
        double within = t.heads().stream().mapToDouble(h -> h.scoreVsCosine().withinPromptPearson())
                .filter(Double::isFinite).average().orElse(Double.NaN);
        double pooled = t.heads().stream().mapToDouble(h -> h.scoreVsCosine().pearson()).filter(Double::isFinite)
                .average().orElse(Double.NaN);
        List<BiasRow> rows = new ArrayList<>();
        MajorityResult m = bias.majority();
        if (m != null) {
            for (MajorityResult.Row r : m.rows()) {
                rows.add(new BiasRow(BiasKind.MAJORITY, r.correction().label(), mean(r.accuracy()), mean(r.fluctuation()),
                        r.correction() == Correction.NONE ? Double.NaN : mean(r.fluctuationReduction()), Double.NaN,
                        Double.NaN));
            }
        }
        RecencyResult rc = bias.recency();
        if (rc != null) {
            for (RecencyResult.Row r : rc.rows()) {
                boolean none = r.correction() == Correction.NONE;
                rows.add(new BiasRow(BiasKind.RECENCY, rc.label(r), mean(r.accuracy()), mean(r.accuracyStd()),
                        none ? Double.NaN : mean(r.accuracyStdReduction()), mean(r.attentionStd()),
                        none ? Double.NaN : mean(r.attentionStdReduction())));
            }
        }
        return new Headline(set.size(), set.scores().nLayers() * set.scores().nHeads(), set.fooHeads(),
                set.barHeads(), iv.prompts(), iv.baseline().accuracy(), iv.ablated().accuracy(), iv.controlMean(),
                iv.controlStd(), control.draws(), control.distinct(), vo, att, within, pooled, t.baseAgreement(),
                t.swapAgreement(), rows, m == null ? Double.NaN : m.options().ac(), bias.tuning() != null,
                a.valueOutputs().labelWords(), a.reading().heads(), iv.readout(), iv.baseline().readout(),
                iv.ablated().readout(), iv.controlReadoutMean(), iv.controlReadoutStd());
    }

    private static double mean(Interval i) {
        return i == null ? Double.NaN : i.mean();
    }

    /**
     * The row of one bias and correction, e.g. {@code (RECENCY, FIX)} (with several recency fix variants, the first
     * variant's row, which carries the plain name).
     */
    public BiasRow biasRow(BiasKind which, Correction correction) {
        return bias.stream().filter(r -> r.bias() == which && r.correction().equals(correction.label())).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no bias row " + which + " / " + correction.label()
                        + "; rows: " + bias.stream().map(r -> r.bias() + " / " + r.correction()).toList()));
    }

    /** The mean M of one head group at one position type (NaN when absent). */
    public double meanM(LabelGroup headGroup, LabelGroup positions) {
        return valueOutputs.stream().filter(v -> v.heads() == headGroup && v.positions() == positions)
                .mapToDouble(ValueOutputM::meanM).findFirst().orElse(Double.NaN);
    }

    /**
     * The numbers read out in plain language, one sentence per finding: what the signs and sizes say, with the
     * paper's values beside them where it reports some. No verdict rests on a threshold except where a sentence
     * says so (accuracy within 0.05 of chance is called chance).
     */
    public List<String> notes() {
        List<String> out = new ArrayList<>();
        if (!naturalNames()) {
            out.add(String.format(Locale.ROOT, "Label words: '%s' for class 0 and '%s' for class 1. As in the paper, "
                    + "heads and positions of the first are called foo heads and foo positions below, of the second "
                    + "bar heads and bar positions.", labelWords.get(0), labelWords.get(1)));
        }
        out.add(String.format(Locale.ROOT, "Zeroing the %d in-context heads (of %d) %s accuracy from %s to %s%s.",
                heads, totalHeads, ablated < baseline ? "lowers" : ablated > baseline ? "raises" : "leaves",
                f3(baseline), f3(ablated), controlDraws == 0
                        ? "; no random control was possible (too few other heads in these layers)"
                        : controlDistinct == 1
                        ? String.format(Locale.ROOT, "; zeroing the only other set of as many heads in these layers "
                                + "gives %s", f3(controlMean))
                        : String.format(Locale.ROOT, "; zeroing as many random heads of the same layers gives %s ± %s"
                                + " (%d random sets)", f3(controlMean), f3(controlStd), controlDraws)));
        if (readout != ReadoutMetric.ARGMAX) {
            out.add(String.format(Locale.ROOT, "Read %s (%s, chance 0.5), the clean model gives %s, the in-context "
                    + "heads zeroed %s, as many random heads zeroed %s; the bias tables below are in this readout "
                    + "too.", readout == ReadoutMetric.AUROC ? "as an AUROC" : "after batch calibration",
                    readoutName(), f3(baselineReadout), f3(ablatedReadout), controlDraws == 0 ? "–"
                            : f3(controlReadoutMean) + (controlDistinct == 1 ? "" : " ± " + f3(controlReadoutStd))));
        }
        double ff = meanM(LabelGroup.FOO, LabelGroup.FOO);
        double fb = meanM(LabelGroup.FOO, LabelGroup.BAR);
        double bb = meanM(LabelGroup.BAR, LabelGroup.BAR);
        double bf = meanM(LabelGroup.BAR, LabelGroup.FOO);
        if (Double.isFinite(ff) && Double.isFinite(fb) && negligible(ff, fb)) {
            out.add(String.format(Locale.ROOT, "Foo heads' value-output vectors give M = %s at foo positions and %s at "
                    + "bar positions: they write next to nothing there, so this comparison says nothing about them.",
                    s3(ff), s3(fb)));
        } else if (Double.isFinite(ff) && Double.isFinite(fb)) {
            out.add(String.format(Locale.ROOT, "Foo heads' value-output vectors give M = %s at foo positions and %s at "
                    + "bar positions: %s (paper: +0.26 to +0.32 at foo positions).", s3(ff), s3(fb), ff > fb
                    ? "they push towards the label of the position they read, as in the paper"
                    : "read directly through the unembedding they push towards the other label, unlike the paper"));
        }
        if (Double.isFinite(bb) && Double.isFinite(bf) && negligible(bb, bf)) {
            out.add(String.format(Locale.ROOT, "Bar heads give M = %s at bar positions and %s at foo positions: they "
                    + "write next to nothing there, so this comparison says nothing about them.", s3(bb), s3(bf)));
        } else if (Double.isFinite(bb) && Double.isFinite(bf)) {
            out.add(String.format(Locale.ROOT, "Bar heads give M = %s at bar positions and %s at foo positions%s "
                    + "(paper: −0.11 to −0.20 at bar positions).", s3(bb), s3(bf), bb < bf
                    ? ", pushing towards the label they read" : ", not towards the label they read"));
        }
        for (AttentionShift a : attention) {
            String own = a.group().key();
            if (negligible(a.fooPredicted(), a.barPredicted())) {
                out.add(String.format(Locale.ROOT, "%s hardly attend to the %s positions (summed over the group: %s "
                        + "when foo is predicted, %s when bar is), so their attention shift says nothing.",
                        capitalised(a.group().heads()), own, f3(a.fooPredicted()), f3(a.barPredicted())));
                continue;
            }
            out.add(String.format(Locale.ROOT, "When the prediction is bar rather than foo, %s put %s attention on the "
                    + "%s positions (summed over the group: %s → %s, %s; paper: %s).", a.group().heads(),
                    a.change() >= 0 ? "more" : "less", own,
                    f3(a.fooPredicted()), f3(a.barPredicted()), pct(a.change()),
                    a.group() == LabelGroup.FOO ? "−22% to −43%" : "+86% to +238%"));
        }
        out.add(String.format(Locale.ROOT, "Two towers: the query–key score tracks the similarity of the query "
                + "sentence to each demonstration with a mean within-prompt r of %s; copying a demonstration's sentence "
                + "into the query makes the model answer that demonstration's label in %s of prompts (%s before).",
                s3(twoTowerR), pct0(swapAfter), pct0(swapBefore)));
        readingNote(out);
        majorityNote(out);
        recencyNote(out);
        return out;
    }

    private void majorityNote(List<String> out) {
        if (bias.stream().noneMatch(r -> r.bias() == BiasKind.MAJORITY)) {
            return;
        }
        BiasRow none = biasRow(BiasKind.MAJORITY, Correction.NONE);
        BiasRow fix = biasRow(BiasKind.MAJORITY, Correction.FIX);
        if (acTuned && ac == 0) {
            out.add(String.format(Locale.ROOT, "Majority-label bias: accuracy moves by %s on average when one "
                    + "demonstration is dropped. Tuning chose a_c = 0 (the fix did not lower this fluctuation on the "
                    + "tuning tasks), so the fix is off and equals no correction.", f3(none.metric())));
        } else {
            out.add(String.format(Locale.ROOT, "Majority-label bias: the fix (a_c = %s%s) changes the fluctuation of "
                    + "accuracy from %s to %s (%s reduction; paper: 15–29%%) and accuracy from %s to %s.", ac,
                    acTuned ? ", tuned" : "", f3(none.metric()), f3(fix.metric()), pct(fix.metricReduction()),
                    f3(none.accuracy()), f3(fix.accuracy())));
        }
    }

    private void recencyNote(List<String> out) {
        if (bias.stream().noneMatch(r -> r.bias() == BiasKind.RECENCY)) {
            return;
        }
        BiasRow none = biasRow(BiasKind.RECENCY, Correction.NONE);
        BiasRow fix = biasRow(BiasKind.RECENCY, Correction.FIX);
        String s = String.format(Locale.ROOT, "Recency bias: the rotary-free fix changes the spread of accuracy across "
                + "orders from %s to %s and of the heads' attention from %s to %s (paper: −11%% to −23%% and about "
                + "−40%%)", f3(none.metric()), f3(fix.metric()), f3(none.attentionStd()), f3(fix.attentionStd()));
        if (fix.accuracy() <= 0.55) {
            s += String.format(Locale.ROOT, ", but accuracy falls from %s to %s, chance: these heads need their "
                    + "positions, and a smaller spread at chance is no gain", f3(none.accuracy()), f3(fix.accuracy()));
        } else {
            s += String.format(Locale.ROOT, "; accuracy goes from %s to %s", f3(none.accuracy()), f3(fix.accuracy()));
        }
        out.add(s + ".");
    }

    /** Below this, an M or a summed attention is no evidence either way (both values). */
    static final double NEGLIGIBLE = 0.01;

    private static boolean negligible(double a, double b) {
        return Math.abs(a) < NEGLIGIBLE && Math.abs(b) < NEGLIGIBLE;
    }

    private static String capitalised(String s) {
        return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }

    private static String pct0(double v) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%.0f%%", 100 * v) : "–";
    }

    /** The headline numbers as a Markdown document, with the settings they were measured with. */
    public String markdown(JobOptions o, String data, String model) {
        StringBuilder sb = new StringBuilder("# icl4j report: headline numbers\n\n");
        sb.append("- model: `").append(model).append("`\n");
        sb.append("- data: ").append(data).append('\n');
        sb.append("- settings: ").append(o.describe()).append("\n\n");
        sb.append(table());
        sb.append("\n## Reading the numbers\n\n");
        notes().forEach(n -> sb.append("- ").append(n).append('\n'));
        return sb.toString();
    }

    /**
     * Where the heads read: for each head (the first four), its share of attention from the last token on the label
     * words, the query and the demonstrations' sentences (with the part of that on the query's label).
     */
    private void readingNote(List<String> out) {
        if (reading.isEmpty()) {
            return;
        }
        List<String> parts = new ArrayList<>();
        List<String> blind = new ArrayList<>();
        for (ReadingAnalysis.HeadReading h : reading.subList(0, Math.min(4, reading.size()))) {
            double demos = h.matchingSentences() + h.otherSentences();
            parts.add(String.format(Locale.ROOT, "%s puts %s on the label words (%s of that on the query's label), "
                    + "%s on the tokens right after them, %s on the query and %s on the demonstrations' sentences (%s "
                    + "of that on the query's label)", h.head(), pct0(h.labelPositions()),
                    pct0(h.matchingLabelShare()), pct0(h.afterLabels()), pct0(h.query()), pct0(demos),
                    pct0(h.matchingShare())));
            if (h.labelPositions() < 0.2) {
                blind.add(h.head().toString());
            }
        }
        out.add("Where the heads read (attention from the last token): " + String.join("; ", parts) + "."
                + (blind.isEmpty() ? "" : " The label-position analyses above (value outputs, attention shift, two "
                        + "towers) see little of what " + String.join(" and ", blind) + " do"
                        + (blind.size() == 1 ? "es" : "") + "."));
    }

    /** {@code calibrated accuracy} or {@code AUROC} (label logit difference). */
    private String readoutName() {
        return switch (readout) {
            case ARGMAX -> "accuracy";
            case CALIBRATED -> "calibrated accuracy";
            case AUROC -> "AUROC (label logit difference)";
        };
    }

    /** True when the label words are foo and bar themselves. */
    private boolean naturalNames() {
        return labelWords.size() == 2 && labelWords.get(0).strip().equals("foo")
                && labelWords.get(1).strip().equals("bar");
    }

    /** The headline numbers as Markdown tables (no settings). */
    public String table() {
        StringBuilder sb = new StringBuilder();
        sb.append("| quantity | value |\n|---|---|\n");
        if (!naturalNames()) {
            row(sb, "label words (called foo, bar below)", "'" + labelWords.get(0) + "', '" + labelWords.get(1) + "'");
        }
        row(sb, "in-context heads", heads + " of " + totalHeads + ": foo " + fooHeads + ", bar " + barHeads);
        row(sb, "accuracy, clean model (" + prompts + " test prompts)", f3(baseline));
        row(sb, "accuracy, in-context heads zeroed", f3(ablated));
        row(sb, "accuracy, as many random heads zeroed", controlDraws == 0 ? "no control possible"
                : controlDistinct == 1 ? f3(controlMean) + " (the only such set of heads)"
                : f3(controlMean) + " ± " + f3(controlStd) + " (" + controlDraws + " draws of " + controlDistinct
                        + " possible sets)");
        if (readout != ReadoutMetric.ARGMAX) {
            row(sb, readoutName() + ", clean model", f3(baselineReadout));
            row(sb, readoutName() + ", in-context heads zeroed", f3(ablatedReadout));
            row(sb, readoutName() + ", as many random heads zeroed", controlDraws == 0 ? "no control possible"
                    : controlDistinct == 1 ? f3(controlReadoutMean)
                    : f3(controlReadoutMean) + " ± " + f3(controlReadoutStd));
        }
        for (ValueOutputM v : valueOutputs) {
            row(sb, "value-output M, " + v.heads().heads() + " at " + v.positions().positions(),
                    s3(v.meanM()) + " (n = " + v.n() + ")");
        }
        for (AttentionShift s : attention) {
            row(sb, "attention of " + s.group().heads() + " on their label's positions, predicted foo → bar",
                    f3(s.fooPredicted()) + " → " + f3(s.barPredicted()) + " (" + pct(s.change()) + ")");
        }
        row(sb, "q·k vs sentence similarity (Pearson r, within prompts / pooled)", s3(twoTowerR) + " / "
                + s3(twoTowerPooledR));
        row(sb, "swap test: prediction = copied demonstration's label", f3(swapBefore) + " → " + f3(swapAfter));
        if (!bias.isEmpty()) {
            sb.append("\n| bias | correction | ").append(readout == ReadoutMetric.ARGMAX ? "accuracy" : readoutName())
                    .append(" | bias metric | reduction | attention std | reduction |\n");
            sb.append("|---|---|---|---|---|---|---|\n");
            for (BiasRow r : bias) {
                sb.append("| ").append(r.bias().key()).append(" | ").append(r.correction()).append(" | ")
                        .append(f3(r.accuracy())).append(" | ").append(f3(r.metric()))
                        .append(r.bias() == BiasKind.MAJORITY ? " (fluctuation)" : " (accuracy std)").append(" | ")
                        .append(pct(r.metricReduction())).append(" | ").append(f3(r.attentionStd())).append(" | ")
                        .append(pct(r.attentionReduction())).append(" |\n");
            }
        }
        return sb.toString();
    }

    private static void row(StringBuilder sb, String k, String v) {
        sb.append("| ").append(k).append(" | ").append(v).append(" |\n");
    }

    static String f3(double v) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%.3f", v) : "–";
    }

    static String s3(double v) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%+.3f", v) : "–";
    }

    static String pct(double v) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%+.1f%%", 100 * v) : "–";
    }

    /** The tables. */
    @Override
    public String toString() {
        return table();
    }
}
