package io.github.icl4j.examples.cli;

import static io.github.icl4j.report.Numbers.f3;
import static io.github.icl4j.report.Numbers.s3;
import static io.github.icl4j.report.Numbers.signedPercent;

import io.github.icl4j.ReadoutMetric;
import io.github.icl4j.bias.BiasKind;
import io.github.icl4j.bias.Correction;
import io.github.icl4j.examples.cli.Headline.AttentionShift;
import io.github.icl4j.examples.cli.Headline.BiasRow;
import io.github.icl4j.examples.cli.Headline.ValueOutputM;
import io.github.icl4j.heads.LabelGroup;
import io.github.icl4j.heads.ReadingAnalysis;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The {@link Headline} numbers as text: the notes that read them out in plain language (the report page's brief
 * and {@code summary.md}), the Markdown tables and the whole {@code summary.md} document.
 *
 * <pre>{@code
 * String md = HeadlineText.markdown(headline, options, data, model);
 * }</pre>
 */
public final class HeadlineText {
    private HeadlineText() {
    }

    /**
     * The numbers read out in plain language, one sentence per finding: what the signs and sizes say, with the
     * paper's values beside them where it reports some. No verdict rests on a threshold except where a sentence
     * says so (accuracy within 0.05 of chance is called chance).
     *
     * @param hl the headline numbers
     * @return one sentence per finding
     */
    public static List<String> notes(Headline hl) {
        List<String> out = new ArrayList<>();
        if (!naturalNames(hl)) {
            out.add(String.format(Locale.ROOT, "Label words: '%s' for class 0 and '%s' for class 1. As in the paper, "
                    + "heads and positions of the first are called foo heads and foo positions below, of the second "
                    + "bar heads and bar positions.", hl.labelWords().get(0), hl.labelWords().get(1)));
        }
        out.add(String.format(Locale.ROOT, "Zeroing the %d in-context heads (of %d) %s accuracy from %s to %s%s.",
                hl.heads(), hl.totalHeads(),
                hl.ablated() < hl.baseline() ? "lowers" : hl.ablated() > hl.baseline() ? "raises" : "leaves",
                f3(hl.baseline()), f3(hl.ablated()), hl.controlDraws() == 0
                        ? "; no random control was possible (too few other heads in these layers)"
                        : hl.controlDistinct() == 1
                        ? String.format(Locale.ROOT, "; zeroing the only other set of as many heads in these layers "
                                + "gives %s", f3(hl.controlMean()))
                        : String.format(Locale.ROOT, "; zeroing as many random heads of the same layers gives %s ± %s"
                                + " (%d random sets)", f3(hl.controlMean()), f3(hl.controlStd()), hl.controlDraws())));
        if (hl.readout() != ReadoutMetric.ARGMAX) {
            out.add(String.format(Locale.ROOT, "Read %s (%s, chance 0.5), the clean model gives %s, the in-context "
                    + "heads zeroed %s, as many random heads zeroed %s; the bias tables below are in this readout "
                    + "too.", hl.readout() == ReadoutMetric.AUROC ? "as an AUROC" : "after batch calibration",
                    readoutName(hl), f3(hl.baselineReadout()), f3(hl.ablatedReadout()), hl.controlDraws() == 0 ? "–"
                            : f3(hl.controlReadoutMean())
                                    + (hl.controlDistinct() == 1 ? "" : " ± " + f3(hl.controlReadoutStd()))));
        }
        double ff = hl.meanM(LabelGroup.FOO, LabelGroup.FOO);
        double fb = hl.meanM(LabelGroup.FOO, LabelGroup.BAR);
        double bb = hl.meanM(LabelGroup.BAR, LabelGroup.BAR);
        double bf = hl.meanM(LabelGroup.BAR, LabelGroup.FOO);
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
        for (AttentionShift a : hl.attention()) {
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
                    f3(a.fooPredicted()), f3(a.barPredicted()), signedPercent(a.change()),
                    a.group() == LabelGroup.FOO ? "−22% to −43%" : "+86% to +238%"));
        }
        out.add(String.format(Locale.ROOT, "Two towers: the query–key score tracks the similarity of the query "
                + "sentence to each demonstration with a mean within-prompt r of %s; copying a demonstration's sentence "
                + "into the query makes the model answer that demonstration's label in %s of prompts (%s before).",
                s3(hl.twoTowerR()), pct0(hl.swapAfter()), pct0(hl.swapBefore())));
        readingNote(hl, out);
        majorityNote(hl, out);
        recencyNote(hl, out);
        return out;
    }

    private static void majorityNote(Headline hl, List<String> out) {
        if (hl.bias().stream().noneMatch(r -> r.bias() == BiasKind.MAJORITY)) {
            return;
        }
        BiasRow none = hl.biasRow(BiasKind.MAJORITY, Correction.NONE);
        BiasRow fix = hl.biasRow(BiasKind.MAJORITY, Correction.FIX);
        if (hl.acTuned() && hl.ac() == 0) {
            out.add(String.format(Locale.ROOT, "Majority-label bias: accuracy moves by %s on average when one "
                    + "demonstration is dropped. Tuning chose a_c = 0 (the fix did not lower this fluctuation on the "
                    + "tuning tasks), so the fix is off and equals no correction.", f3(none.metric())));
        } else {
            out.add(String.format(Locale.ROOT, "Majority-label bias: the fix (a_c = %s%s) changes the fluctuation of "
                    + "accuracy from %s to %s (%s reduction; paper: 15–29%%) and accuracy from %s to %s.", hl.ac(),
                    hl.acTuned() ? ", tuned" : "", f3(none.metric()), f3(fix.metric()), signedPercent(fix.metricReduction()),
                    f3(none.accuracy()), f3(fix.accuracy())));
        }
    }

    private static void recencyNote(Headline hl, List<String> out) {
        if (hl.bias().stream().noneMatch(r -> r.bias() == BiasKind.RECENCY)) {
            return;
        }
        BiasRow none = hl.biasRow(BiasKind.RECENCY, Correction.NONE);
        BiasRow fix = hl.biasRow(BiasKind.RECENCY, Correction.FIX);
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

    /**
     * The headline numbers as a Markdown document ({@code summary.md}), with the settings they were measured with.
     *
     * @param hl    the headline numbers
     * @param o     the job's options
     * @param data  the data, as the job describes it
     * @param model the model, as it prints
     * @return the document
     */
    public static String markdown(Headline hl, JobOptions o, String data, String model) {
        StringBuilder sb = new StringBuilder("# icl4j report: headline numbers\n\n");
        sb.append("- model: `").append(model).append("`\n");
        sb.append("- data: ").append(data).append('\n');
        sb.append("- settings: ").append(o.describe()).append("\n\n");
        sb.append(table(hl));
        sb.append("\n## Reading the numbers\n\n");
        notes(hl).forEach(n -> sb.append("- ").append(n).append('\n'));
        return sb.toString();
    }

    /**
     * Where the heads read: for each head (the first four), its share of attention from the last token on the label
     * words, the query and the demonstrations' sentences (with the part of that on the query's label).
     */
    private static void readingNote(Headline hl, List<String> out) {
        if (hl.reading().isEmpty()) {
            return;
        }
        List<String> parts = new ArrayList<>();
        List<String> blind = new ArrayList<>();
        for (ReadingAnalysis.HeadReading h : hl.reading().subList(0, Math.min(4, hl.reading().size()))) {
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
    private static String readoutName(Headline hl) {
        return switch (hl.readout()) {
            case ARGMAX -> "accuracy";
            case CALIBRATED -> "calibrated accuracy";
            case AUROC -> "AUROC (label logit difference)";
        };
    }

    /** True when the label words are foo and bar themselves. */
    private static boolean naturalNames(Headline hl) {
        return hl.labelWords().size() == 2 && hl.labelWords().get(0).strip().equals("foo")
                && hl.labelWords().get(1).strip().equals("bar");
    }

    /**
     * The headline numbers as Markdown tables (no settings).
     *
     * @param hl the headline numbers
     * @return the tables
     */
    public static String table(Headline hl) {
        StringBuilder sb = new StringBuilder();
        sb.append("| quantity | value |\n|---|---|\n");
        if (!naturalNames(hl)) {
            row(sb, "label words (called foo, bar below)", "'" + hl.labelWords().get(0) + "', '"
                    + hl.labelWords().get(1) + "'");
        }
        row(sb, "in-context heads", hl.heads() + " of " + hl.totalHeads() + ": foo " + hl.fooHeads() + ", bar "
                + hl.barHeads());
        row(sb, "accuracy, clean model (" + hl.prompts() + " test prompts)", f3(hl.baseline()));
        row(sb, "accuracy, in-context heads zeroed", f3(hl.ablated()));
        row(sb, "accuracy, as many random heads zeroed", hl.controlDraws() == 0 ? "no control possible"
                : hl.controlDistinct() == 1 ? f3(hl.controlMean()) + " (the only such set of heads)"
                : f3(hl.controlMean()) + " ± " + f3(hl.controlStd()) + " (" + hl.controlDraws() + " draws of "
                        + hl.controlDistinct() + " possible sets)");
        if (Double.isFinite(hl.baselineFullVocab())) {
            row(sb, "full-vocabulary accuracy (the top token is the gold label word): clean / in-context heads zeroed "
                    + "/ random heads zeroed", f3(hl.baselineFullVocab()) + " / " + f3(hl.ablatedFullVocab()) + " / "
                    + (hl.controlDraws() == 0 ? "–" : f3(hl.controlFullVocabMean())));
        }
        if (hl.readout() != ReadoutMetric.ARGMAX) {
            row(sb, readoutName(hl) + ", clean model", f3(hl.baselineReadout()));
            row(sb, readoutName(hl) + ", in-context heads zeroed", f3(hl.ablatedReadout()));
            row(sb, readoutName(hl) + ", as many random heads zeroed", hl.controlDraws() == 0 ? "no control possible"
                    : hl.controlDistinct() == 1 ? f3(hl.controlReadoutMean())
                    : f3(hl.controlReadoutMean()) + " ± " + f3(hl.controlReadoutStd()));
        }
        for (ValueOutputM v : hl.valueOutputs()) {
            row(sb, "value-output M, " + v.heads().heads() + " at " + v.positions().positions(),
                    s3(v.meanM()) + " (n = " + v.n() + ")");
        }
        for (AttentionShift s : hl.attention()) {
            row(sb, "attention of " + s.group().heads() + " on their label's positions, predicted foo → bar",
                    f3(s.fooPredicted()) + " → " + f3(s.barPredicted()) + " (" + signedPercent(s.change()) + ")");
        }
        row(sb, "q·k vs sentence similarity (Pearson r, within prompts / pooled)", s3(hl.twoTowerR()) + " / "
                + s3(hl.twoTowerPooledR()));
        row(sb, "swap test: prediction = copied demonstration's label", f3(hl.swapBefore()) + " → "
                + f3(hl.swapAfter()));
        if (!hl.bias().isEmpty()) {
            sb.append("\n| bias | correction | ")
                    .append(hl.readout() == ReadoutMetric.ARGMAX ? "accuracy" : readoutName(hl))
                    .append(" | bias metric | reduction | attention std | reduction |\n");
            sb.append("|---|---|---|---|---|---|---|\n");
            for (BiasRow r : hl.bias()) {
                sb.append("| ").append(r.bias().key()).append(" | ").append(r.label()).append(" | ")
                        .append(f3(r.accuracy())).append(" | ").append(f3(r.metric()))
                        .append(r.bias() == BiasKind.MAJORITY ? " (fluctuation)" : " (accuracy std)").append(" | ")
                        .append(signedPercent(r.metricReduction())).append(" | ").append(f3(r.attentionStd())).append(" | ")
                        .append(signedPercent(r.attentionReduction())).append(" |\n");
            }
        }
        return sb.toString();
    }

    private static void row(StringBuilder sb, String k, String v) {
        sb.append("| ").append(k).append(" | ").append(v).append(" |\n");
    }
}
