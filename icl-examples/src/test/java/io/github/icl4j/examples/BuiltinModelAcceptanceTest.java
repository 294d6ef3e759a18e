package io.github.icl4j.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.icl4j.IclPrompt;
import io.github.icl4j.Model;
import io.github.icl4j.heads.InContextHeads;
import io.github.icl4j.heads.InContextHeadsAcceptance;
import io.github.icl4j.heads.ReadingAnalysis;
import io.github.icl4j.train.SyntheticIclTask;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The icl-heads acceptance ({@link InContextHeadsAcceptance}) on the trained built-in model, heads found on 200
 * held-out prompts and tested on 200 others (prompt seeds 7 and 8, not the ones the recipe was chosen on).
 *
 * <p>The model meets the intervention criteria (its heads removed: near chance; as many random heads: little
 * cost), the swap test and the size bound, and fails the two that presuppose the paper's label-position
 * mechanism: its heads do not read the label words (value-output top token, attention shift). The reading
 * analysis shows where they read instead. This test pins that state, so a retrained model that changes it fails
 * here and gets its documentation updated.
 */
class BuiltinModelAcceptanceTest {
    static Model model;
    static SyntheticIclTask task;
    static List<IclPrompt> find;
    static List<IclPrompt> test;
    static InContextHeadsAcceptance.Result result;

    @BeforeAll
    static void run() {
        assumeTrue(BuiltinModel.isAvailable(), "no built-in model in the jar; run TrainBuiltinModel");
        model = BuiltinModel.load();
        task = BuiltinModel.task();
        IclPrompt.Builder b = IclPrompt.builder(model.tokenizer());
        find = SyntheticPrompts.prompts(b, task, 200, 2, 7);
        test = SyntheticPrompts.prompts(b, task, 200, 2, 8);
        result = InContextHeadsAcceptance.check(model, find, test);
    }

    @AfterAll
    static void close() {
        if (model != null) {
            model.close();
            task.close();
        }
    }

    @Test
    void removingTheFoundHeadsCollapsesAccuracyWhileRandomHeadsCostLittle() {
        var iv = result.intervention();
        assertThat(iv.baseline().accuracy()).as(iv.describe()).isGreaterThanOrEqualTo(0.8);
        assertThat(iv.ablated().accuracy()).as(iv.describe()).isLessThanOrEqualTo(0.6);
        assertThat(iv.baseline().accuracy() - iv.controlMean()).as(iv.describe()).isLessThanOrEqualTo(0.1);
        assertThat(result.swapGain()).isGreaterThanOrEqualTo(0.2);
        assertThat(result.set().size()).isLessThanOrEqualTo(2);
        // every criterion but the two about the label positions holds
        InContextHeadsAcceptance.Criteria d = InContextHeadsAcceptance.Criteria.defaults();
        InContextHeadsAcceptance.Criteria withoutLabelPositions = new InContextHeadsAcceptance.Criteria(
                d.minBaseline(), d.maxAboveChance(), d.maxControlCost(), d.maxHeadFraction(), false,
                Double.NEGATIVE_INFINITY, d.minSwapGain());
        result.against(withoutLabelPositions).assertPassed();
    }

    @Test
    void theHeadsDoNotReadTheLabelWordsAsThePapersDo() {
        assertThat(result.passed()).isFalse();
        assertThat(result.failures()).as(result.toString()).allMatch(f -> f.startsWith("value-output vectors of")
                || f.contains("heads' attention on"));
        assertThat(result.top1()).isNotEmpty().noneMatch(InContextHeadsAcceptance.TopToken::matches);
        // where they read instead: the head the ablation ranking put first looks at the sentences, not the labels
        ReadingAnalysis r = InContextHeads.of(model).reading(result.set(), test);
        ReadingAnalysis.HeadReading upper = r.heads().stream().filter(h -> h.head().layer() > 0).findFirst()
                .orElseThrow();
        assertThat(upper.labelPositions()).as(upper.toString()).isLessThan(0.2);
        assertThat(upper.query() + upper.matchingSentences() + upper.otherSentences()).as(upper.toString())
                .isGreaterThan(0.5);
    }
}
