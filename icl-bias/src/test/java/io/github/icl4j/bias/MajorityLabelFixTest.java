package io.github.icl4j.bias;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.github.icl4j.ActivationCache;
import io.github.icl4j.HeadId;
import io.github.icl4j.HookPoint;
import io.github.icl4j.LabelProbabilities;
import io.github.icl4j.Model;
import io.github.icl4j.Probe;
import io.github.icl4j.TokenPrompt;
import io.github.icl4j.runtime.Tensors;
import java.util.List;
import org.bytedeco.javacpp.PointerScope;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The value-output boost on the random parity Llama (grouped-query attention: 4 heads over 2 kv heads). */
class MajorityLabelFixTest {
    static Model llama;
    static final List<HeadId> HEADS = List.of(HeadId.of(1, 3), HeadId.of(2, 0), HeadId.of(2, 1));

    @BeforeAll
    static void load() {
        llama = RandomModels.parityModel("llama");
    }

    @AfterAll
    static void close() {
        llama.close();
    }

    @Test
    void acZeroIsTheIdentity() {
        List<TokenPrompt> imbalanced = Toy.prompts(0, 1, 0); // counts [2, 1]: class 1 is the minority
        LabelProbabilities plain = Probe.on(llama).prompts(imbalanced).labelProbabilities();
        LabelProbabilities zero = MajorityLabelFix.of(llama, HEADS).ac(0).labelProbabilities(imbalanced);
        for (int i = 0; i < imbalanced.size(); i++) {
            assertThat(zero.row(i).predicted()).isEqualTo(plain.row(i).predicted());
            assertThat(zero.row(i).topToken()).isEqualTo(plain.row(i).topToken());
            assertThat(zero.row(i).probs()).containsExactly(plain.row(i).probs(), within(1e-6));
            assertThat(zero.row(i).rawProbs()).containsExactly(plain.row(i).rawProbs(), within(1e-7));
        }
    }

    @Test
    void balancedPromptsAreUntouchedByAnyAc() {
        List<TokenPrompt> balanced = Toy.prompts(0, 1, 1, 0);
        MajorityLabelFix fix = MajorityLabelFix.of(llama, HEADS);
        for (float[] v : fix.ac(1.0).boostVectors(balanced)) {
            assertThat(v).containsOnly(0f);
        }
        LabelProbabilities zero = fix.ac(0).labelProbabilities(balanced);
        LabelProbabilities big = fix.ac(1.0).labelProbabilities(balanced);
        for (int i = 0; i < balanced.size(); i++) {
            assertThat(big.row(i).probs()).containsExactly(zero.row(i).probs());
        }
    }

    @Test
    void scaleIsAcTimesMajorityOverMinority() {
        assertThat(MajorityLabelFix.scale(0.03, new int[] {2, 1}, 1)).isCloseTo(0.06, within(1e-15));
        assertThat(MajorityLabelFix.scale(0.03, new int[] {2, 1}, 0)).isZero();
        assertThat(MajorityLabelFix.scale(0.03, new int[] {4, 3}, 1)).isCloseTo(0.04, within(1e-15));
        // three classes: each smaller class against the largest
        assertThat(MajorityLabelFix.scale(0.03, new int[] {3, 1, 2}, 1)).isCloseTo(0.09, within(1e-15));
        assertThat(MajorityLabelFix.scale(0.03, new int[] {3, 1, 2}, 2)).isCloseTo(0.045, within(1e-15));
        assertThat(MajorityLabelFix.scale(0.03, new int[] {3, 0}, 1)).isZero();
    }

