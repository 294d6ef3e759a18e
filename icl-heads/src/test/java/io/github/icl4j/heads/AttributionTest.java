package io.github.icl4j.heads;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.github.icl4j.HeadId;
import io.github.icl4j.HookPoint;
import io.github.icl4j.IclPrompt;
import io.github.icl4j.LabelProbabilities;
import io.github.icl4j.Model;
import io.github.icl4j.Patch;
import io.github.icl4j.PromptTokens;
import io.github.icl4j.engine.GradientMetric;
import io.github.icl4j.engine.Intervention;
import io.github.icl4j.engine.Interventions;
import io.github.icl4j.engine.Pass;
import io.github.icl4j.engine.Reads;
import io.github.icl4j.runtime.Tensors;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.GradMode;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Attribution patching on random models: exact where the effect is linear, sound where it must be 0. */
class AttributionTest {

    /** {@code u · final residual}: every head of the last layer of a parallel-residual model enters it linearly. */
    private static GradientMetric linear(int d, long seed) {
        float[] u = uOf(d, seed);
        return (logits, residual, prompts) -> residual.to(ScalarType.Float)
                .matmul(Tensors.fromFloats(u, d).to(residual.device(), ScalarType.Float)); // [b, d] x [d] -> [b]
    }

    /** The metric of each prompt under interventions (a gradient pass only to evaluate the metric). */
    private static double[] metricUnder(Model model, List<? extends PromptTokens> ps, GradientMetric m,
            List<Intervention> iv) {
        double[] out = new double[ps.size()];
        Pass.over(model, ps).batchSize(1).reusePrefix(false).intervene(iv).reads(Reads.none().zGradients(m, 0))
                .forEach(c -> out[c.index(0)] = Tensors.toFloats(c.metric())[0]);
        return out;
    }

    @ParameterizedTest
    @CsvSource({"ZERO, ALL_POSITIONS", "ZERO, LAST_POSITION", "MEAN, ALL_POSITIONS", "MEAN, LAST_POSITION",
            "CORRUPTED, ALL_POSITIONS", "CORRUPTED, LAST_POSITION"})
    void aLastLayerHeadOfAParallelResidualModelUnderALinearMetricIsEstimatedExactly(AttributionOptions.Patch patch,
            HeadOptions.AblateAt at) {
        // GPT-J: attention and MLP read the same pre-attention norm, so the last layer's heads reach the final
        // residual only through W_O: the metric is linear in their z and the estimate is the exact effect
        try (Model model = Fixtures.parityModel("gptj")) {
            List<IclPrompt> ps = Fixtures.toys(5, 2, 3, 11);
            List<IclPrompt> other = Fixtures.toys(5, 2, 3, 12);
            List<IclPrompt> corrupted = new ArrayList<>();
            for (int i = 0; i < ps.size(); i++) {
                corrupted.add(sameLength(other.get(i), ps.get(i)));
            }
            GradientMetric m = linear(model.config().dModel(), 3);
            int last = model.config().nLayers() - 1;
            Attribution.Result r = new Attribution(model).run(ps, patch == AttributionOptions.Patch.CORRUPTED
                    ? corrupted : null, m, last, last + 1, patch, false, at, 2);
            double[] clean = metricUnder(model, ps, m, List.of());
            assertThat(r.metric()).containsExactly(clean, within(1e-4));
            boolean lastOnly = at == HeadOptions.AblateAt.LAST_POSITION;
            double largest = 0;
            for (int h = 0; h < model.config().nHeads(); h++) {
                double[] truth = truth(model, ps, corrupted, m, last, h, patch, lastOnly);
                for (int i = 0; i < ps.size(); i++) {
                    double effect = truth[i] - clean[i];
                    largest = Math.max(largest, Math.abs(effect));
                    assertThat(r.estimate()[i][0][h]).as("L%dH%d on prompt %d", last, h, i)
                            .isCloseTo(effect, within(1e-4 + 1e-4 * Math.abs(effect)));
                }
            }
            assertThat(largest).as("the effects are not all 0").isGreaterThan(1e-2);
        }
    }

