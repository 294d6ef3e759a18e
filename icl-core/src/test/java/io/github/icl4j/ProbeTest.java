package io.github.icl4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.github.icl4j.runtime.Tensors;
import io.github.icl4j.testing.TestData;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.ScalarTypeOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The Probe API on the random Llama parity checkpoint: interventions have exactly the expected effect. */
class ProbeTest {
    static Model llama;
    static Model gpt2;

    /** A prompt with a shared 6-token prefix, "label positions" 2 and 5, and label ids 7 / 9. */
    record Toy(long[] tokenIds, int queryLabel) implements PromptTokens {
        @Override
        public int[] labelPositions() {
            return new int[] {2, 5};
        }

        @Override
        public long[] labelTokenIds() {
            return new long[] {7, 9};
        }

        @Override
        public int prefixLength() {
            return 6;
        }
    }

    static final long[] PREFIX = {3, 14, 7, 15, 92, 9};

    static List<Toy> toys() {
        List<Toy> out = new ArrayList<>();
        long[][] queries = {{65, 35}, {89, 79, 32}, {38, 46}, {26, 43, 83, 27}, {95, 2}};
        for (int i = 0; i < queries.length; i++) {
            long[] ids = new long[PREFIX.length + queries[i].length];
            System.arraycopy(PREFIX, 0, ids, 0, PREFIX.length);
            System.arraycopy(queries[i], 0, ids, PREFIX.length, queries[i].length);
            out.add(new Toy(ids, i % 2));
        }
        return out;
    }

    @BeforeAll
    static void load() {
        llama = Model.load(TestData.resource("parity/llama"));
        gpt2 = Model.load(TestData.resource("parity/gpt2"));
    }

    @AfterAll
    static void close() {
        llama.close();
        gpt2.close();
    }

    @Test
    void prefixReuseEqualsRecomputation() {
        LabelProbabilities reused = Probe.on(llama).prompts(toys()).batchSize(2).labelProbabilities();
        LabelProbabilities full = Probe.on(llama).prompts(toys()).reusePrefix(false).labelProbabilities();
        for (int i = 0; i < toys().size(); i++) {
            assertThat(reused.row(i).prob(0)).isCloseTo(full.row(i).prob(0), within(1e-5));
            assertThat(reused.row(i).rawProbs()[1]).isCloseTo(full.row(i).rawProbs()[1], within(1e-6));
        }
        // interventions on prefix positions are applied once, in the prefix pass, with the same effect
        var heads = List.of(HeadId.of(1, 2));
        var a = Probe.on(llama).prompts(toys()).patchHeads(heads, Patch.zero()).labelProbabilities();
        var b = Probe.on(llama).prompts(toys()).reusePrefix(false).patchHeads(heads, Patch.zero()).labelProbabilities();
        assertThat(a.row(3).prob(1)).isCloseTo(b.row(3).prob(1), within(1e-5));
        assertThat(a.row(3).prob(1)).isNotCloseTo(full.row(3).prob(1), within(1e-4));
    }

    @Test
    void labelProbabilitiesAreNormalisedAndCarryGold() {
        LabelProbabilities lp = Probe.on(llama).prompts(toys()).labelProbabilities();
        assertThat(lp.size()).isEqualTo(5);
        for (var r : lp.rows()) {
            assertThat(r.prob(0) + r.prob(1)).isCloseTo(1.0, within(1e-9));
            assertThat(r.predicted()).isEqualTo(r.prob(0) >= r.prob(1) ? 0 : 1);
        }
        assertThat(lp.row(1).gold()).isEqualTo(1);
        assertThat(lp.report().n()).isEqualTo(5);
        assertThat(lp.toString()).contains("5 prompts", "accuracy");
    }

    @Test
    void zeroingAHeadChangesOnlyWhatFlowsFromIt() {
        Toy p = toys().get(3);
        String[] names = {HookPoint.residPre(0), HookPoint.residPre(1), HookPoint.z(1), HookPoint.attnOut(1),
            HookPoint.residPost(1)};
        try (ActivationCache base = Probe.on(llama).prompt(p).cache(names);
                ActivationCache cut = Probe.on(llama).prompt(p).patchHeads(List.of(HeadId.of(1, 3)), Patch.zero())
                        .cache(names);
                PointerScope s = new PointerScope()) {
            assertThat(Tensors.maxAbsDiff(base.get(HookPoint.residPre(1)), cut.get(HookPoint.residPre(1)))).isZero();
            Tensor zCut = cut.get(HookPoint.z(1)); // [1, s, h, e]
            assertThat(zCut.select(2, 3).abs().max().item_double()).isZero();
            // other heads of the layer are untouched
            assertThat(Tensors.maxAbsDiff(zCut.select(2, 0), base.get(HookPoint.z(1)).select(2, 0))).isZero();
            assertThat(Tensors.maxAbsDiff(base.get(HookPoint.attnOut(1)), cut.get(HookPoint.attnOut(1))))
                    .isGreaterThan(1e-4);
        }
    }

