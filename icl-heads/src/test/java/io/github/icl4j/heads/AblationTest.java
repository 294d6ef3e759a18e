package io.github.icl4j.heads;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.github.icl4j.HeadId;
import io.github.icl4j.IclPrompt;
import io.github.icl4j.LabelProbabilities;
import io.github.icl4j.Model;
import io.github.icl4j.Patch;
import io.github.icl4j.Probe;
import io.github.icl4j.heads.report.HeadsText;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The batched ablations equal one-at-a-time ablation through the Probe; the intervention's control is sound. */
class AblationTest {

    @ParameterizedTest
    @CsvSource({"llama, ALL_POSITIONS", "gpt2, ALL_POSITIONS", "gptj, LAST_POSITION"})
    void batchedRankingEqualsOneAtATimeAblation(String family, HeadOptions.AblateAt at) {
        try (Model model = Fixtures.parityModel(family)) {
            List<IclPrompt> ps = Fixtures.toys(4, 3, 3, 5);
            // every layer (start layer 0 included), chunks of 3 and 1 prompts, at most 7 rows: 2 and 7 heads per pass
            InContextHeads ich = InContextHeads.of(model)
                    .options(HeadOptions.defaults().withAblationLayers(0, 3).withAblateAt(at).withBatch(3, 7));
            AblationRanking r = ich.ablationRanking(ps);
            LabelProbabilities base = Probe.on(model).prompts(ps).labelProbabilities();
            assertThat(r.baselineAccuracy()).isEqualTo(base.accuracy());
            assertThat(r.baselineFullVocabAccuracy()).isEqualTo(base.fullVocabAccuracy());
            Patch zero = at == HeadOptions.AblateAt.ALL_POSITIONS ? Patch.zero() : Patch.zero().atLastPosition();
            double[][] acc = r.accuracy();
            double[][] gp = r.goldProbDrop();
            for (int l = 0; l < 3; l++) {
                for (int h = 0; h < 4; h++) {
                    LabelProbabilities one = Probe.on(model).prompts(ps).patchHeads(List.of(HeadId.of(l, h)), zero)
                            .labelProbabilities();
                    double d = 0;
                    for (int i = 0; i < ps.size(); i++) {
                        int g = ps.get(i).queryLabel();
                        d += base.row(i).prob(g) - one.row(i).prob(g);
                    }
                    assertThat(acc[l][h]).as("accuracy without L%dH%d", l, h).isEqualTo(one.accuracy());
                    assertThat(gp[l][h]).as("gold-probability drop of L%dH%d", l, h).isCloseTo(d / ps.size(),
                            within(1e-5));
                    assertThat(r.drop(HeadId.of(l, h))).isCloseTo(base.accuracy() - one.accuracy(), within(1e-12));
                }
            }
            assertThat(r.ranking()).hasSize(12);
            assertThat(r.toString()).contains("layers [0, 3)", "4 prompts");
        }
    }

    @Test
    void upperHalfIsTheDefaultAndBadRangesAreRejected() {
        try (Model model = Fixtures.parityModel("llama")) {
            List<IclPrompt> ps = Fixtures.toys(2, 2, 2, 1);
            AblationRanking r = InContextHeads.of(model).ablationRanking(ps);
            assertThat(r.fromLayer()).isEqualTo(1);
            assertThat(r.toLayer()).isEqualTo(3);
            assertThat(r.drop()[0][0]).isNaN();
            assertThatThrownBy(() -> InContextHeads.of(model).ablationLayers(1, 5))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("[1, 5)")
                    .hasMessageContaining("[0, 3]");
            assertThatThrownBy(() -> r.top(9)).hasMessageContaining("top 9 out of range [0, 8]");
        }
    }

    @Test
    void controlDrawsComeFromTheSameLayersAndRepeatWithTheSeed() {
        List<HeadId> set = List.of(HeadId.of(1, 0), HeadId.of(2, 1), HeadId.of(2, 3), HeadId.of(5, 7));
        List<List<HeadId>> a = Intervention.controlDraws(set, 8, 6, 7L, HeadOptions.ControlPool.SAME_LAYER_COUNTS);
        List<List<HeadId>> b = Intervention.controlDraws(set, 8, 6, 7L, HeadOptions.ControlPool.SAME_LAYER_COUNTS);
        List<List<HeadId>> c = Intervention.controlDraws(set, 8, 6, 8L, HeadOptions.ControlPool.SAME_LAYER_COUNTS);
        assertThat(a).isEqualTo(b).isNotEqualTo(c).hasSize(6);
        for (List<HeadId> draw : a) {
            assertThat(draw).hasSize(4).doesNotContainAnyElementsOf(set);
            assertThat(perLayer(draw)).isEqualTo(perLayer(set));
        }
        List<List<HeadId>> pooled = Intervention.controlDraws(set, 8, 20, 3L,
                HeadOptions.ControlPool.SAME_LAYERS_POOLED);
        for (List<HeadId> draw : pooled) {
            assertThat(draw).hasSize(4).doesNotContainAnyElementsOf(set)
                    .allSatisfy(h -> assertThat(h.layer()).isIn(1, 2, 5));
        }
        assertThatThrownBy(() -> Intervention.controlDraws(List.of(HeadId.of(0, 0), HeadId.of(0, 1),
                HeadId.of(0, 2)), 4, 1, 1L, HeadOptions.ControlPool.SAME_LAYER_COUNTS))
                .hasMessageContaining("layer 0 has 3 selected heads but only 1 other heads");
    }

    private static Map<Integer, Integer> perLayer(List<HeadId> heads) {
        Map<Integer, Integer> m = new TreeMap<>();
        heads.forEach(h -> m.merge(h.layer(), 1, Integer::sum));
        return m;
    }

    @Test
    void interventionMatchesTheProbeAndIsReproducible() {
        try (Model model = Fixtures.parityModel("llama")) {
            List<IclPrompt> ps = Fixtures.toys(4, 3, 3, 9);
            InContextHeads ich = InContextHeads.of(model).options(HeadOptions.defaults().withTopHeads(1, 1, 1)
                    .withControl(3, 5L, HeadOptions.ControlPool.SAME_LAYERS_POOLED).withBatch(4, 8));
            InContextHeadSet set = ich.find(ps);
            assertThat(set.heads()).isNotEmpty();
            InterventionResult r1 = ich.intervene(set, ps);
            InterventionResult r2 = ich.intervene(set, ps);
            assertThat(r1.controls()).isEqualTo(r2.controls());
            assertThat(r1.controls()).hasSize(3);
            LabelProbabilities cut = Probe.on(model).prompts(ps).patchHeads(set.heads(), Patch.zero())
                    .labelProbabilities();
            assertThat(r1.ablated().accuracy()).isEqualTo(cut.accuracy());
            assertThat(r1.baseline().n()).isEqualTo(4);
            for (InterventionResult.ControlDraw d : r1.controls()) {
                LabelProbabilities ctl = Probe.on(model).prompts(ps).patchHeads(d.heads(), Patch.zero())
                        .labelProbabilities();
                assertThat(d.accuracy().accuracy()).isEqualTo(ctl.accuracy());
                assertThat(d.heads()).doesNotContainAnyElementsOf(set.heads());
            }
            assertThat(r1.labelSpecific()).allSatisfy(l -> assertThat(l.baseline().n()).isEqualTo(2));
            assertThat(HeadsText.summary(r1)).contains("random control", "clean model");
        }
    }
}
