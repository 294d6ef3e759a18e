package io.github.icl4j.heads;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.icl4j.IclPrompt;
import io.github.icl4j.Model;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Per-prompt scores and ablation outcomes computed in shards combine to exactly the one-call results. */
class ShardsTest {

    @Test
    void scoresFromPromptShardsEqualOneCall() {
        try (Model model = Fixtures.parityModel("llama")) {
            InContextHeads ich = InContextHeads.of(model).options(HeadOptions.defaults().withBatch(1, 7));
            Map<String, List<IclPrompt>> sets = new LinkedHashMap<>();
            sets.put("a", Fixtures.toys(6, 3, 3, 5));
            sets.put("b", Fixtures.toys(4, 3, 3, 6));
            HeadScores whole = ich.scores(sets);
            Map<String, PromptScores> shards = new LinkedHashMap<>();
            for (Map.Entry<String, List<IclPrompt>> e : sets.entrySet()) {
                List<IclPrompt> ps = e.getValue();
                PromptScores first = ich.promptScores(ps.subList(0, 3));
                PromptScores rest = ich.promptScores(ps.subList(3, ps.size()));
                shards.put(e.getKey(), concat(first, rest));
            }
            HeadScores combined = HeadScores.combine(whole.labelWords(), 3, 4, ich.options(), shards);
            assertThat(combined.scores()).isDeepEqualTo(whole.scores());
            assertThat(combined.datasets().get(1).scores()).isDeepEqualTo(whole.datasets().get(1).scores());
            assertThat(combined.toString()).isEqualTo(whole.toString());
        }
    }

    @Test
    void ablationRankingFromLayerShardsEqualsOneCall() {
        try (Model model = Fixtures.parityModel("llama")) {
            InContextHeads ich = InContextHeads.of(model)
                    .options(HeadOptions.defaults().withAblationLayers(0, 3).withBatch(2, 5));
            List<IclPrompt> ps = Fixtures.toys(4, 3, 3, 5);
            AblationRanking whole = ich.ablationRanking(ps);
            PromptAblations[] layers = new PromptAblations[3];
            for (int l = 0; l < 3; l++) {
                layers[l] = ich.promptAblations(ps, l, l + 1);
            }
            PromptAblations.Outcome[][][] all = new PromptAblations.Outcome[3][][];
            for (int l = 0; l < 3; l++) {
                all[l] = layers[l].ablated()[0];
                assertThat(layers[l].clean()).containsExactly(layers[0].clean());
            }
            AblationRanking combined = AblationRanking.combine(3, 4, ich.options(),
                    Map.of("prompts", new PromptAblations(4, 0, 3, layers[0].clean(), all)));
            assertThat(combined.accuracy()).isDeepEqualTo(whole.accuracy());
            assertThat(combined.goldProbDrop()).isDeepEqualTo(whole.goldProbDrop());
            assertThat(combined.ranking()).isEqualTo(whole.ranking());
            assertThat(combined.baselineAccuracy()).isEqualTo(whole.baselineAccuracy());
            assertThatThrownBy(() -> ich.promptAblations(ps, 2, 4)).hasMessageContaining("ablation layers [2, 4)")
                    .hasMessageContaining("3 layers");
        }
    }

    private static PromptScores concat(PromptScores a, PromptScores b) {
        int n = a.prompts() + b.prompts();
        int[] gold = new int[n];
        float[][][][] s = new float[n][][][];
        for (int i = 0; i < n; i++) {
            PromptScores from = i < a.prompts() ? a : b;
            int j = i < a.prompts() ? i : i - a.prompts();
            gold[i] = from.gold()[j];
            s[i] = from.scores()[j];
        }
        return new PromptScores(a.labelTokenIds(), gold, s);
    }
}