    @Test
    void scaleOneAndPatchFromOwnRunChangeNothing() {
        List<Toy> ps = toys();
        float[][] base = Probe.on(llama).prompts(ps).logits();
        float[][] scaled = Probe.on(llama).prompts(ps).patchHeads(List.of(HeadId.of(2, 1)), Patch.scale(1.0)).logits();
        try (ActivationCache own = Probe.on(llama).prompts(ps).cache(HookPoint.z(2))) {
            float[][] patched = Probe.on(llama).prompts(ps)
                    .patchHeads(List.of(HeadId.of(2, 1)), Patch.from(own).atLastPosition()).logits();
            for (int i = 0; i < ps.size(); i++) {
                assertThat(scaled[i]).containsExactly(base[i]);
                for (int v = 0; v < base[i].length; v++) {
                    assertThat(patched[i][v]).isCloseTo(base[i][v], within(1e-5f));
                }
            }
        }
    }

    @Test
    void meanPatchReplacesTheHeadByItsMeanOutput() {
        List<Toy> ps = toys();
        float[][] base = Probe.on(llama).prompts(ps).logits();
        float[][] mean = Probe.on(llama).prompts(ps).patchHeads(List.of(HeadId.of(0, 0)), Patch.mean(ps)).logits();
        assertThat(mean[0]).isNotEqualTo(base[0]);
        try (ActivationCache c = Probe.on(llama).prompt(ps.get(0)).patchHeads(List.of(HeadId.of(0, 0)), Patch.mean(ps))
                .cache(HookPoint.z(0)); PointerScope s = new PointerScope()) {
            Tensor head = c.get(HookPoint.z(0)).select(2, 0); // [1, s, e]: the same mean vector everywhere
            assertThat(Tensors.maxAbsDiff(head.select(1, 0), head.select(1, 5))).isZero();
        }
    }

    @Test
    void knockingOutAttentionZeroesThatColumn() {
        Toy p = toys().get(1);
        var heads = List.of(HeadId.of(2, 0));
        AttentionMap plain = Probe.on(llama).prompt(p).attentionAt(0, 2, 5);
        AttentionMap knocked = Probe.on(llama).prompt(p).knockAttention(heads, 2).attentionAt(0, 2, 5);
        AttentionMap renorm = Probe.on(llama).prompt(p).knockAttention(heads, true, 2).attentionAt(0, 2, 5);
        assertThat(knocked.of(0, HeadId.of(2, 0))[1]).isZero();
        assertThat(renorm.of(0, HeadId.of(2, 0))[1]).isZero();
        // without renormalisation the other weights stay; with it they grow
        assertThat(knocked.of(0, HeadId.of(2, 0))[0]).isEqualTo(plain.of(0, HeadId.of(2, 0))[0]);
        assertThat(renorm.of(0, HeadId.of(2, 0))[0]).isGreaterThan(plain.of(0, HeadId.of(2, 0))[0]);
        // other heads are untouched
        assertThat(knocked.of(0, HeadId.of(2, 1))).containsExactly(plain.of(0, HeadId.of(2, 1)));
        try (ActivationCache c = Probe.on(llama).prompt(p).knockAttention(heads, true, 2).cache(HookPoint.pattern(2));
                PointerScope s = new PointerScope()) {
            Tensor rows = c.get(HookPoint.pattern(2)).select(1, 0).sum(new long[] {-1}, false, new ScalarTypeOptional());
            assertThat(rows.sub(new Scalar(1.0)).abs().max().item_double()).isLessThan(1e-5);
        }
    }

    @Test
    void withoutRotaryOnNoHeadChangesNothing() {
        float[][] base = Probe.on(llama).prompts(toys()).logits();
        float[][] none = Probe.on(llama).prompts(toys()).withoutRotary(List.of()).logits();
        for (int i = 0; i < base.length; i++) {
            assertThat(none[i]).containsExactly(base[i]);
        }
    }

    @Test
    void withoutRotaryOnOneHeadEqualsAHandComputation() {
        Toy p = toys().get(3);
        int layer = 1;
        int head = 3; // reads kv head 1 (group size 2)
        try (ActivationCache raw = Probe.on(llama).prompt(p).cache(HookPoint.q(layer), HookPoint.k(layer));
                PointerScope s = new PointerScope()) {
            int last = p.lastPosition();
            float[] q = Tensors.toFloats(raw.get(HookPoint.q(layer)).select(0, 0).select(0, last).select(0, head));
            float[] k = Tensors.toFloats(raw.get(HookPoint.k(layer)).select(0, 0).select(1, head / 2)); // [s, e]
            int e = q.length;
            double[] scores = new double[last + 1];
            double max = Double.NEGATIVE_INFINITY;
            for (int j = 0; j <= last; j++) {
                for (int i = 0; i < e; i++) {
                    scores[j] += q[i] * k[j * e + i];
                }
                scores[j] /= Math.sqrt(e);
                max = Math.max(max, scores[j]);
            }
            double z = 0;
            for (int j = 0; j <= last; j++) {
                z += Math.exp(scores[j] - max);
            }
            int[] all = new int[last + 1];
            for (int j = 0; j <= last; j++) {
                all[j] = j;
            }
            float[] got = Probe.on(llama).prompt(p).withoutRotary(List.of(HeadId.of(layer, head))).attentionAt(all)
                    .of(0, HeadId.of(layer, head));
            float[] rotated = Probe.on(llama).prompt(p).attentionAt(all).of(0, HeadId.of(layer, head));
            for (int j = 0; j <= last; j++) {
                assertThat((double) got[j]).isCloseTo(Math.exp(scores[j] - max) / z, within(1e-5));
            }
            assertThat(got).isNotEqualTo(rotated);
        }
    }

