package io.github.icl4j.heads;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.github.icl4j.HeadId;
import io.github.icl4j.IclPrompt;
import io.github.icl4j.LabelProbabilities;
import io.github.icl4j.Model;
import io.github.icl4j.Patch;
import io.github.icl4j.Probe;
import io.github.icl4j.ReadoutMetric;
import io.github.icl4j.heads.report.HeadsCsv;
import io.github.icl4j.heads.report.HeadsText;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@link HeadOptions#readout()} on a real (random) model: the ablation ranking's drops and the intervention's values
 * in each readout equal the readout of the same prompts run through the Probe with the heads zeroed.
 */
class ReadoutOptionTest {
    static Model model;
    static List<IclPrompt> prompts;

    @BeforeAll
    static void load() {
        model = Fixtures.parityModel("llama");
        prompts = Fixtures.toys(12, 3, 3, 9);
    }

    @AfterAll
    static void close() {
        model.close();
    }

    @Test
    void theDefaultIsArgmaxAndToStringNamesAnotherReadout() {
        assertThat(HeadOptions.defaults().readout()).isEqualTo(ReadoutMetric.ARGMAX);
        assertThat(HeadOptions.defaults().toString()).doesNotContain("readout");
        assertThat(HeadOptions.defaults().withReadout(ReadoutMetric.AUROC).toString()).contains("readout auroc");
    }

    @ParameterizedTest
    @EnumSource(ReadoutMetric.class)
    void ablationDropsAreDropsInTheReadout(ReadoutMetric readout) {
        InContextHeads ich = InContextHeads.of(model)
                .options(HeadOptions.defaults().withAblationLayers(1, 3).withReadout(readout));
        AblationRanking r = ich.ablationRanking(prompts);
        LabelProbabilities base = Probe.on(model).prompts(prompts).labelProbabilities();
        assertThat(r.readout()).isEqualTo(readout);
        assertThat(r.baselineReadout()).isCloseTo(base.readout(readout), within(1e-9));
        for (HeadId h : List.of(HeadId.of(1, 0), HeadId.of(2, 3))) {
            LabelProbabilities one = Probe.on(model).prompts(prompts).patchHeads(List.of(h), Patch.zero())
                    .labelProbabilities();
            assertThat(r.readoutValue()[h.layer()][h.head()]).as("%s without %s", readout, h)
                    .isCloseTo(one.readout(readout), within(1e-9));
            assertThat(r.drop(h)).isCloseTo(base.readout(readout) - one.readout(readout), within(1e-9));
        }
        if (readout == ReadoutMetric.ARGMAX) {
            assertThat(r.baselineReadout()).isEqualTo(r.baselineAccuracy());
        }
    }

    @ParameterizedTest
    @EnumSource(ReadoutMetric.class)
    void theInterventionAndItsControlReportTheReadout(ReadoutMetric readout) {
        InContextHeads ich = InContextHeads.of(model).options(HeadOptions.defaults().withReadout(readout)
                .withControl(3, 5L, HeadOptions.ControlPool.SAME_LAYER_COUNTS));
        List<HeadId> heads = List.of(HeadId.of(2, 1), HeadId.of(1, 2));
        InContextHeadSet set = new InContextHeadSet(model.toString(), heads, List.of(HeadId.of(1, 2)),
                List.of(HeadId.of(2, 1)), List.of(), List.of(), List.of(), ich.scores(prompts), null, ich.options());
        InterventionResult iv = ich.intervene(set, prompts);
        LabelProbabilities clean = Probe.on(model).prompts(prompts).labelProbabilities();
        LabelProbabilities cut = Probe.on(model).prompts(prompts).patchHeads(heads, Patch.zero()).labelProbabilities();
        assertThat(iv.readout()).isEqualTo(readout);
        assertThat(iv.baseline().readout()).isCloseTo(clean.readout(readout), within(1e-9));
        assertThat(iv.ablated().readout()).isCloseTo(cut.readout(readout), within(1e-9));
        double[] control = iv.controls().stream().mapToDouble(c -> c.accuracy().readout()).toArray();
        assertThat(control).hasSize(3);
        assertThat(iv.controlReadoutMean()).isCloseTo(java.util.Arrays.stream(control).average().orElseThrow(),
                within(1e-12));
        if (readout == ReadoutMetric.AUROC) {
            // examples of one gold label cannot be ranked against each other
            assertThat(iv.labelSpecific()).allSatisfy(l -> assertThat(l.baseline().readout()).isNaN());
        } else {
            assertThat(iv.labelSpecific()).allSatisfy(l -> assertThat(l.baseline().readout()).isBetween(0.0, 1.0));
        }
        if (readout == ReadoutMetric.ARGMAX) {
            assertThat(iv.baseline().readout()).isEqualTo(iv.baseline().accuracy());
            assertThat(HeadsText.summary(iv)).doesNotContain("readout");
        } else {
            assertThat(HeadsText.summary(iv)).contains("readout " + readout.key());
            assertThat(HeadsCsv.intervention(iv)).contains("," + readout.key() + ",");
        }
    }

