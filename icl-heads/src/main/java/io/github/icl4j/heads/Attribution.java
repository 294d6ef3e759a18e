package io.github.icl4j.heads;

import io.github.icl4j.HookPoint;
import io.github.icl4j.LabelProbabilities;
import io.github.icl4j.Model;
import io.github.icl4j.PromptTokens;
import io.github.icl4j.engine.Chunk;
import io.github.icl4j.engine.GradientMetric;
import io.github.icl4j.engine.HeadMath;
import io.github.icl4j.engine.Intervention;
import io.github.icl4j.engine.Interventions;
import io.github.icl4j.engine.Pass;
import io.github.icl4j.engine.Reads;
import io.github.icl4j.model.ModelConfig;
import io.github.icl4j.runtime.Tensors;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.ScalarTypeOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * Attribution patching over the pass engine: one gradient pass per prompt batch ({@link Reads#zGradients}) gives
 * every head's linear estimate of a patch's effect on the metric,
 * {@code Σ_positions Σ_d ∂metric/∂z[pos, h, d] · (z_patched − z_clean)[pos, h, d]}, over every position or only the
 * last one ({@link HeadOptions.AblateAt}, as the true ablation). GradDrop (AtP*) adds one gradient pass per dropped
 * layer ℓ in which the gradient through layer ℓ's residual writes ({@code hook_attn_out}, {@code hook_mlp_out}) is
 * cut ({@code detach}: the forward is unchanged).
 */
final class Attribution {
    private final Model model;
    private final ModelConfig cfg;

    Attribution(Model model) {
        this.model = model;
        this.cfg = model.config();
    }

    /**
     * Per-prompt estimates of one prompt set.
     *
     * @param estimate   {@code [prompt][layer - from][head]} the estimated change of the metric
     * @param dropLayers the layers whose gradient was dropped, one per entry of {@code dropped}
     * @param dropped    {@code [k][prompt][layer - from][head]} the estimate with layer {@code dropLayers[k]}'s
     *                   gradient dropped, for the layers below it only (dropping a head's own layer would cut it
     *                   off, dropping a layer below it changes nothing)
     * @param metric     {@code [prompt]} the clean metric
     * @param clean      {@code [prompt]} the clean label outcomes, read from the same forward passes
     */
    record Result(double[][][] estimate, int[] dropLayers, double[][][][] dropped, double[] metric,
            LabelProbabilities.Row[] clean) {
    }

    /**
     * Runs the estimate for heads of layers {@code [from, to)}.
     *
     * @param corrupted the corrupted prompt of each prompt (same length) for {@link AttributionOptions.Patch#CORRUPTED};
     *                  null otherwise
     */
    Result run(List<? extends PromptTokens> prompts, List<? extends PromptTokens> corrupted, long[] labelIds,
            int from, int to, AttributionOptions o, HeadOptions.AblateAt at, int batchSize) {
        return run(prompts, corrupted, o.metric().gradient(labelIds), from, to, o.patch(), o.gradDrop(), at, batchSize);
    }

    /** As above with any differentiable metric (tests use one that is linear in the final residual). */
    Result run(List<? extends PromptTokens> prompts, List<? extends PromptTokens> corrupted, GradientMetric metric,
            int from, int to, AttributionOptions.Patch patch, boolean gradDrop, HeadOptions.AblateAt at,
            int batchSize) {
        int n = prompts.size();
        float[][] mean = patch == AttributionOptions.Patch.MEAN ? meanZ(prompts, from, to, batchSize) : null;
        double[] values = new double[n];
        LabelProbabilities.Row[] clean = new LabelProbabilities.Row[n];
        double[][][] est = pass(prompts, corrupted, metric, from, to, -1, mean, patch, at, batchSize, values, clean);
        int[] drops = gradDrop ? IntStream.range(from + 1, cfg.nLayers()).toArray() : new int[0];
        double[][][][] dropped = new double[drops.length][][][];
        for (int k = 0; k < drops.length; k++) {
            dropped[k] = pass(prompts, corrupted, metric, from, Math.min(to, drops[k]), drops[k], mean, patch, at,
                    batchSize, null, null);
        }
        return new Result(est, drops, dropped, values, clean);
    }

    /** One gradient pass over every prompt; {@code drop} ≥ 0 cuts the gradient through that layer's outputs. */
    private double[][][] pass(List<? extends PromptTokens> prompts, List<? extends PromptTokens> corrupted,
            GradientMetric metric, int from, int to, int drop, float[][] mean, AttributionOptions.Patch patch,
            HeadOptions.AblateAt at, int batchSize, double[] values, LabelProbabilities.Row[] clean) {
        int nH = cfg.nHeads();
        double[][][] out = new double[prompts.size()][to - from][nH];
        for (double[][] p : out) {
            for (double[] l : p) {
                java.util.Arrays.fill(l, Double.NaN);
            }
        }
        int[] layers = IntStream.range(from, to).toArray();
        List<Intervention> cut = new ArrayList<>();
        if (drop >= 0) {
            cut.add(Interventions.hook(HookPoint.attnOut(drop), (t, ctx) -> t.detach()));
            cut.add(Interventions.hook(HookPoint.mlpOut(drop), (t, ctx) -> t.detach()));
        }
        boolean lastOnly = at == HeadOptions.AblateAt.LAST_POSITION;
        Pass.over(model, prompts).batchSize(batchSize).sortByLength(true).reusePrefix(false).intervene(cut)
                .reads(Reads.none().lastLogits().zGradients(metric, layers)).forEach(chunk -> {
            int b = chunk.size();
            int[] index = chunk.index();
            if (values != null) {
                float[] m = Tensors.toFloats(chunk.metric());
                LabelProbabilities.Row[] rows = chunk.outcomes();
                for (int i = 0; i < b; i++) {
                    values[index[i]] = m[i];
                    clean[index[i]] = rows[i];
                }
            }
            List<Tensor> source = corrupted == null ? null : corruptedZ(chunk, corrupted, layers, lastOnly);
            int[] last = chunk.last();
            for (int li = 0; li < layers.length; li++) {
                int l = layers[li];
                Tensor z = chunk.z(l).to(ScalarType.Float); // [b, s, h, e]
                Tensor g = chunk.zGradient(l).to(ScalarType.Float); // [b, s, h, e]
                if (lastOnly) {
                    z = HeadMath.lastRows(z, last); // [b, h, e]
                    g = HeadMath.lastRows(g, last);
                }
                Tensor diff = switch (patch) { // z_patched − z_clean: [b, s, h, e], or [b, h, e] at the last position
                    case ZERO -> z.neg();
                    case MEAN -> Tensors.fromFloats(mean[li], nH, cfg.dHead()).to(z.device(), ScalarType.Float)
                            .sub(z); // [h, e] broadcast
                    case CORRUPTED -> source.get(li).to(z.device(), ScalarType.Float).sub(z);
                };
                // Σ over the positions in scope and over d: -> [b, h]
                Tensor perHead = g.mul(diff).sum(lastOnly ? new long[] {2} : new long[] {1, 3}, false,
                        new ScalarTypeOptional());
                float[] e = Tensors.toFloats(perHead);
                for (int i = 0; i < b; i++) {
                    for (int h = 0; h < nH; h++) {
                        out[index[i]][li][h] = e[i * nH + h];
                    }
                }
            }
        });
        return out;
    }

    /**
     * {@code hook_z} of the corrupted prompts of this chunk's rows, one per layer: {@code [b, s, h, e]}, or the rows
     * at the corrupted prompts' own last positions {@code [b, h, e]}.
     */
    private List<Tensor> corruptedZ(Chunk chunk, List<? extends PromptTokens> corrupted, int[] layers,
            boolean lastOnly) {
        List<PromptTokens> rows = new ArrayList<>();
        for (int i : chunk.index()) {
            rows.add(corrupted.get(i));
        }
        String[] names = IntStream.of(layers).mapToObj(HookPoint::z).toArray(String[]::new);
        List<Tensor> out = new ArrayList<>();
        // one no-grad pass in the chunk's row order; what it reads moves to the chunk's scope
        PointerScope keep = PointerScope.getInnerScope();
        Pass.over(model, rows).batchSize(rows.size()).reusePrefix(false).reads(Reads.none().activations(names))
                .forEach(c -> {
                    for (String name : names) {
                        Tensor z = lastOnly ? HeadMath.lastRows(c.activation(name), c.last()) : c.activation(name);
                        keep.attach(z);
                        out.add(z);
                    }
                });
        return out;
    }

    /** The mean of {@code hook_z} over every real position of every prompt: {@code [layer - from][h * e]}. */
    private float[][] meanZ(List<? extends PromptTokens> prompts, int from, int to, int batchSize) {
        int he = cfg.nHeads() * cfg.dHead();
        double[][] sum = new double[to - from][he];
        long[] count = {0};
        String[] names = IntStream.range(from, to).mapToObj(HookPoint::z).toArray(String[]::new);
        Pass.over(model, prompts).batchSize(batchSize).sortByLength(true).reusePrefix(false)
                .reads(Reads.none().activations(names)).forEach(chunk -> {
            for (int i = 0; i < chunk.size(); i++) {
                int len = chunk.prompts().get(i).tokenIds().length;
                for (int li = 0; li < names.length; li++) {
                    // row i's real positions summed: [s, h, e] -> [h * e]
                    Tensor zi = chunk.activation(names[li]).select(0, i).narrow(0, 0, len).to(ScalarType.Float)
                            .sum(new long[] {0}, false, new ScalarTypeOptional()).reshape(he);
                    float[] f = Tensors.toFloats(zi);
                    for (int k = 0; k < he; k++) {
                        sum[li][k] += f[k];
                    }
                }
                count[0] += len;
            }
        });
        float[][] mean = new float[to - from][he];
        for (int li = 0; li < mean.length; li++) {
            for (int k = 0; k < he; k++) {
                mean[li][k] = (float) (sum[li][k] / count[0]);
            }
        }
        return mean;
    }
}