    /** The true metric with head {@code h} of {@code layer} patched, one prompt per pass. */
    private static double[] truth(Model model, List<IclPrompt> ps, List<IclPrompt> corrupted, GradientMetric m,
            int layer, int h, AttributionOptions.Patch patch, boolean lastOnly) {
        Map<Integer, int[]> head = Map.of(layer, new int[] {h});
        if (patch != AttributionOptions.Patch.CORRUPTED) {
            Patch p = patch == AttributionOptions.Patch.ZERO ? Patch.zero() : Patch.mean(ps);
            return metricUnder(model, ps, m, List.of(Interventions.patchHeads(head, lastOnly ? p.atLastPosition() : p)));
        }
        double[] out = new double[ps.size()];
        for (int i = 0; i < ps.size(); i++) {
            float[][] zc = new float[1][];
            IclPrompt c = corrupted.get(i);
            Pass.over(model, List.of(c)).batchSize(1).reusePrefix(false)
                    .reads(Reads.none().activations(HookPoint.z(layer)))
                    .forEach(ch -> zc[0] = Tensors.toFloats(ch.activation(HookPoint.z(layer)).select(2, h)));
            int e = model.config().dHead();
            int len = c.tokenIds().length;
            int cLast = c.lastPosition();
            int pLast = ps.get(i).lastPosition();
            Intervention swap = Interventions.hook(HookPoint.z(layer), (z, ctx) -> {
                Tensor out2 = z.clone(); // [1, s, h, e]
                Tensor src = Tensors.fromFloats(zc[0], 1, len, e).to(z.device(), z.scalar_type().intern());
                if (lastOnly) {
                    out2.select(0, 0).select(0, pLast).select(0, h).copy_(src.select(0, 0).select(0, cLast));
                } else {
                    out2.select(2, h).copy_(src);
                }
                return out2;
            });
            out[i] = metricUnder(model, List.of(ps.get(i)), m, List.of(swap))[0];
        }
        return out;
    }

    /** {@code other}'s tokens cut or padded (with its own last token) to {@code like}'s length. */
    private static IclPrompt sameLength(IclPrompt other, IclPrompt like) {
        long[] ids = java.util.Arrays.copyOf(other.tokenIds(), like.tokenIds().length);
        for (int j = other.tokenIds().length; j < ids.length; j++) {
            ids[j] = other.tokenIds()[other.tokenIds().length - 1];
        }
        return new IclPrompt("corrupted", ids, new int[0], new int[0], List.of(), new IclPrompt.Span(0, 1), ids.length - 1,
                like.queryLabel(), like.labelTokenIds(), List.of(" foo", " bar"), 0);
    }

    @Test
    void theMeanPatchOfAHeadWhoseOutputIsConstantIsEstimatedAsZero() {
        // GPT-2 has value biases: with head 1's value rows zeroed, v = b_V whatever the token, so z = b_V everywhere
        try (Model model = Fixtures.parityModel("gpt2"); PointerScope s = new PointerScope();
                NoGradGuard g = new NoGradGuard()) {
            int e = model.config().dHead();
            model.transformer().weights().layers().get(1).wV().narrow(0, e, e).zero_();
            List<IclPrompt> ps = Fixtures.toys(6, 2, 3, 4);
            for (HeadOptions.AblateAt at : HeadOptions.AblateAt.values()) {
                Attribution.Result mean = new Attribution(model).run(ps, null, AttributionMetric.LOGIT_DIFF
                        .gradient(ps.get(0).labelTokenIds()), 0, 3, AttributionOptions.Patch.MEAN, false, at, 4);
                Attribution.Result zero = new Attribution(model).run(ps, null, AttributionMetric.LOGIT_DIFF
                        .gradient(ps.get(0).labelTokenIds()), 0, 3, AttributionOptions.Patch.ZERO, false, at, 4);
                for (int i = 0; i < ps.size(); i++) {
                    assertThat(mean.estimate()[i][1][1]).as("constant head, prompt %d, %s", i, at)
                            .isCloseTo(0.0, within(1e-6));
                    // its zero patch is not 0, and the other heads' mean patches are not all 0
                    assertThat(Math.abs(zero.estimate()[i][1][1])).isGreaterThan(1e-5);
                    assertThat(Math.abs(mean.estimate()[i][1][0]) + Math.abs(mean.estimate()[i][2][3]))
                            .isGreaterThan(1e-5);
                }
            }
        }
    }