    @Test
    void addToResidualAddsExactlyTheVectorAtThePosition() {
        Toy p = toys().get(0);
        float[] v = new float[llama.config().dModel()];
        v[3] = 2.5f;
        try (ActivationCache base = Probe.on(llama).prompt(p).cache(HookPoint.residPre(2));
                ActivationCache added = Probe.on(llama).prompt(p).addToResidual(2, Probe.LAST, v)
                        .cache(HookPoint.residPre(2));
                PointerScope s = new PointerScope()) {
            Tensor diff = added.get(HookPoint.residPre(2)).sub(base.get(HookPoint.residPre(2))); // [1, s, d]
            assertThat(diff.select(1, p.lastPosition()).select(1, 3).item_double()).isCloseTo(2.5, within(1e-6));
            assertThat(diff.abs().sum().item_double()).isCloseTo(2.5, within(1e-5));
        }
        // the final residual (layer == nLayers) changes the prediction
        float[][] a = Probe.on(llama).prompt(p).logits();
        float[][] b = Probe.on(llama).prompt(p).addToResidual(3, Probe.LAST, v).logits();
        assertThat(b[0]).isNotEqualTo(a[0]);
    }

    @Test
    void headOutputsSumToTheAttentionOutputAtTheLastPosition() {
        Toy p = toys().get(2);
        HeadOutputs ho = Probe.on(gpt2).prompt(p).headOutputs();
        try (ActivationCache c = Probe.on(gpt2).prompt(p).cache(HookPoint.attnOut(1)); PointerScope s = new PointerScope()) {
            float[] out = Tensors.toFloats(c.get(HookPoint.attnOut(1)).select(0, 0).select(0, p.lastPosition()));
            float[] bias = Tensors.toFloats(gpt2.transformer().weights().layers().get(1).bO());
            for (int d = 0; d < out.length; d++) {
                double sum = bias[d];
                for (int h = 0; h < gpt2.config().nHeads(); h++) {
                    sum += ho.of(0, HeadId.of(1, h))[d];
                }
                assertThat(sum).isCloseTo(out[d], within(1e-4));
            }
        }
    }

    @Test
    void batchedAttentionEqualsOnePromptAtATime() {
        AttentionMap batch = Probe.on(llama).prompts(toys()).attentionAtLabels();
        AttentionMap single = Probe.on(llama).prompt(toys().get(4)).attentionAtLabels();
        assertThat(batch.of(4, HeadId.of(2, 3))[1]).isCloseTo(single.of(0, HeadId.of(2, 3))[1], within(1e-5f));
        assertThat(batch.toString()).contains("5 prompts", "3 layers", "4 heads");
    }

    @Test
    void badInputIsNamed() {
        Probe.Step step = Probe.on(llama).prompts(toys());
        assertThatThrownBy(() -> step.patchHeads(List.of(HeadId.of(3, 0)), Patch.zero()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("layer 3 out of range [0, 3)");
        assertThatThrownBy(() -> step.patchHeads(List.of(HeadId.of(0, 4)), Patch.zero()))
                .hasMessageContaining("head 4 out of range [0, 4)");
        assertThatThrownBy(() -> step.attentionAt(8)).hasMessageContaining("position 8 out of range [0, 8)");
        assertThatThrownBy(() -> step.addToResidual(0, 0, new float[3])).hasMessageContaining("length 3")
                .hasMessageContaining("48");
        assertThatThrownBy(() -> Probe.on(gpt2).prompts(toys()).withoutRotary(List.of(HeadId.of(0, 0))))
                .hasMessageContaining("rotary").hasMessageContaining("gpt2");
        assertThatThrownBy(() -> Probe.on(llama).prompts(List.of())).hasMessageContaining("at least one prompt");
        assertThatThrownBy(() -> step.batchSize(0)).hasMessageContaining("batch size 0");
        assertThatThrownBy(() -> Patch.mean(List.of())).hasMessageContaining("at least one prompt");
        assertThatThrownBy(() -> Probe.on(llama).tokens(new long[] {1, 2}).labelProbabilities())
                .hasMessageContaining("label token ids");
    }

    @Test
    void closedModelIsRefused() {
        Model m = Model.load(TestData.resource("parity/llama"));
        Probe.Step step = Probe.on(m).prompts(toys());
        m.close();
        assertThatThrownBy(step::logits).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
    }

    static ScalarType f() {
        return ScalarType.Float;
    }
}
