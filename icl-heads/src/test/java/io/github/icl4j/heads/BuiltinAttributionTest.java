package io.github.icl4j.heads;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.icl4j.HeadId;
import io.github.icl4j.IclPrompt;
import io.github.icl4j.Model;
import io.github.icl4j.stats.Stats;
import io.github.icl4j.train.HeldOutPrompts;
import io.github.icl4j.train.SyntheticIclTask;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Attribution patching beside exhaustive ablation on the trained built-in model (3 layers × 8 heads), 120 held-out
 * prompts: the estimates rank the heads as their true effects do, and the in-context head that tops the exhaustive
 * ablation ranking (L1H1, the model card's) is in AtP's top list.
 */
class BuiltinAttributionTest {
    static Model model;
    static List<IclPrompt> prompts;
    static InContextHeads ich;
    static AblationRanking exhaustive;
    static AblationRanking all;

    @BeforeAll
    static void run() {
        assumeTrue(Model.builtinAvailable(), "no built-in model on the class path");
        model = Model.builtin();
        try (SyntheticIclTask task = SyntheticIclTask.builtin()) {
            prompts = prompts(IclPrompt.builder(model.tokenizer()), task, 120, 2, 7);
        }
        // every layer: layer 0's label copiers give the estimates a wider range to rank
        ich = InContextHeads.of(model).ablationLayers(0, 3);
        exhaustive = ich.ablationRanking(prompts);
        // every head verified: a true effect in the metric's units for each
        all = screen(AblationScreen.Strategy.ATP_VERIFIED, AttributionOptions.defaults().withVerifyTop(24));
    }

    static AblationRanking screen(AblationScreen.Strategy s, AttributionOptions o) {
        return ich.options(ich.options().withAblationScreen(s).withAttribution(o)).ablationRanking(prompts);
    }

    @AfterAll
    static void close() {
        if (model != null) {
            model.close();
        }
    }

    @Test
    void estimatesRankTheHeadsAsTheirTrueEffectsDo() {
        AblationScreen sc = all.screen();
        assertThat(sc.verified()).hasSize(24);
        double rho = sc.spearman();
        double[] est = new double[24];
        double[] drop = new double[24];
        for (int i = 0; i < 24; i++) {
            HeadId h = sc.verified().get(i);
            est[i] = -sc.estimates().estimate(h);
            drop[i] = exhaustive.goldProbDrop()[h.layer()][h.head()];
        }
        double rhoDrop = Stats.spearman(est, drop);
        System.out.printf("built-in: Spearman(AtP, true Δlogit-diff) %.3f, Spearman(−AtP, gold-prob drop) %.3f%n", rho,
                rhoDrop);
        System.out.println(sc + "\n" + all + "\n" + exhaustive + "\n" + sc.estimates());
        // measured 0.52 here (n = 24 heads, 120 prompts, seed 7) and 0.52, 0.60, 0.63 with prompt seeds 8, 9, 10
        // (AttributionBenchmark); a random ranking's ρ has a standard deviation of about 1/sqrt(23) = 0.21, so 0.35
        // fails a screen no better than chance at ~1.7 standard deviations while leaving 0.17 below the lowest
        // measurement
        assertThat(rho).isGreaterThan(0.35);
    }

    @Test
    void theExhaustiveTopHeadIsInAtpsTopList() {
        HeadId top = exhaustive.ranking().get(0);
        AblationRanking atp = screen(AblationScreen.Strategy.ATP, AttributionOptions.defaults());
        System.out.println("exhaustive top " + exhaustive.ranking().subList(0, 5) + ", AtP top "
                + atp.ranking().subList(0, 5) + ", AtP by |estimate| " + atp.screen().estimates().top(5));
        assertThat(top).isEqualTo(HeadId.of(1, 1));
        // the atp screen reads the clean outcomes off its gradient passes: the same baseline as the exhaustive ranking
        assertThat(atp.baselineAccuracy()).isEqualTo(exhaustive.baselineAccuracy());
        assertThat(atp.baselineFullVocabAccuracy()).isEqualTo(exhaustive.baselineFullVocabAccuracy());
        assertThat(atp.drop(top)).isNaN();
        // the exhaustive ranking's top head among AtP's 5 largest of 24, and the model card's in-context head L2H2
        // (top of both score rankings) in AtP's top list (the ablation top list's default size, 10)
        assertThat(atp.screen().estimates().top(5)).contains(top);
        assertThat(atp.screen().estimates().top(10)).contains(HeadId.of(2, 2));
    }

    @Test
    void theVerifiedHeadsHaveTheExhaustiveRankingsTrueEffects() {
        AblationRanking v = screen(AblationScreen.Strategy.ATP_VERIFIED, AttributionOptions.defaults().withVerifyTop(5));
        assertThat(v.screen().verified()).hasSize(5).isEqualTo(v.screen().estimates().top(5));
        for (HeadId h : v.screen().verified()) {
            assertThat(v.drop(h)).as("drop of %s", h).isCloseTo(exhaustive.drop(h), within(1e-12));
            assertThat(v.goldProbDrop()[h.layer()][h.head()]).as("gold-probability drop of %s", h)
                    .isCloseTo(exhaustive.goldProbDrop()[h.layer()][h.head()], within(1e-6));
            assertThat(v.accuracy()[h.layer()][h.head()]).isEqualTo(exhaustive.accuracy()[h.layer()][h.head()]);
        }
        assertThat(v.baselineAccuracy()).isEqualTo(exhaustive.baselineAccuracy());
        // the verified heads rank first, by their true drops, as the exhaustive ranking orders them
        List<HeadId> firstFive = v.ranking().subList(0, 5);
        assertThat(firstFive).containsExactlyInAnyOrderElementsOf(v.screen().verified());
        List<HeadId> inExhaustiveOrder = new ArrayList<>(exhaustive.ranking());
        inExhaustiveOrder.retainAll(firstFive);
        assertThat(firstFive).isEqualTo(inExhaustiveOrder);
        HeadId unverified = v.ranking().get(5);
        assertThat(v.drop(unverified)).isNaN();
    }

    /** Prompts on the task's held-out class pairs (the recipe of icl-examples' SyntheticPrompts). */
    static List<IclPrompt> prompts(IclPrompt.Builder builder, SyntheticIclTask task, int n, int shots, long seed) {
        return HeldOutPrompts.of(builder, task, n, shots, seed);
    }
}
