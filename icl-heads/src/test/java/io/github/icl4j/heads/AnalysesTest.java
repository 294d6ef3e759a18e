package io.github.icl4j.heads;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.github.icl4j.ActivationCache;
import io.github.icl4j.AttentionMap;
import io.github.icl4j.HeadId;
import io.github.icl4j.HeadOutputs;
import io.github.icl4j.HookPoint;
import io.github.icl4j.IclPrompt;
import io.github.icl4j.LabelProbabilities;
import io.github.icl4j.Model;
import io.github.icl4j.Probe;
import io.github.icl4j.heads.report.HeadsCsv;
import io.github.icl4j.heads.report.HeadsText;
import io.github.icl4j.model.ModelConfig;
import io.github.icl4j.model.ModelConfig.NormKind;
import io.github.icl4j.model.TransformerWeights;
import io.github.icl4j.runtime.Tensors;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The value-output, attention and two-tower analyses against direct computations. */
class AnalysesTest {

    @ParameterizedTest
    @ValueSource(strings = {"llama", "gpt2", "gptj"})
    void weightedValueOutputsSumToTheHeadOutput(String family) {
        try (Model model = Fixtures.parityModel(family)) {
            IclPrompt p = Fixtures.toys(1, 3, 3, 2).get(0);
            HeadOutputs out = Probe.on(model).prompt(p).headOutputs();
            InContextHeads ich = InContextHeads.of(model);
            ModelConfig c = model.config();
            for (int l = 0; l < c.nLayers(); l++) {
                for (int h = 0; h < c.nHeads(); h++) {
                    HeadId head = HeadId.of(l, h); // llama: heads 2 and 3 read kv head 1
                    float[][] vo = ich.weightedValueOutputs(p, head);
                    assertThat(vo).hasNumberOfRows(p.lastPosition() + 1);
                    float[] expected = out.of(0, head);
                    for (int j = 0; j < c.dModel(); j++) {
                        double s = 0;
                        for (float[] row : vo) {
                            s += row[j];
                        }
                        assertThat(s).as("%s dim %d", head, j).isCloseTo(expected[j], within(1e-4));
                    }
                }
            }
        }
    }