    @Test
    void aCorruptedPromptEqualToTheCleanOneChangesNothing() {
        try (Model model = Fixtures.parityModel("llama")) {
            List<IclPrompt> ps = Fixtures.toys(4, 2, 3, 8);
            AttributionEstimates e = InContextHeads.of(model).ablationLayers(0, 3).attribution(ps, ps,
                    AttributionOptions.defaults().withPatch(AttributionOptions.Patch.CORRUPTED));
            for (double[] row : e.estimate()) {
                for (double v : row) {
                    assertThat(v).isCloseTo(0.0, within(1e-7));
                }
            }
        }
    }

    @ParameterizedTest
    @CsvSource({"LOGIT_DIFF", "LABEL_LOG_PROB"})
    void theMetricOfTheGradientPassEqualsTheMetricOfTheLabelOutcome(AttributionMetric metric) {
        try (Model model = Fixtures.parityModel("qwen2")) {
            List<IclPrompt> ps = Fixtures.toys(5, 2, 3, 9);
            Attribution.Result r = new Attribution(model).run(ps, null, metric.gradient(ps.get(0).labelTokenIds()), 1,
                    3, AttributionOptions.Patch.ZERO, false, HeadOptions.AblateAt.ALL_POSITIONS, 2);
            LabelProbabilities.Row[] rows = new LabelProbabilities.Row[ps.size()];
            Pass.over(model, ps).reads(Reads.none().lastLogits()).forEach(c -> {
                LabelProbabilities.Row[] o = c.outcomes();
                for (int i = 0; i < c.size(); i++) {
                    rows[c.index(i)] = o[i];
                }
            });
            for (int i = 0; i < ps.size(); i++) {
                assertThat(r.metric()[i]).isCloseTo(metric.of(rows[i]), within(1e-4));
            }
        }
    }

    @Test
    void gradDropLeavesTheLastLayerAloneAndChangesTheOthers() {
        try (Model model = Fixtures.parityModel("llama")) {
            List<IclPrompt> ps = Fixtures.toys(6, 2, 3, 2);
            InContextHeads ich = InContextHeads.of(model).ablationLayers(0, 3);
            AttributionEstimates plain = ich.attribution(ps, AttributionOptions.defaults());
            AttributionEstimates drop = ich.attribution(ps, AttributionOptions.defaults().withGradDrop(true));
            assertThat(drop.estimate()).isDeepEqualTo(plain.estimate());
            double changed = 0;
            for (int h = 0; h < 4; h++) {
                // the last layer: no layer above it to drop, so its score is |estimate|
                assertThat(drop.score(HeadId.of(2, h))).isCloseTo(Math.abs(plain.estimate(HeadId.of(2, h))),
                        within(1e-12));
                for (int l = 0; l < 2; l++) {
                    assertThat(drop.score(HeadId.of(l, h))).isGreaterThanOrEqualTo(0.0);
                    changed += Math.abs(drop.score(HeadId.of(l, h)) - plain.score(HeadId.of(l, h)));
                }
            }
            assertThat(changed).as("dropping a layer's gradient changes some lower head's score").isGreaterThan(1e-6);
        }
    }