    @ParameterizedTest
    @EnumSource(ReadoutMetric.class)
    void theAttentionAnalysisGroupsPromptsByThePredictionInTheReadout(ReadoutMetric readout) {
        InContextHeads ich = InContextHeads.of(model).options(HeadOptions.defaults().withReadout(readout));
        InContextHeadSet set = new InContextHeadSet(model.toString(), List.of(HeadId.of(2, 1)), List.of(HeadId.of(2, 1)),
                List.of(), List.of(), List.of(), List.of(), ich.scores(prompts), null, ich.options());
        LabelProbabilities clean = Probe.on(model).prompts(prompts).labelProbabilities();
        int[] argmax = new int[2];
        for (int i = 0; i < prompts.size(); i++) {
            argmax[clean.row(i).predicted()]++;
        }
        int[] expected = new int[2];
        for (int p : readout.predictions(clean)) {
            expected[p]++;
        }
        assertThat(ich.attention(set, prompts).examplesPerGroup()).as(readout.toString()).containsExactly(expected);
        if (readout == ReadoutMetric.CALIBRATED) {
            // this random model leans to one label word: calibration moves prompts between the groups
            assertThat(expected).isNotEqualTo(argmax);
        } else {
            assertThat(expected).isEqualTo(argmax);
        }
    }

    @ParameterizedTest
    @EnumSource(ReadoutMetric.class)
    void theSwapTestCountsAgreementInTheReadout(ReadoutMetric readout) {
        InContextHeads ich = InContextHeads.of(model).options(HeadOptions.defaults().withReadout(readout));
        TwoTowersAnalysis t = ich.twoTowers(List.of(HeadId.of(2, 1)), prompts);
        List<Towers.Swapped> swapped = new ArrayList<>();
        for (int i = 0; i < prompts.size(); i++) {
            Towers.Swapped s = Towers.swap(prompts.get(i), i, model.config().maxPositions());
            if (s != null) {
                swapped.add(s);
            }
        }
        LabelProbabilities swappedProbs = Probe.on(model).prompts(swapped.stream().map(Towers.Swapped::prompt)
                .toList()).labelProbabilities();
        int[] before = readout.predictions(Probe.on(model).prompts(prompts).labelProbabilities());
        int[] after = readout.predictions(swappedProbs);
        int agreeBefore = 0;
        int agreeAfter = 0;
        for (int i = 0; i < swapped.size(); i++) {
            int want = swapped.get(i).prompt().demoLabels()[swapped.get(i).demo()];
            agreeBefore += before[swapped.get(i).source()] == want ? 1 : 0;
            agreeAfter += after[i] == want ? 1 : 0;
        }
        assertThat(t.swapPrompts()).isEqualTo(swapped.size()).isPositive();
        assertThat(t.baseAgreement()).isCloseTo((double) agreeBefore / swapped.size(), within(1e-12));
        assertThat(t.swapAgreement()).isCloseTo((double) agreeAfter / swapped.size(), within(1e-12));
        if (readout == ReadoutMetric.CALIBRATED) {
            // not the argmax count in disguise: calibration changes predictions on this model
            assertThat(after).isNotEqualTo(ReadoutMetric.ARGMAX.predictions(swappedProbs));
        }
    }
}
