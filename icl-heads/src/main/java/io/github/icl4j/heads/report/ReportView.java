package io.github.icl4j.heads.report;

import io.github.icl4j.HeadId;
import io.github.icl4j.heads.AblationRanking;
import io.github.icl4j.heads.AblationScreen;
import io.github.icl4j.heads.HeadScores;
import io.github.icl4j.heads.HeadsReport;
import io.github.icl4j.heads.InContextHeadSet;
import io.github.icl4j.heads.InterventionResult;
import io.github.icl4j.heads.TwoTowersAnalysis;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The compact data the HTML page's script draws from ({@link HeadsHtml}). */
final class ReportView {
    /** Scatter points per head kept for the two-tower plots. */
    static final int MAX_POINTS = 400;

    private ReportView() {
    }

    static Map<String, Object> of(HeadsReport r) {
        InContextHeadSet set = r.set();
        HeadScores s = set.scores();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("title", r.title());
        m.put("model", set.model());
        m.put("options", set.options().toString());
        m.put("nLayers", s.nLayers());
        m.put("nHeads", s.nHeads());
        m.put("labelWords", s.labelWords());
        m.put("prompts", s.prompts());
        m.put("datasets", s.datasets().stream().map(d -> d.name() + " (" + d.prompts() + ")").toList());
        m.put("scoreFoo", s.of(0));
        m.put("scoreBar", s.of(1));
        AblationRanking a = set.ablation();
        if (a != null) {
            Map<String, Object> am = new LinkedHashMap<>();
            am.put("drop", a.drop());
            am.put("from", a.fromLayer());
            am.put("to", a.toLayer());
            am.put("baseline", a.baselineAccuracy());
            am.put("baselineFullVocab", a.baselineFullVocabAccuracy());
            am.put("protocol", a.protocol().toString());
            am.put("readout", a.readout().key());
            am.put("baselineReadout", a.baselineReadout());
            AblationScreen sc = a.screen();
            if (sc.estimates() != null) {
                // the AtP screen: estimates of every scanned head, (estimate, true effect) of the verified ones
                Map<String, Object> sm = new LinkedHashMap<>();
                sm.put("strategy", sc.strategy().flag());
                sm.put("metric", sc.estimates().options().metric().toString());
                sm.put("estimate", sc.estimates().estimate());
                sm.put("spearman", sc.spearman());
                sm.put("points", sc.verified().stream().map(h -> List.<Object>of(h.toString(),
                        sc.estimates().estimate(h), sc.trueEffect(h))).toList());
                am.put("screen", sm);
            }
            m.put("ablation", am);
        }
        List<Map<String, Object>> heads = new ArrayList<>();
        for (HeadId h : set.heads()) {
            Map<String, Object> hm = new LinkedHashMap<>();
            hm.put("id", h.toString());
            hm.put("layer", h.layer());
            hm.put("head", h.head());
            hm.put("group", set.groupOf(h).key());
            hm.put("foo", s.score(0, h));
            hm.put("bar", s.score(1, h));
            hm.put("drop", a == null ? Double.NaN : a.drop(h));
            hm.put("fooRank", set.fooTop().indexOf(h) + 1);
            hm.put("barRank", set.barTop().indexOf(h) + 1);
            hm.put("ablationRank", set.ablationTop().indexOf(h) + 1);
            if (r.valueOutputs() != null) {
                r.valueOutputs().heads().stream().filter(v -> v.head().equals(h)).findFirst().ifPresent(v -> {
                    hm.put("mFoo", v.atFoo().meanM());
                    hm.put("mBar", v.atBar().meanM());
                    hm.put("topFoo", v.atFoo().topTokens().stream().map(t -> List.of(t.token(), t.logProb())).toList());
                    hm.put("topBar", v.atBar().topTokens().stream().map(t -> List.of(t.token(), t.logProb())).toList());
                    hm.put("alphaFoo", v.atFoo().meanAttention());
                    hm.put("alphaBar", v.atBar().meanAttention());
                });
            }
            if (r.attention() != null) {
                r.attention().heads().stream().filter(v -> v.head().equals(h)).findFirst().ifPresent(v -> {
                    hm.put("att", List.of(v.fooPosFooGroup(), v.fooPosBarGroup(), v.barPosFooGroup(),
                            v.barPosBarGroup()));
                    hm.put("fooChange", v.fooPosChange());
                    hm.put("barChange", v.barPosChange());
                });
            }
            if (r.reading() != null) {
                r.reading().heads().stream().filter(v -> v.head().equals(h)).findFirst().ifPresent(v ->
                        hm.put("reads", List.of(v.matchingLabels(), v.labelPositions() - v.matchingLabels(),
                                v.afterLabels(), v.matchingSentences(),
                                v.otherSentences(), v.query(), v.rest())));
            }
            if (r.twoTowers() != null) {
                r.twoTowers().heads().stream().filter(v -> v.head().equals(h)).findFirst().ifPresent(v -> {
                    Map<String, Object> tm = new LinkedHashMap<>();
                    tm.put("score", v.meanScore());
                    tm.put("content", v.meanContent());
                    tm.put("positional", v.meanPositional());
                    tm.put("r", v.scoreVsCosine().pearson());
                    tm.put("rho", v.scoreVsCosine().spearman());
                    tm.put("rWithin", v.scoreVsCosine().withinPromptPearson());
                    tm.put("rJaccard", v.scoreVsJaccard().pearson());
                    tm.put("swapBefore", v.swap().before());
                    tm.put("swapAfter", v.swap().after());
                    tm.put("swapTopBefore", v.swap().argmaxBefore());
                    tm.put("swapTopAfter", v.swap().argmaxAfter());
                    List<List<Object>> pts = new ArrayList<>();
                    for (TwoTowersAnalysis.TowerRow row : r.twoTowers().rowsOf(h)) {
                        if (pts.size() >= MAX_POINTS) {
                            break;
                        }
                        if (!Double.isNaN(row.cosine())) {
                            pts.add(List.of(row.cosine(), row.score(), row.label()));
                        }
                    }
                    tm.put("points", pts);
                    hm.put("towers", tm);
                });
            }
            heads.add(hm);
        }
        m.put("heads", heads);
        if (r.valueOutputs() != null) {
            m.put("voGroups", r.valueOutputs().groups().stream().map(g -> List.of(g.heads().heads(), g.positions().positions(), g.meanM(),
                    g.n())).toList());
            m.put("voWeighted", r.valueOutputs().weighted());
        }
        if (r.attention() != null) {
            m.put("attentionGroupBy", r.attention().groupBy().toString());
            m.put("attentionGroups", r.attention().examplesPerGroup());
        }
        if (r.twoTowers() != null) {
            m.put("rotary", r.twoTowers().rotary());
            m.put("swap", List.of(r.twoTowers().swapPrompts(), r.twoTowers().baseAgreement(),
                    r.twoTowers().swapAgreement()));
        }
        InterventionResult iv = r.intervention();
        if (iv != null) {
            Map<String, Object> im = new LinkedHashMap<>();
            im.put("n", iv.prompts());
            im.put("clean", List.of(iv.baseline().accuracy(), iv.baseline().fullVocabAccuracy()));
            im.put("removed", List.of(iv.ablated().accuracy(), iv.ablated().fullVocabAccuracy()));
            im.put("control", List.of(iv.controlMean(), iv.controlStd(), iv.controlFullVocabMean(),
                    iv.controlFullVocabStd(), iv.controls().size(), iv.distinctControls()));
            im.put("readout", List.of(iv.readout().key(), iv.baseline().readout(), iv.ablated().readout(),
                    iv.controlReadoutMean(), iv.controlReadoutStd()));
            im.put("specific", iv.labelSpecific().stream().map(l -> List.of(l.group().heads(), l.goldLabel(),
                    l.baseline().accuracy(), l.ablated().accuracy(), l.baseline().n())).toList());
            m.put("intervention", im);
        }
        List<Map<String, Object>> ex = new ArrayList<>();
        for (HeadsReport.ExamplePrompt e : r.examples()) {
            Map<String, Object> em = new LinkedHashMap<>();
            em.put("prompt", e.prompt());
            em.put("tokens", e.tokens());
            em.put("labelPositions", e.labelPositions());
            em.put("demoLabels", e.demoLabels());
            em.put("gold", e.queryLabel());
            em.put("predicted", e.predicted());
            Map<String, Object> rows = new LinkedHashMap<>();
            e.heads().forEach(h -> rows.put(h.head().toString(), h.attention()));
            em.put("rows", rows);
            ex.add(em);
        }
        m.put("examples", ex);
        return m;
    }
}
