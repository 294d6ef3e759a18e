package io.github.icl4j.heads.report;

import io.github.icl4j.HeadId;
import io.github.icl4j.heads.AblationRanking;
import io.github.icl4j.heads.AblationScreen;
import io.github.icl4j.heads.AttentionAnalysis;
import io.github.icl4j.heads.AttributionEstimates;
import io.github.icl4j.heads.HeadScores;
import io.github.icl4j.heads.InContextHeadSet;
import io.github.icl4j.heads.InterventionResult;
import io.github.icl4j.heads.LabelGroup;
import io.github.icl4j.heads.ReadingAnalysis;
import io.github.icl4j.heads.TwoTowersAnalysis;
import io.github.icl4j.heads.ValueOutputAnalysis;
import io.github.icl4j.report.CsvTable;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The CSV form of every result of icl-heads, written through core's {@link CsvTable} (six significant digits, a
 * header row first, RFC 4180 quoting). {@link HeadsReportFiles#write} writes each of them into a report folder.
 *
 * <pre>{@code
 * String csv = HeadsCsv.heads(set);            // the selected heads
 * String ranking = HeadsCsv.ablation(set.ablation());
 * }</pre>
 */
public final class HeadsCsv {
    private HeadsCsv() {
    }

    /**
     * Where the heads read: one row per head ({@code reading.csv}).
     *
     * @param r the reading analysis
     * @return the table
     */
    public static String reading(ReadingAnalysis r) {
        CsvTable c = CsvTable.sig6("head", "group", "label_positions", "matching_labels", "matching_sentences",
                "other_sentences", "query", "after_labels", "rest", "matching_label_share", "matching_share");
        for (ReadingAnalysis.HeadReading h : r.heads()) {
            c.row(h.head(), h.group().key(), h.labelPositions(), h.matchingLabels(), h.matchingSentences(),
                    h.otherSentences(), h.query(), h.afterLabels(), h.rest(), h.matchingLabelShare(), h.matchingShare());
        }
        return c.toString();
    }

    private static String tokens(List<ValueOutputAnalysis.TokenScore> t) {
        return t.stream().map(x -> x.token()).collect(Collectors.joining("|"));
    }

    /**
     * Every head's combined and per-data-set scores, one row per head ({@code scores.csv}).
     *
     * @param s the scores
     * @return the table
     */
    public static String scores(HeadScores s) {
        CsvTable c = CsvTable.sig6(header(s));
        double[][][] all = s.scores();
        List<double[][][]> per = s.datasets().stream().map(HeadScores.DatasetScores::scores).toList();
        for (int l = 0; l < s.nLayers(); l++) {
            for (int h = 0; h < s.nHeads(); h++) {
                Object[] r = new Object[4 + 2 * per.size()];
                r[0] = l;
                r[1] = h;
                r[2] = all[0][l][h];
                r[3] = all[1][l][h];
                int k = 4;
                for (double[][][] m : per) {
                    r[k++] = m[0][l][h];
                    r[k++] = m[1][l][h];
                }
                c.row(r);
            }
        }
        return c.toString();
    }

    private static String[] header(HeadScores s) {
        String[] h = new String[4 + 2 * s.datasets().size()];
        h[0] = "layer";
        h[1] = "head";
        h[2] = "score_foo";
        h[3] = "score_bar";
        int k = 4;
        for (HeadScores.DatasetScores d : s.datasets()) {
            h[k++] = d.name() + "_foo";
            h[k++] = d.name() + "_bar";
        }
        return h;
    }

    /**
     * The scanned heads' accuracies, drops, ranks and screen estimates, one row per head ({@code ablation.csv}).
     *
     * @param a the ablation ranking
     * @return the table
     */
    public static String ablation(AblationRanking a) {
        CsvTable c = CsvTable.sig6("layer", "head", "accuracy", "full_vocab_accuracy", "drop", "gold_prob_drop", "rank", "readout",
                "readout_value", "screen", "atp_estimate", "atp_score", "verified", "true_effect");
        List<HeadId> rank = a.ranking();
        AblationScreen sc = a.screen();
        AttributionEstimates est = sc.estimates();
        double[][] rv = a.readoutValue();
        double[][] acc = a.accuracy();
        double[][] fv = a.fullVocabAccuracy();
        double[][] drop = a.drop();
        double[][] gp = a.goldProbDrop();
        for (int l = a.fromLayer(); l < a.toLayer(); l++) {
            for (int h = 0; h < a.nHeads(); h++) {
                HeadId id = HeadId.of(l, h);
                c.row(l, h, acc[l][h], fv[l][h], drop[l][h], gp[l][h], rank.indexOf(id) + 1, a.readout().key(),
                        rv[l][h], sc.strategy().flag(), est == null ? null : est.estimate(id),
                        est == null ? null : est.score(id), sc.strategy() == AblationScreen.Strategy.EXHAUSTIVE
                                || sc.verified().contains(id), sc.trueEffect(id));
            }
        }
        return c.toString();
    }

    /**
     * The selected heads with group, scores, drop and top-list membership ({@code heads.csv}).
     *
     * @param s the head set
     * @return the table
     */
    public static String heads(InContextHeadSet s) {
        CsvTable c = CsvTable.sig6("head", "layer", "group", "score_foo", "score_bar", "drop", "in_foo_top", "in_bar_top",
                "in_ablation_top");
        for (HeadId h : s.heads()) {
            c.row(h, h.layer(), s.groupOf(h).key(), s.scores().score(0, h), s.scores().score(1, h),
                    s.ablation() == null ? null : s.ablation().drop(h), s.fooTop().contains(h), s.barTop().contains(h),
                    s.ablationTop().contains(h));
        }
        return c.toString();
    }

    /**
     * Every condition's accuracy: clean, removed, each control draw, the control's mean and std and the
     * label-specific rows ({@code intervention.csv}).
     *
     * @param r the intervention result
     * @return the table
     */
    public static String intervention(InterventionResult r) {
        CsvTable c = CsvTable.sig6("condition", "gold", "heads", "n", "accuracy", "full_vocab_accuracy", "readout",
                "readout_value");
        String k = r.readout().key();
        c.row("clean", "all", "", r.baseline().n(), r.baseline().accuracy(), r.baseline().fullVocabAccuracy(), k,
                r.baseline().readout());
        c.row("in-context heads removed", "all", headList(r.heads()), r.ablated().n(), r.ablated().accuracy(),
                r.ablated().fullVocabAccuracy(), k, r.ablated().readout());
        for (InterventionResult.ControlDraw d : r.controls()) {
            c.row("control " + d.draw(), "all", headList(d.heads()), d.accuracy().n(), d.accuracy().accuracy(),
                    d.accuracy().fullVocabAccuracy(), k, d.accuracy().readout());
        }
        c.row("control mean", "all", "", r.controls().size(), r.controlMean(), r.controlFullVocabMean(), k,
                r.controlReadoutMean());
        c.row("control std", "all", "", r.controls().size(), r.controlStd(), r.controlFullVocabStd(), k,
                r.controlReadoutStd());
        for (InterventionResult.LabelSpecific l : r.labelSpecific()) {
            c.row("clean", l.goldLabel(), "", l.baseline().n(), l.baseline().accuracy(),
                    l.baseline().fullVocabAccuracy(), k, l.baseline().readout());
            c.row(l.group().heads() + " removed", l.goldLabel(), headList(l.heads()), l.ablated().n(), l.ablated().accuracy(),
                    l.ablated().fullVocabAccuracy(), k, l.ablated().readout());
        }
        return c.toString();
    }

    private static String headList(List<HeadId> hs) {
        return hs.stream().map(HeadId::toString).collect(Collectors.joining(" "));
    }

    /**
     * Per head and position type: M statistics and top tokens, joined by {@code |} ({@code value_outputs.csv}).
     *
     * @param v the value-output analysis
     * @return the table
     */
    public static String valueOutputs(ValueOutputAnalysis v) {
        CsvTable c = CsvTable.sig6("head", "group", "positions", "n", "mean_m", "std_m", "mean_m_foo_predicted",
                "mean_m_bar_predicted", "mean_attention", "top_tokens");
        for (ValueOutputAnalysis.HeadValueOutputs h : v.heads()) {
            for (int k = 0; k < 2; k++) {
                ValueOutputAnalysis.PositionStats s = k == 0 ? h.atFoo() : h.atBar();
                c.row(h.head(), h.group().key(), LabelGroup.ofLabel(k).key(), s.n(), s.meanM(), s.stdM(), s.meanMFooPredicted(),
                        s.meanMBarPredicted(), s.meanAttention(), tokens(s.topTokens()));
            }
        }
        return c.toString();
    }

    /**
     * The per-position details of the example prompts ({@code value_output_examples.csv}).
     *
     * @param v the value-output analysis
     * @return the table
     */
    public static String valueOutputExamples(ValueOutputAnalysis v) {
        CsvTable c = CsvTable.sig6("prompt", "head", "position", "label", "attention", "m", "top_tokens");
        for (ValueOutputAnalysis.PositionDetail d : v.examples()) {
            c.row(d.prompt(), d.head(), d.position(), d.label(), d.attention(), d.m(), tokens(d.topTokens()));
        }
        return c.toString();
    }

    /**
     * Every head's attention to foo and bar positions per group, one row per head ({@code attention.csv}).
     *
     * @param a the attention analysis
     * @return the table
     */
    public static String attention(AttentionAnalysis a) {
        CsvTable c = CsvTable.sig6("layer", "head", "group_by", "foo_positions_foo_group", "foo_positions_bar_group",
                "bar_positions_foo_group", "bar_positions_bar_group", "in_context_group");
        double[][][] f = a.toFoo();
        double[][][] b = a.toBar();
        for (int l = 0; l < a.nLayers(); l++) {
            for (int h = 0; h < a.nHeads(); h++) {
                HeadId id = HeadId.of(l, h);
                String g = a.heads().stream().filter(x -> x.head().equals(id)).map(x -> x.group().key())
                        .findFirst().orElse("");
                c.row(l, h, a.groupBy(), f[0][l][h], f[1][l][h], b[0][l][h], b[1][l][h], g);
            }
        }
        return c.toString();
    }

    /**
     * Every (prompt, head, demonstration) measurement of the two-tower analysis ({@code two_towers.csv}).
     *
     * @param t the two-tower analysis
     * @return the table
     */
    public static String twoTowers(TwoTowersAnalysis t) {
        CsvTable c = CsvTable.sig6("prompt", "head", "demo", "position", "label", "score", "content", "positional", "attention",
                "cosine", "jaccard");
        for (TwoTowersAnalysis.TowerRow r : t.rows()) {
            c.row(r.prompt(), r.head(), r.demo(), r.position(), r.label(), r.score(), r.content(), r.positional(),
                    r.attention(), r.cosine(), r.jaccard());
        }
        return c.toString();
    }

    /**
     * One row per head of the two-tower analysis: means, correlations and the swap test
     * ({@code two_towers_summary.csv}).
     *
     * @param t the two-tower analysis
     * @return the table
     */
    public static String twoTowersSummary(TwoTowersAnalysis t) {
        CsvTable c = CsvTable.sig6("head", "group", "mean_score", "mean_content", "mean_positional", "score_cosine_pearson",
                "score_cosine_spearman", "score_cosine_within_pearson", "score_jaccard_pearson",
                "score_jaccard_spearman", "content_cosine_pearson", "content_jaccard_pearson", "swap_n",
                "swap_attention_before", "swap_attention_after", "swap_argmax_before", "swap_argmax_after");
        for (TwoTowersAnalysis.HeadTowers h : t.heads()) {
            c.row(h.head(), h.group() == null ? "" : h.group().key(), h.meanScore(), h.meanContent(), h.meanPositional(), h.scoreVsCosine().pearson(),
                    h.scoreVsCosine().spearman(), h.scoreVsCosine().withinPromptPearson(), h.scoreVsJaccard().pearson(),
                    h.scoreVsJaccard().spearman(), h.contentVsCosine().pearson(), h.contentVsJaccard().pearson(),
                    h.swap().n(), h.swap().before(), h.swap().after(), h.swap().argmaxBefore(), h.swap().argmaxAfter());
        }
        return c.toString();
    }
}
