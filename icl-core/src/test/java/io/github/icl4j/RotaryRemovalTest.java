package io.github.icl4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.github.icl4j.testing.TestData;
import java.util.Arrays;
import java.util.List;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The variants of the rotary-free scores ({@link RotaryRemoval}) on the random Llama parity checkpoint: each changes
 * exactly the rows, keys and share of the score it names.
 */
class RotaryRemovalTest {
    static Model llama;
    static final List<HeadId> HEADS = List.of(HeadId.of(1, 3), HeadId.of(1, 0));

    @BeforeAll
    static void load() {
        llama = Model.load(TestData.resource("parity/llama"));
    }

    @AfterAll
    static void close() {
        llama.close();
    }

    @Test
    void labelKeysWithoutLabelPositionsChangesNothing() {
        List<PromptTokens> bare = ProbeTest.toys().stream().map(t -> PromptTokens.of(t.tokenIds())).toList();
        assertThat(bare.get(0).labelPositions()).isEmpty();
        float[][] base = Probe.on(llama).prompts(bare).logits();
        float[][] fixed = Probe.on(llama).prompts(bare).withoutRotary(HEADS, RotaryRemoval.labelKeys()).logits();
        float[][] every = Probe.on(llama).prompts(bare).withoutRotary(HEADS, new RotaryRemoval(true, true, 1)).logits();
        for (int i = 0; i < base.length; i++) {
            assertClose(fixed[i], base[i]);
            assertClose(every[i], base[i]);
        }
        // with label positions the same variant does change the prediction
        float[][] withLabels = Probe.on(llama).prompts(ProbeTest.toys()).withoutRotary(HEADS,
                RotaryRemoval.labelKeys()).logits();
        float[][] plain = Probe.on(llama).prompts(ProbeTest.toys()).logits();
        assertThat(maxDiff(withLabels[0], plain[0])).isGreaterThan(1e-3);
    }

    @Test
    void strengthZeroIsNoFixAndStrengthOneIsTheLastRowFix() {
        List<ProbeTest.Toy> ps = ProbeTest.toys();
        float[][] base = Probe.on(llama).prompts(ps).logits();
        float[][] zero = Probe.on(llama).prompts(ps).withoutRotary(HEADS, RotaryRemoval.relativeTerm(0)).logits();
        float[][] one = Probe.on(llama).prompts(ps).withoutRotary(HEADS, RotaryRemoval.relativeTerm(1)).logits();
        float[][] last = Probe.on(llama).prompts(ps).withoutRotary(HEADS).logits();
        for (int i = 0; i < base.length; i++) {
            assertClose(zero[i], base[i]);
            assertThat(one[i]).containsExactly(last[i]);
            assertThat(maxDiff(last[i], base[i])).isGreaterThan(1e-3);
        }
    }

    /** Softmax differences of log-attention are score differences: check them key pair by key pair. */
    @Test
    void eachVariantMixesTheScoresItNames() {
        ProbeTest.Toy p = ProbeTest.toys().get(3);
        HeadId h = HeadId.of(1, 3);
        int last = p.lastPosition();
        int[] all = new int[last + 1];
        Arrays.setAll(all, j -> j);
        double[] rot = logs(Probe.on(llama).prompt(p).attentionAt(all).of(0, h));
        double[] plain = logs(Probe.on(llama).prompt(p).withoutRotary(List.of(h)).attentionAt(all).of(0, h));
        double lambda = 0.3;
        double[] mixed = logs(Probe.on(llama).prompt(p).withoutRotary(List.of(h), RotaryRemoval.relativeTerm(lambda))
                .attentionAt(all).of(0, h));
        double[] labels = logs(Probe.on(llama).prompt(p).withoutRotary(List.of(h), RotaryRemoval.labelKeys())
                .attentionAt(all).of(0, h));
        int[] lp = p.labelPositions(); // 2 and 5
        for (int j = 1; j <= last; j++) {
            double dRot = rot[j] - rot[0];
            double dPlain = plain[j] - plain[0];
            assertThat(mixed[j] - mixed[0]).isCloseTo((1 - lambda) * dRot + lambda * dPlain, within(1e-4));
        }
        // label keys: unrotated between label keys, rotated between other keys
        assertThat(labels[lp[1]] - labels[lp[0]]).isCloseTo(plain[lp[1]] - plain[lp[0]], within(1e-4));
        assertThat(labels[last] - labels[0]).isCloseTo(rot[last] - rot[0], within(1e-4));
        assertThat(plain[last] - plain[0]).isNotCloseTo(rot[last] - rot[0], within(1e-3));
        assertThat(labels[lp[1]] - labels[lp[0]]).isNotCloseTo(rot[lp[1]] - rot[lp[0]], within(1e-3));
    }

