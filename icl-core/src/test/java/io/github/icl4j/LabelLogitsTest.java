package io.github.icl4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.github.icl4j.runtime.Natives;
import io.github.icl4j.runtime.Tensors;
import java.util.Random;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Label probabilities from label logits: exact where the old renormalised full-vocabulary softmax underflowed. */
class LabelLogitsTest {
    @BeforeAll
    static void natives() {
        Natives.init();
    }

    /** A vocabulary of 50 with the top token at logit 0 and the label words (ids 7, 9) far below it. */
    private static float[] logits(float foo, float bar) {
        Random rng = new Random(3);
        float[] v = new float[50];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (-5 - rng.nextDouble());
        }
        v[11] = 0f;
        v[7] = foo;
        v[9] = bar;
        return v;
    }

    @Test
    void labelWordsAbout300NatsBelowTheTopTokenKeepTheirExactProbabilities() {
        long[] ids = {7, 9};
        try (PointerScope scope = new PointerScope()) {
            float[] a = logits(-300.0f, -301.5f);
            float[] b = logits(-302.25f, -299.0f);
            float[] flat = new float[100];
            System.arraycopy(a, 0, flat, 0, 50);
            System.arraycopy(b, 0, flat, 50, 50);
            Tensor t = Tensors.fromFloats(flat, 2, 50);
            LabelProbabilities.Row[] rows = LabelLogits.rows(t, ids, new int[] {0, 1});
            // exact: softmax over the two label logits
            double pa = 1 / (1 + Math.exp(-301.5 + 300.0));
            double pb = 1 / (1 + Math.exp(-302.25 + 299.0));
            assertThat(rows[0].probs()[0]).isCloseTo(pa, within(1e-12));
            assertThat(rows[0].probs()[1]).isCloseTo(1 - pa, within(1e-12));
            assertThat(rows[1].probs()[0]).isCloseTo(1 - pb, within(1e-12));
            assertThat(rows[1].probs()[1]).isCloseTo(pb, within(1e-12));
            assertThat(rows[0].predicted()).isZero();
            assertThat(rows[1].predicted()).isOne();
            assertThat(rows[0].correct()).isTrue();
            assertThat(rows[1].correct()).isTrue();
            // the full vocabulary's argmax is the top token, not a label word
            assertThat(rows[0].topToken()).isEqualTo(11);
            assertThat(rows[0].fullVocabCorrect()).isFalse();
            // full-vocabulary probabilities: tiny, but not a silent 0.5/0.5 fallback; their ratio is exact
            assertThat(rows[0].rawProbs()[0]).isPositive().isLessThan(1e-120);
            assertThat(rows[0].rawProbs()[0] / rows[0].rawProbs()[1]).isCloseTo(Math.exp(1.5), within(1e-9));
            // the one-row form agrees
            LabelProbabilities.Row one = LabelProbabilities.Row.fromLogits(t.select(0, 1), ids, 1);
            assertThat(one.probs()).containsExactly(rows[1].probs());
            assertThat(one.predicted()).isOne();
        }
    }

    @Test
    void ordinaryLogitsGiveTheSoftmaxOfTheLabelWordsAndTheFullVocabularyProbabilities() {
        try (PointerScope scope = new PointerScope()) {
            float[] v = logits(-1.0f, -2.0f);
            LabelProbabilities.Row r = LabelLogits.rows(Tensors.fromFloats(v, 1, 50), new long[] {7, 9},
                    new int[] {-1})[0];
            double z = 0;
            for (float x : v) {
                z += Math.exp(x);
            }
            assertThat(r.rawProbs()[0]).isCloseTo(Math.exp(-1.0) / z, within(1e-6));
            assertThat(r.rawProbs()[1]).isCloseTo(Math.exp(-2.0) / z, within(1e-6));
            assertThat(r.probs()[0]).isCloseTo(Math.exp(-1.0) / (Math.exp(-1.0) + Math.exp(-2.0)), within(1e-12));
            assertThat(r.correct()).isFalse();
        }
    }

    @Test
    void probabilitiesSumToOneAndRejectBadInput() {
        double[] p = LabelLogits.probabilities(new double[] {-1000, -1001, -999.5});
        assertThat(p[0] + p[1] + p[2]).isCloseTo(1.0, within(1e-15));
        assertThat(p[2]).isGreaterThan(p[0]).isGreaterThan(0);
        assertThat(LabelLogits.logSumExp(new double[] {1e308, 1e308})).isCloseTo(1e308 + Math.log(2), within(1e293));
        assertThatThrownBy(() -> LabelLogits.probabilities(new double[0])).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at least one");
        assertThatThrownBy(() -> LabelLogits.probabilities(new double[] {1, Double.NaN}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("NaN");
    }
}