    @Test
    void readingSplitsEachHeadsAttentionByTokenRoleAndAgreesWithTheAttentionAnalysis() {
        try (Model model = Fixtures.parityModel("llama")) {
            List<IclPrompt> ps = Fixtures.toys(6, 4, 3, 9);
            InContextHeads ich = InContextHeads.of(model).options(HeadOptions.defaults().withTopHeads(2, 2, 2));
            InContextHeadSet set = ich.select(ich.scores(ps), ich.ablationRanking(ps));
            ReadingAnalysis r = ich.reading(set, ps);
            AttentionAnalysis att = ich.attention(set, ps);
            assertThat(r.prompts()).isEqualTo(6);
            assertThat(r.heads()).extracting(ReadingAnalysis.HeadReading::head).isEqualTo(set.heads());
            int[] n = att.examplesPerGroup();
            for (ReadingAnalysis.HeadReading h : r.heads()) {
                double sum = h.labelPositions() + h.matchingSentences() + h.otherSentences() + h.query()
                        + h.afterLabels() + h.rest();
                assertThat(sum).as(h.toString()).isCloseTo(1.0, within(1e-4));
                // the label-word share is the attention analysis's foo + bar positions, over both groups
                int l = h.head().layer();
                int hd = h.head().head();
                double labels = 0;
                for (int g = 0; g < 2; g++) {
                    if (n[g] > 0) {
                        labels += n[g] * (att.toFoo()[g][l][hd] + att.toBar()[g][l][hd]);
                    }
                }
                assertThat(h.labelPositions()).isCloseTo(labels / (n[0] + n[1]), within(1e-5));
                assertThat(h.matchingShare()).isBetween(0.0, 1.0);
                assertThat(h.matchingLabels()).isBetween(0.0, h.labelPositions() + 1e-6);
            }
            // one prompt by hand: the query span's attention from the last position, for the first head
            IclPrompt p = ps.get(0);
            HeadId first = set.heads().get(0);
            AttentionMap a = Probe.on(model).prompt(p).attentionAt(java.util.stream.IntStream
                    .range(p.querySpan().start(), p.querySpan().end()).toArray());
            ReadingAnalysis one = ich.reading(set, List.of(p));
            assertThat(one.heads().get(0).query()).isCloseTo(a.total(0, first), within(1e-5));
            // ... and its attention on the label words of the query's gold label
            AttentionMap gold = Probe.on(model).prompt(p).attentionAt(p.positionsOfLabel(p.queryLabel()));
            assertThat(gold.total(0, first)).isPositive();
            assertThat(one.heads().get(0).matchingLabels()).isCloseTo(gold.total(0, first), within(1e-5));
            assertThat(one.heads().get(0).matchingLabelShare())
                    .isCloseTo(gold.total(0, first) / one.heads().get(0).labelPositions(), within(1e-5));
            assertThat(HeadsCsv.reading(r).split("\n")).hasSize(1 + set.size());
            assertThat(HeadsText.summary(r)).contains("label positions", "query's label", "share");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"llama", "gpt2", "gptj"})
    void twoTowerScoreIsThePreSoftmaxScore(String family) {
        try (Model model = Fixtures.parityModel(family)) {
            List<IclPrompt> ps = Fixtures.toys(3, 4, 3, 4);
            ModelConfig c = model.config();
            List<HeadId> heads = List.of(HeadId.of(1, 0), HeadId.of(2, 3), HeadId.of(2, 1));
            TwoTowersAnalysis t = InContextHeads.of(model).options(HeadOptions.defaults().withBatch(2, 8))
                    .twoTowers(heads, ps);
            assertThat(t.rotary()).isEqualTo(c.hasRotary());
            assertThat(t.rows()).hasSize(3 * 3 * 4);
            for (int i = 0; i < ps.size(); i++) {
                IclPrompt p = ps.get(i);
                int last = p.lastPosition();
                try (ActivationCache cache = Probe.on(model).prompt(p).cache(HookPoint.attnScores(1),
                        HookPoint.attnScores(2), HookPoint.q(2), HookPoint.k(2))) {
                    for (TwoTowersAnalysis.TowerRow r : t.rows()) {
                        if (r.prompt() != i) {
                            continue;
                        }
                        float[] scores = cache.floats(HookPoint.attnScores(r.head().layer())); // [1, h, s, s]
                        int s = p.length();
                        double expected = scores[(r.head().head() * s + last) * s + r.position()];
                        assertThat(r.score()).as("%s prompt %d demo %d", r.head(), i, r.demo())
                                .isCloseTo(expected, within(1e-4));
                        assertThat(r.score()).isCloseTo(r.content() + r.positional(), within(1e-5));
                        if (!c.hasRotary()) {
                            assertThat(r.positional()).isCloseTo(0.0, within(1e-5));
                        }
                        if (r.head().layer() == 2) {
                            // content part: the unrotated query and key
                            float[] q = cache.floats(HookPoint.q(2)); // [1, s, h, e]
                            float[] k = cache.floats(HookPoint.k(2)); // [1, s, kv, e]
                            int e = c.dHead();
                            int kv = r.head().head() / c.groupSize();
                            double dot = 0;
                            for (int x = 0; x < e; x++) {
                                dot += q[(last * c.nHeads() + r.head().head()) * e + x]
                                        * k[(r.position() * c.nKvHeads() + kv) * e + x];
                            }
                            assertThat(r.content()).isCloseTo(dot / Math.sqrt(e), within(1e-4));
                        }
                        assertThat(r.cosine()).isBetween(-1.0, 1.0);
                        assertThat(r.jaccard()).isBetween(0.0, 1.0);
                    }
                }
            }
            assertThat(t.heads()).hasSize(3);
            assertThat(t.swapPrompts()).isEqualTo(3);
            assertThat(t.heads().get(0).swap().n()).isEqualTo(3);
            assertThat(HeadsText.summary(t)).contains("swap test");
        }
    }