    @Test
    void gradDropWithTheLayerAboveDroppedLeavesExactlyTheDirectEffect() {
        // GPT-J, a metric linear in the final residual: with layer 2's gradient dropped, a layer-1 head reaches the
        // metric only through its own output at the last position (its MLP reads the block's input), so the
        // estimate is −u · (its output there); GradDrop's score averages |AtP| (dropping layer 0 changes nothing)
        // and that
        try (Model model = Fixtures.parityModel("gptj")) {
            List<IclPrompt> ps = Fixtures.toys(4, 2, 3, 6);
            int d = model.config().dModel();
            GradientMetric m = linear(d, 8);
            Attribution.Result r = new Attribution(model).run(ps, null, m, 1, 2, AttributionOptions.Patch.ZERO, true,
                    HeadOptions.AblateAt.ALL_POSITIONS, 3);
            assertThat(r.dropLayers()).containsExactly(2);
            double[][] direct = new double[ps.size()][];
            Pass.over(model, ps).batchSize(1).reads(Reads.none().headOutputs(1)).forEach(c -> {
                Tensor u = Tensors.fromFloats(uOf(d, 8), d);
                float[] f = Tensors.toFloats(c.headOutputs(1).select(0, 0).to(ScalarType.Float).matmul(u)); // [h]
                direct[c.index(0)] = new double[f.length];
                for (int h = 0; h < f.length; h++) {
                    direct[c.index(0)][h] = -f[h];
                }
            });
            double gap = 0;
            for (int i = 0; i < ps.size(); i++) {
                for (int h = 0; h < 4; h++) {
                    assertThat(r.dropped()[0][i][0][h]).as("prompt %d head %d", i, h)
                            .isCloseTo(direct[i][h], within(1e-4 + 1e-4 * Math.abs(direct[i][h])));
                    gap += Math.abs(r.dropped()[0][i][0][h] - r.estimate()[i][0][h]);
                }
            }
            assertThat(gap).as("the indirect path through layer 2 is not empty").isGreaterThan(1e-3);
            AttributionEstimates e = AttributionEstimates.combine(3, 4, 1, 2, AttributionOptions.defaults()
                    .withGradDrop(true), HeadOptions.AblateAt.ALL_POSITIONS, HeadOptions.DatasetAveraging.MACRO,
                    Map.of("p", r), 0);
            for (int h = 0; h < 4; h++) {
                double meanDirect = 0;
                for (double[] row : direct) {
                    meanDirect += row[h] / ps.size();
                }
                assertThat(e.score(HeadId.of(1, h))).isCloseTo((Math.abs(e.estimate(HeadId.of(1, h)))
                        + Math.abs(meanDirect)) / 2, within(1e-4));
            }
        }
    }

    private static float[] uOf(int d, long seed) {
        Random rng = new Random(seed);
        float[] u = new float[d];
        for (int i = 0; i < d; i++) {
            u[i] = (float) rng.nextGaussian();
        }
        return u;
    }

    @Test
    void aGradientPassLeavesNoGraphAndRestoresTheGradientMode() {
        try (Model model = Fixtures.parityModel("gemma2"); PointerScope s = new PointerScope()) {
            List<IclPrompt> ps = Fixtures.toys(3, 2, 3, 1);
            boolean before = GradMode.is_enabled();
            Pass.over(model, ps).reusePrefix(false).reads(Reads.none().lastLogits().zGradients(
                    AttributionMetric.LOGIT_DIFF.gradient(ps.get(0).labelTokenIds()), 0, 1)).forEach(c -> {
                assertThat(c.metric().requires_grad()).isFalse();
                assertThat(c.lastLogits().requires_grad()).isFalse();
                for (int l = 0; l < 2; l++) {
                    assertThat(c.z(l).requires_grad()).isFalse();
                    assertThat(c.zGradient(l).requires_grad()).isFalse();
                    assertThat(Tensors.shape(c.zGradient(l))).isEqualTo(Tensors.shape(c.z(l)));
                }
            });
            assertThat(GradMode.is_enabled()).isEqualTo(before);
            assertThatThrownBy(() -> Pass.over(model, ps).reads(Reads.none().zGradients(
                    (logits, resid, p) -> Tensors.fromFloats(new float[] {1, 2, 3}, 3), 0)).forEach(c -> { }))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("autograd graph");
        }
    }

    @Test
    void nativeMemoryStaysFlatOverRepeatedAttribution() {
        try (Model model = Fixtures.parityModel("gpt_neox")) {
            List<IclPrompt> ps = Fixtures.toys(8, 2, 3, 3);
            InContextHeads ich = InContextHeads.of(model).ablationLayers(0, 3);
            AttributionOptions o = AttributionOptions.defaults().withGradDrop(true);
            for (int i = 0; i < 30; i++) {
                ich.attribution(ps, o); // warm-up: allocator pools, JIT
            }
            System.gc();
            long before = Pointer.physicalBytes();
            for (int i = 0; i < 150; i++) {
                ich.attribution(ps, o);
            }
            System.gc();
            long grown = Pointer.physicalBytes() - before;
            // each call holds the autograd graph of 3 gradient passes over 8 × ~30 tokens (a few MB): a graph or
            // tensor leaked per call would add far more than the bound over 150 calls
            assertThat(grown).as("resident memory growth over 150 attribution calls, bytes").isLessThan(128L << 20);
        }
    }
}