    @Test
    void weightedValueOutputEqualsAHandComputationFromHookVPatternAndWo() {
        TokenPrompt p = Toy.prompts(0, 1, 0).get(3);
        int layer = 1;
        int head = 3; // reads kv head 3 / (4 / 2) = 1
        int pos = 5;
        int last = p.lastPosition();
        int e = llama.config().dHead();
        int d = llama.config().dModel();
        float[] expected = new float[d];
        try (ActivationCache c = Probe.on(llama).prompt(p).cache(HookPoint.v(layer), HookPoint.pattern(layer));
                PointerScope s = new PointerScope()) {
            // hook_pattern [1, h, s, t]; hook_v [1, s, kv, e]; W_O [d, h*e]
            double alpha = c.get(HookPoint.pattern(layer)).select(0, 0).select(0, head).select(0, last).select(0, pos)
                    .item_double();
            float[] v = Tensors.toFloats(c.get(HookPoint.v(layer)).select(0, 0).select(0, pos).select(0, 1));
            float[] wo = Tensors.toFloats(llama.transformer().weights().layers().get(layer).wO()); // row-major [d, 4e]
            int cols = llama.config().nHeads() * e;
            for (int j = 0; j < d; j++) {
                double sum = 0;
                for (int i = 0; i < e; i++) {
                    sum += wo[j * cols + head * e + i] * v[i];
                }
                expected[j] = (float) (alpha * sum);
            }
            assertThat(alpha).isBetween(1e-4, 1.0);
        }
        float[] got = MajorityLabelFix.of(llama, List.of(HeadId.of(layer, head)))
                .weightedValueOutputs(List.of(p), new int[][] {{pos}})[0];
        for (int j = 0; j < d; j++) {
            assertThat(got[j]).isCloseTo(expected[j], within(1e-5f));
        }
        assertThat(Math.abs(expected[0]) + Math.abs(expected[7])).isGreaterThan(1e-4f);
    }

    @Test
    void boostIsScaledMinoritySumAndEqualsAddingItThroughTheProbe() {
        List<TokenPrompt> ps = Toy.prompts(0, 1, 0); // minority: class 1 at position 5; a = 0.5 · 2 / 1
        MajorityLabelFix fix = MajorityLabelFix.of(llama, HEADS).ac(0.5);
        float[][] boost = fix.boostVectors(ps);
        float[][] minority = fix.weightedValueOutputs(ps, new int[][] {{5}, {5}, {5}, {5}, {5}});
        for (int j = 0; j < 48; j++) {
            assertThat(boost[1][j]).isCloseTo(1.0f * minority[1][j], within(1e-6f));
        }
        LabelProbabilities fixed = fix.labelProbabilities(ps);
        for (int i = 0; i < ps.size(); i++) {
            LabelProbabilities viaProbe = Probe.on(llama).prompt(ps.get(i))
                    .addToResidual(llama.config().nLayers(), Probe.LAST, boost[i]).labelProbabilities();
            assertThat(fixed.row(i).probs()).containsExactly(viaProbe.row(0).probs(), within(1e-5));
            assertThat(fixed.row(i).rawProbs()).containsExactly(viaProbe.row(0).rawProbs(), within(1e-6));
        }
        // and it does move the prediction's probabilities
        LabelProbabilities plain = Probe.on(llama).prompts(ps).labelProbabilities();
        assertThat(Math.abs(fixed.row(0).prob(1) - plain.row(0).prob(1))).isGreaterThan(1e-4);
    }

    @Test
    void tuningOnValidationPromptsPicksTheMostAccurateValue() {
        AcTuning t = MajorityLabelFix.of(llama, HEADS).tuneAc(Toy.prompts(0, 1, 0), 1.0, 0.0, 0.5);
        assertThat(t.grid()).containsExactly(0.0, 0.5, 1.0);
        double bestAcc = Math.max(t.accuracy()[0], Math.max(t.accuracy()[1], t.accuracy()[2]));
        int best = java.util.Arrays.binarySearch(t.grid(), t.best());
        assertThat(t.accuracy()[best]).isEqualTo(bestAcc);
        for (int j = 0; j < best; j++) {
            assertThat(t.accuracy()[j]).isLessThan(bestAcc);
        }
        assertThat(t.toString()).contains("best a_c", "5 validation prompts");
    }

    @Test
    void badArgumentsNameValueAndRange() {
        assertThatThrownBy(() -> MajorityLabelFix.of(llama, List.of())).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("needs at least one in-context head; got none")
                .hasMessageContaining("range: 1 to 12 heads");
        assertThatThrownBy(() -> MajorityLabelFix.of(llama, HEADS).ac(-0.5))
                .hasMessageContaining("a_c -0.5 out of range [0, +inf)");
        assertThatThrownBy(() -> MajorityLabelFix.of(llama, List.of(HeadId.of(3, 0))))
                .hasMessageContaining("layer 3 out of range [0, 3)");
        assertThatThrownBy(() -> MajorityLabelFix.of(llama, HEADS).weightedValueOutputs(Toy.prompts(0, 1, 0),
                new int[][] {{99}, {1}, {1}, {1}, {1}})).hasMessageContaining("position 99 out of range [0, 10]");
        assertThatThrownBy(() -> MajorityLabelFix.of(llama, HEADS).tuneAc(Toy.prompts(0, 1, 0)))
                .hasMessageContaining("a_c grid: got no values");
    }
}