    @Test
    void swapReplacesTheQuerySentenceByADemonstrationSentence() {
        IclPrompt p = Fixtures.toys(1, 3, 3, 8).get(0);
        Towers.Swapped s = Towers.swap(p, 4, 64); // demonstration 4 mod 3 = 1
        assertThat(s.demo()).isEqualTo(1);
        long[] ids = p.ids();
        IclPrompt.Span q = p.querySpan();
        IclPrompt.Span d = p.demoSpans().get(1);
        long[] sw = s.prompt().tokenIds();
        assertThat(sw).hasSize(ids.length - q.length() + d.length());
        for (int t = 0; t < d.length(); t++) {
            assertThat(sw[q.start() + t]).isEqualTo(ids[d.start() + t]);
        }
        assertThat(sw[sw.length - 1]).isEqualTo(ids[ids.length - 1]);
        assertThat(s.prompt().queryLabel()).isEqualTo(p.demoLabels()[1]);
        assertThat(s.prompt().labelPositions()).isEqualTo(p.labelPositions());
    }

    @Test
    void swapTestReadsTheAttentionOfTheSwappedPrompts() {
        try (Model model = Fixtures.parityModel("llama")) {
            List<IclPrompt> ps = Fixtures.toys(5, 3, 3, 14);
            HeadId head = HeadId.of(2, 1);
            TwoTowersAnalysis t = InContextHeads.of(model).twoTowers(List.of(head), ps);
            double before = 0;
            double after = 0;
            for (int i = 0; i < ps.size(); i++) {
                Towers.Swapped s = Towers.swap(ps.get(i), i, 64);
                AttentionMap swapped = Probe.on(model).prompt(s.prompt()).attentionAtLabels();
                AttentionMap orig = Probe.on(model).prompt(ps.get(i)).attentionAtLabels();
                after += swapped.of(0, head)[s.demo()];
                before += orig.of(0, head)[s.demo()];
            }
            TwoTowersAnalysis.Swap sw = t.heads().get(0).swap();
            assertThat(sw.n()).isEqualTo(5);
            assertThat(sw.before()).isCloseTo(before / 5, within(1e-5));
            assertThat(sw.after()).isCloseTo(after / 5, within(1e-5));
            assertThat(sw.after()).isNotCloseTo(sw.before(), within(1e-6));
        }
    }

    @Test
    void attentionAnalysisSumsTheLabelPositionsByPrediction() {
        try (Model model = Fixtures.parityModel("llama")) {
            List<IclPrompt> ps = Fixtures.toys(6, 4, 3, 6);
            InContextHeads ich = InContextHeads.of(model).options(HeadOptions.defaults().withTopHeads(2, 2, 2)
                    .withBatch(4, 16));
            InContextHeadSet set = ich.find(ps);
            AttentionAnalysis a = ich.attention(set, ps);
            AttentionMap map = Probe.on(model).prompts(ps).attentionAtLabels();
            LabelProbabilities lp = Probe.on(model).prompts(ps).labelProbabilities();
            double[][][] foo = new double[2][3][4];
            int[] n = new int[2];
            for (int i = 0; i < ps.size(); i++) {
                int g = lp.row(i).predicted();
                n[g]++;
                for (int l = 0; l < 3; l++) {
                    for (int h = 0; h < 4; h++) {
                        float[] w = map.of(i, HeadId.of(l, h));
                        for (int j = 0; j < w.length; j++) {
                            if (ps.get(i).demoLabels()[j] == 0) {
                                foo[g][l][h] += w[j];
                            }
                        }
                    }
                }
            }
            assertThat(a.examplesPerGroup()).containsExactly(n);
            for (int g = 0; g < 2; g++) {
                for (int l = 0; l < 3; l++) {
                    for (int h = 0; h < 4; h++) {
                        if (n[g] > 0) {
                            assertThat(a.toFoo()[g][l][h]).isCloseTo(foo[g][l][h] / n[g], within(1e-5));
                        } else {
                            assertThat(a.toFoo()[g][l][h]).isNaN();
                        }
                    }
                }
            }
            assertThat(a.heads()).hasSameSizeAs(set.heads());
        }
    }

