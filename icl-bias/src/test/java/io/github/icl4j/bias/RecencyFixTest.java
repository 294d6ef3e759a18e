package io.github.icl4j.bias;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.github.icl4j.ActivationCache;
import io.github.icl4j.AttentionMap;
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

/** Rotary-free in-context heads on the random parity Llama; the absolute-position GPT-2 is refused. */
class RecencyFixTest {
    static Model llama;

    @BeforeAll
    static void load() {
        llama = RandomModels.parityModel("llama");
    }

    @AfterAll
    static void close() {
        llama.close();
    }

    @Test
    void anEmptyHeadSetChangesNothing() {
        List<TokenPrompt> ps = Toy.prompts(1, 0, 1);
        LabelProbabilities plain = Probe.on(llama).prompts(ps).labelProbabilities();
        LabelProbabilities none = RecencyFix.of(llama, List.of()).labelProbabilities(ps);
        AttentionMap a = Probe.on(llama).prompts(ps).attentionAtLabels();
        AttentionMap b = RecencyFix.of(llama, List.of()).attentionAtLabels(ps);
        for (int i = 0; i < ps.size(); i++) {
            assertThat(none.row(i).probs()).containsExactly(plain.row(i).probs());
            assertThat(none.row(i).rawProbs()).containsExactly(plain.row(i).rawProbs());
            assertThat(b.of(i, HeadId.of(2, 1))).containsExactly(a.of(i, HeadId.of(2, 1)));
        }
    }

    @Test
    void onOneHeadTheAttentionIsTheUnrotatedSoftmaxByHand() {
        TokenPrompt p = Toy.prompts(0, 1, 0).get(3);
        int layer = 1;
        int head = 2; // kv head 1
        int last = p.lastPosition();
        double[] expected = new double[last + 1];
        try (ActivationCache raw = Probe.on(llama).prompt(p).cache(HookPoint.q(layer), HookPoint.k(layer));
                PointerScope s = new PointerScope()) {
            // hook_q / hook_k are before rotary: [1, s, h, e] / [1, s, kv, e]
            float[] q = Tensors.toFloats(raw.get(HookPoint.q(layer)).select(0, 0).select(0, last).select(0, head));
            float[] k = Tensors.toFloats(raw.get(HookPoint.k(layer)).select(0, 0).select(1, 1)); // [s, e]
            int e = q.length;
            double max = Double.NEGATIVE_INFINITY;
            for (int j = 0; j <= last; j++) {
                for (int i = 0; i < e; i++) {
                    expected[j] += q[i] * k[j * e + i];
                }
                expected[j] /= Math.sqrt(e);
                max = Math.max(max, expected[j]);
            }
            double z = 0;
            for (int j = 0; j <= last; j++) {
                expected[j] = Math.exp(expected[j] - max);
                z += expected[j];
            }
            for (int j = 0; j <= last; j++) {
                expected[j] /= z;
            }
        }
        RecencyFix fix = RecencyFix.of(llama, List.of(HeadId.of(layer, head)));
        float[] got = fix.attentionAtLabels(List.of(p)).of(0, HeadId.of(layer, head));
        float[] rotated = Probe.on(llama).prompt(p).attentionAtLabels().of(0, HeadId.of(layer, head));
        for (int j = 0; j < p.labelPositions().length; j++) {
            assertThat((double) got[j]).isCloseTo(expected[p.labelPositions()[j]], within(1e-5));
        }
        assertThat(got).isNotEqualTo(rotated);
        // the other heads of the layer keep their rotary attention
        assertThat(fix.attentionAtLabels(List.of(p)).of(0, HeadId.of(layer, 0)))
                .containsExactly(Probe.on(llama).prompt(p).attentionAtLabels().of(0, HeadId.of(layer, 0)));
    }

