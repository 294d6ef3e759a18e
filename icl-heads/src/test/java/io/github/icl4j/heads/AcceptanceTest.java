package io.github.icl4j.heads;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.icl4j.IclPrompt;
import io.github.icl4j.Model;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The acceptance check: a random model must fail it (so a pass means something). The trained built-in model lives
 * in icl-examples, which icl-heads does not depend on: its test there ({@code BuiltinModelAcceptanceTest}) runs
 * the check and must pass.
 */
class AcceptanceTest {

    @Test
    void aRandomModelFailsWithReasons() {
        try (Model model = Fixtures.parityModel("llama")) {
            List<IclPrompt> ps = Fixtures.toys(4, 3, 3, 31);
            InContextHeadsAcceptance.Result r = InContextHeadsAcceptance.check(model, ps, ps);
            assertThat(r.passed()).isFalse();
            assertThat(r.failures()).isNotEmpty();
            assertThatThrownBy(r::assertPassed).isInstanceOf(AssertionError.class)
                    .hasMessageContaining("acceptance failed").hasMessageContaining("Intervention on");
            assertThat(r.toString()).contains("FAILED");
            // the same analyses judged again: the same verdict, or a pass with every criterion switched off
            assertThat(r.against(InContextHeadsAcceptance.Criteria.defaults()).failures()).isEqualTo(r.failures());
            InContextHeadsAcceptance.Criteria none = new InContextHeadsAcceptance.Criteria(0, 1, 1, 1, false,
                    Double.NEGATIVE_INFINITY, Double.NEGATIVE_INFINITY);
            InContextHeadsAcceptance.Result lenient = r.against(none);
            assertThat(lenient.passed()).as(lenient.failures().toString()).isTrue();
            assertThat(lenient.intervention()).isSameAs(r.intervention());
        }
    }

    @Test
    void scoreTopListsCanBeLimitedToTheAblationLayersAndTheTopHeadsComeFromThem() {
        try (Model model = Fixtures.parityModel("llama")) {
            List<IclPrompt> ps = Fixtures.toys(4, 3, 3, 31);
            HeadOptions o = HeadOptions.defaults().withTopHeads(3, 3, 2)
                    .withScoreLayers(HeadOptions.ScoreLayers.ABLATION_LAYERS);
            InContextHeads ich = InContextHeads.of(model).options(o);
            HeadScores s = ich.scores(ps);
            InContextHeadSet set = ich.select(s, ich.ablationRanking(ps));
            int[] range = o.ablationLayers(model.config().nLayers());
            assertThat(range[0]).isPositive();
            for (int c = 0; c < 2; c++) {
                List<io.github.icl4j.HeadId> top = c == 0 ? set.fooTop() : set.barTop();
                // the best heads of the range, in the whole ranking's order
                assertThat(top).isEqualTo(s.top(c, s.nLayers() * s.nHeads()).stream()
                        .filter(h -> h.layer() >= range[0] && h.layer() < range[1]).limit(3).toList());
                assertThat(top).isEqualTo(s.top(c, 3, range[0], range[1]));
                // the label's top head is its score list's first, whichever group its two scores put it in
                assertThat(InContextHeadsAcceptance.topHead(set, c)).isEqualTo(top.get(0));
            }
            assertThat(o.toString()).contains("score top lists from the ablation layers");
            assertThatThrownBy(() -> s.top(0, 1, 2, 1)).hasMessage("layers [2, 1) out of range [0, "
                    + s.nLayers() + "]");
            assertThatThrownBy(() -> s.top(0, 1000, range[0], range[1])).hasMessageContaining("top 1000 out of range");
        }
    }
}