    @Test
    void valueOutputLogitMinusUsesTheFixedScale() {
        try (Model model = Fixtures.parityModel("gpt2")) {
            List<IclPrompt> ps = Fixtures.toys(3, 4, 3, 12);
            InContextHeads ich = InContextHeads.of(model).options(HeadOptions.defaults().withTopHeads(2, 2, 0)
                    .withMerge(HeadOptions.Merge.SCORES_ONLY).withExamplePrompts(2).withTopTokens(5));
            InContextHeadSet set = ich.find(ps);
            assertThat(set.ablation()).isNull();
            ValueOutputAnalysis vo = ich.valueOutputs(set, ps);
            assertThat(vo.heads()).hasSameSizeAs(set.heads());
            assertThat(vo.examples()).hasSize(2 * 4 * set.size());
            ModelConfig c = model.config();
            TransformerWeights w = model.transformer().weights();
            float[] wu = Tensors.toFloats(w.unembed());
            float[] g = Tensors.toFloats(w.finalNormW());
            long[] ids = {Fixtures.FOO, Fixtures.BAR};
            for (ValueOutputAnalysis.PositionDetail d : vo.examples()) {
                IclPrompt p = ps.get(d.prompt());
                float[][] rows = ich.weightedValueOutputs(p, d.head());
                double[] v = new double[c.dModel()];
                for (int j = 0; j < v.length; j++) {
                    v[j] = rows[d.position()][j];
                }
                double scale;
                try (ActivationCache cache = Probe.on(model).prompt(p).cache(HookPoint.residPost(c.nLayers() - 1))) {
                    double[] hf = ScoringTest.row(cache.floats(HookPoint.residPost(c.nLayers() - 1)),
                            p.lastPosition(), c.dModel());
                    scale = c.norm() == NormKind.RMS_NORM ? 1 / Math.sqrt(ScoringTest.meanSq(hf) + c.normEps())
                            : 1 / Math.sqrt(ScoringTest.var(hf) + c.normEps());
                }
                double[] lp = ScoringTest.logProbs(v, scale, g, wu, null, c, ids);
                assertThat(d.m()).isCloseTo(lp[0] - lp[1], within(1e-3));
                assertThat(d.topTokens()).hasSize(5);
                assertThat(d.topTokens().get(0).logProb()).isGreaterThanOrEqualTo(d.topTokens().get(4).logProb());
            }
            assertThat(vo.groups()).isNotEmpty();
            assertThat(HeadsText.summary(vo)).contains("M");
        }
    }

    @Test
    void badInputsAreNamedWithTheirRange() {
        try (Model model = Fixtures.parityModel("llama")) {
            InContextHeads ich = InContextHeads.of(model);
            List<IclPrompt> ps = Fixtures.toys(2, 2, 2, 3);
            assertThatThrownBy(() -> ich.scores(List.of())).hasMessageContaining("at least one prompt");
            assertThatThrownBy(() -> ich.topHeads(13, 1, 1).scores(ps).top(0, 13))
                    .hasMessageContaining("top 13 out of range [0, 12]");
            assertThatThrownBy(() -> ich.topHeads(13, 1, 1).find(ps)).hasMessageContaining("top 13 out of range [0, 12]");
            assertThatThrownBy(() -> ich.ablationLayers(2, 9)).hasMessageContaining("[2, 9)")
                    .hasMessageContaining("3 layers");
            assertThatThrownBy(() -> HeadOptions.defaults().withBatch(0, 8)).hasMessageContaining("batchSize 0");
            IclPrompt noDemos = new IclPrompt("q", new long[] {11, 12, 40, 13, 12}, new int[0], new int[0], List.of(),
                    new IclPrompt.Span(2, 3), 4, 0, new long[] {Fixtures.FOO, Fixtures.BAR}, List.of(" foo", " bar"), 0);
            InContextHeadSet set = ich.options(HeadOptions.defaults().withTopHeads(1, 1, 0)
                    .withMerge(HeadOptions.Merge.SCORES_ONLY)).find(ps);
            assertThatThrownBy(() -> ich.valueOutputs(set, List.of(noDemos)))
                    .hasMessageContaining("prompt 0 has no label positions");
            IclPrompt unlabelled = new IclPrompt("q", new long[] {11, 12, 40, 13, 12}, new int[0], new int[0],
                    List.of(), new IclPrompt.Span(2, 3), 4, -1, new long[] {Fixtures.FOO, Fixtures.BAR},
                    List.of(" foo", " bar"), 0);
            assertThatThrownBy(() -> ich.ablationRanking(List.of(unlabelled)))
                    .hasMessageContaining("gold label -1").hasMessageContaining("{0 (foo), 1 (bar)}");
        }
    }
}