    @Test
    void everyPositionIsAnOptionThatReachesLaterLayers() {
        List<TokenPrompt> ps = Toy.prompts(1, 0, 1);
        List<HeadId> heads = List.of(HeadId.of(0, 1));
        RecencyFix last = RecencyFix.of(llama, heads);
        RecencyFix all = last.allPositions(true);
        assertThat(all.allPositions()).isTrue();
        assertThat(last.allPositions()).isFalse();
        LabelProbabilities a = last.labelProbabilities(ps);
        LabelProbabilities b = all.labelProbabilities(ps);
        assertThat(a.row(0).probs()[0]).isNotCloseTo(b.row(0).probs()[0], within(1e-7));
        assertThat(all.toString()).contains("every position");
    }

    @Test
    void theRelativeTermAtStrengthZeroIsNoFixAndAtOneTheLastRowFix() {
        List<TokenPrompt> ps = Toy.prompts(1, 0, 1);
        List<HeadId> heads = List.of(HeadId.of(1, 2), HeadId.of(2, 1));
        RecencyFix last = RecencyFix.of(llama, heads);
        LabelProbabilities plain = Probe.on(llama).prompts(ps).labelProbabilities();
        LabelProbabilities zero = last.variant(RecencyFixVariant.RELATIVE_TERM, 0).labelProbabilities(ps);
        LabelProbabilities one = last.variant(RecencyFixVariant.RELATIVE_TERM, 1).labelProbabilities(ps);
        LabelProbabilities half = last.variant(RecencyFixVariant.RELATIVE_TERM, 0.5).labelProbabilities(ps);
        LabelProbabilities fixed = last.labelProbabilities(ps);
        for (int i = 0; i < ps.size(); i++) {
            // equal up to the explicit attention's rounding (the unhooked model uses the fused kernel)
            assertThat(zero.row(i).probs()[0]).isCloseTo(plain.row(i).probs()[0], within(1e-6));
            assertThat(one.row(i).probs()).containsExactly(fixed.row(i).probs());
        }
        assertThat(half.row(0).probs()[0]).isNotCloseTo(fixed.row(0).probs()[0], within(1e-7))
                .isNotCloseTo(plain.row(0).probs()[0], within(1e-7));
        assertThat(last.variant(RecencyFixVariant.RELATIVE_TERM, 0.5).toString()).contains("relative term × 0.5");
        assertThatThrownBy(() -> last.variant(RecencyFixVariant.RELATIVE_TERM, -0.1))
                .hasMessageContaining("strength -0.1 out of range [0, 1]");
    }

    @Test
    void labelKeysLeaveEveryOtherKeyRotated() {
        TokenPrompt p = Toy.prompts(0, 1, 0).get(2);
        HeadId h = HeadId.of(1, 2);
        RecencyFix keys = RecencyFix.of(llama, List.of(h)).variant(RecencyFixVariant.LABEL_KEYS, 1);
        int[] lp = p.labelPositions();
        int[] others = {0, p.lastPosition()};
        // within the label keys the scores are the unrotated ones, outside them the rotated ones: compare log ratios
        float[] k = keys.applyTo(Probe.on(llama).prompt(p)).attentionAt(concat(lp, others)).of(0, h);
        float[] plain = RecencyFix.of(llama, List.of(h)).applyTo(Probe.on(llama).prompt(p))
                .attentionAt(concat(lp, others)).of(0, h);
        float[] rot = Probe.on(llama).prompt(p).attentionAt(concat(lp, others)).of(0, h);
        int n = lp.length;
        assertThat(Math.log(k[1] / k[0])).isCloseTo(Math.log(plain[1] / plain[0]), within(1e-4));
        assertThat(Math.log(k[n + 1] / k[n])).isCloseTo(Math.log(rot[n + 1] / rot[n]), within(1e-4));
        assertThat(keys.labelProbabilities(List.of(p)).row(0).probs()[0])
                .isNotCloseTo(RecencyFix.of(llama, List.of(h)).labelProbabilities(List.of(p)).row(0).probs()[0],
                        within(1e-7));
    }

    private static int[] concat(int[] a, int[] b) {
        int[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    @Test
    void anAbsolutePositionModelIsNotApplicable() {
        try (Model gpt2 = RandomModels.parityModel("gpt2")) {
            assertThatThrownBy(() -> RecencyFix.of(gpt2, List.of(HeadId.of(0, 0))))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("not applicable to gpt2").hasMessageContaining("absolute position");
        }
    }
}
