package io.github.icl4j.heads;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.github.icl4j.HeadId;
import io.github.icl4j.ReadoutMetric;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The ablation ranking in each readout, on constructed outcomes: removing head 0 adds a label prior (argmax accuracy
 * falls, the ranking of the queries does not), removing head 1 scrambles the ranking (a smaller argmax drop), so
 * argmax ranks head 0 first and the calibrated and AUROC readouts rank head 1 first.
 */
class ReadoutRankingTest {
    private static final int[] GOLD = {1, 1, 0, 0};
    private static final double[] CLEAN = {1, 2, -1, -2};
    private static final double[] PRIOR = {4, 5, 2, 1};        // head 0 removed: +3 towards class 1 everywhere
    private static final double[] SCRAMBLED = {1, 2, -1, 1.5}; // head 1 removed: the last query jumps

    /** The outcome of a prompt whose label logit difference (class 1 minus class 0) is {@code d}. */
    private static PromptAblations.Outcome outcome(int gold, double d) {
        double lse = Math.log1p(Math.exp(d)); // log(e^0 + e^d)
        double[] logp = {-lse, d - lse};
        boolean correct = (d > 0 ? 1 : 0) == gold;
        return new PromptAblations.Outcome(gold, correct, correct, Math.exp(logp[gold]), logp);
    }

    private static PromptAblations.Outcome[] outcomes(double[] d) {
        PromptAblations.Outcome[] o = new PromptAblations.Outcome[d.length];
        for (int i = 0; i < d.length; i++) {
            o[i] = outcome(GOLD[i], d[i]);
        }
        return o;
    }

    private static AblationRanking ranking(ReadoutMetric readout) {
        PromptAblations pa = new PromptAblations(2, 0, 1, outcomes(CLEAN),
                new PromptAblations.Outcome[][][] {{outcomes(PRIOR), outcomes(SCRAMBLED)}});
        return AblationRanking.combine(1, 2, HeadOptions.defaults(), Map.of("task", pa), readout);
    }

    @Test
    void argmaxRanksThePriorHeadFirst() {
        AblationRanking a = ranking(ReadoutMetric.ARGMAX);
        assertThat(a.drop(HeadId.of(0, 0))).isEqualTo(0.5);
        assertThat(a.drop(HeadId.of(0, 1))).isEqualTo(0.25);
        assertThat(a.ranking()).containsExactly(HeadId.of(0, 0), HeadId.of(0, 1));
        assertThat(a.readout()).isEqualTo(ReadoutMetric.ARGMAX);
        assertThat(a.baselineReadout()).isEqualTo(a.baselineAccuracy()).isEqualTo(1.0);
        assertThat(a.toString()).doesNotContain("argmax");
    }

    @Test
    void calibratedAndAurocRankTheScramblingHeadFirst() {
        AblationRanking cal = ranking(ReadoutMetric.CALIBRATED);
        assertThat(cal.drop(HeadId.of(0, 0))).isEqualTo(0.0);   // the prior is centred away
        assertThat(cal.drop(HeadId.of(0, 1))).isEqualTo(0.25);  // mean d 0.875: the jumped query reads class 1
        assertThat(cal.ranking()).containsExactly(HeadId.of(0, 1), HeadId.of(0, 0));
        assertThat(cal.toString()).contains("calibrated 1.000");

        AblationRanking auc = ranking(ReadoutMetric.AUROC);
        assertThat(auc.drop(HeadId.of(0, 0))).isEqualTo(0.0);
        assertThat(auc.drop(HeadId.of(0, 1))).isCloseTo(0.25, within(1e-12)); // 3 of 4 pairs still ordered
        assertThat(auc.readoutValue()[0][1]).isEqualTo(0.75);
        assertThat(auc.ranking()).containsExactly(HeadId.of(0, 1), HeadId.of(0, 0));
        // the protocol accuracies are kept beside the readout
        assertThat(auc.accuracy()[0][0]).isEqualTo(0.5);
        assertThat(auc.datasets().get(0).baselineReadout()).isEqualTo(1.0);
    }

    @Test
    void dataSetsAverageTheirOwnReadouts() {
        PromptAblations a = new PromptAblations(2, 0, 1, outcomes(CLEAN),
                new PromptAblations.Outcome[][][] {{outcomes(PRIOR), outcomes(SCRAMBLED)}});
        PromptAblations b = new PromptAblations(2, 0, 1, outcomes(CLEAN),
                new PromptAblations.Outcome[][][] {{outcomes(CLEAN), outcomes(CLEAN)}});
        AblationRanking r = AblationRanking.combine(1, 2, HeadOptions.defaults(),
                new java.util.LinkedHashMap<>(Map.of("a", a)) {{ put("b", b); }}, ReadoutMetric.AUROC);
        assertThat(r.drop(HeadId.of(0, 1))).isCloseTo(0.125, within(1e-12)); // (0.25 + 0) / 2
        assertThat(r.datasets()).extracting(AblationRanking.DatasetAblation::name).isEqualTo(List.of("a", "b"));
    }

    @Test
    void anOutcomeKnownByItsGoldProbabilityAloneReadsTheSame() {
        PromptAblations.Outcome full = outcome(1, -0.7);
        PromptAblations.Outcome fromProb = new PromptAblations.Outcome(1, full.correct(), full.fullVocabCorrect(),
                full.goldProb());
        assertThat(fromProb.labelLogProbs()[0]).isCloseTo(full.labelLogProbs()[0], within(1e-12));
        assertThat(fromProb.labelLogProbs()[1]).isCloseTo(full.labelLogProbs()[1], within(1e-12));
        assertThat(new PromptAblations.Outcome(0, true, true, 1.0).labelLogProbs()[1]).isFinite();
    }
}