    /**
     * Equal up to float rounding: a scores hook makes the model compute attention explicitly instead of with the
     * fused kernel, which sums in another order.
     */
    private static void assertClose(float[] a, float[] b) {
        assertThat(maxDiff(a, b)).isLessThan(1e-5);
    }

    private static double maxDiff(float[] a, float[] b) {
        double m = 0;
        for (int i = 0; i < a.length; i++) {
            m = Math.max(m, Math.abs(a[i] - b[i]));
        }
        return m;
    }

    private static double[] logs(float[] w) {
        double[] out = new double[w.length];
        for (int i = 0; i < w.length; i++) {
            out[i] = Math.log(w[i]);
        }
        return out;
    }

    /** Heads of one layer see the same residual either way, so their output at the last row cannot differ. */
    @Test
    void everyRowAndLastRowAgreeAtTheLastRowOfTheFixedLayer() {
        ProbeTest.Toy p = ProbeTest.toys().get(1);
        int last = p.lastPosition();
        String z = HookPoint.z(1);
        try (ActivationCache a = Probe.on(llama).prompt(p).withoutRotary(HEADS, RotaryRemoval.lastRow()).cache(z);
                ActivationCache b = Probe.on(llama).prompt(p).withoutRotary(HEADS, RotaryRemoval.allRows()).cache(z);
                PointerScope s = new PointerScope()) {
            for (HeadId h : HEADS) {
                Tensor lastA = a.get(z).select(0, 0).select(0, last).select(0, h.head()); // [e]
                Tensor lastB = b.get(z).select(0, 0).select(0, last).select(0, h.head());
                assertThat(lastA.sub(lastB).abs().max().item_double()).isLessThan(1e-6);
                Tensor earlyA = a.get(z).select(0, 0).select(0, last - 1).select(0, h.head());
                Tensor earlyB = b.get(z).select(0, 0).select(0, last - 1).select(0, h.head());
                assertThat(earlyA.sub(earlyB).abs().max().item_double()).isGreaterThan(1e-6);
            }
        }
    }

    @Test
    void everyRowAtLabelKeysGivesTheSameWithAndWithoutPrefixReuse() {
        RotaryRemoval r = new RotaryRemoval(true, true, 0.5);
        float[][] reused = Probe.on(llama).prompts(ProbeTest.toys()).withoutRotary(HEADS, r).logits();
        float[][] whole = Probe.on(llama).prompts(ProbeTest.toys()).reusePrefix(false).withoutRotary(HEADS, r).logits();
        for (int i = 0; i < reused.length; i++) {
            assertThat(maxDiff(reused[i], whole[i])).isLessThan(1e-4);
        }
    }

    @Test
    void refusesABadStrengthAndANullRemoval() {
        assertThatThrownBy(() -> RotaryRemoval.relativeTerm(1.5)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("strength 1.5 out of range [0, 1]");
        assertThatThrownBy(() -> RotaryRemoval.relativeTerm(Double.NaN)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("strength");
        assertThatThrownBy(() -> Probe.on(llama).prompts(ProbeTest.toys()).withoutRotary(HEADS, (RotaryRemoval) null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("removal must not be null");
        assertThat(RotaryRemoval.labelKeys()).hasToString("RotaryRemoval[last row, label keys, strength 1.0]");
    }
}
