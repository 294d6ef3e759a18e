package io.github.icl4j.train;

import io.github.icl4j.model.Activation;
import io.github.icl4j.model.LayerWeights;
import io.github.icl4j.model.ModelConfig;
import io.github.icl4j.model.ModelConfig.Family;
import io.github.icl4j.model.ModelConfig.NormKind;
import io.github.icl4j.model.ModelConfig.RotaryStyle;
import io.github.icl4j.model.TransformerWeights;
import io.github.icl4j.runtime.Natives;
import io.github.icl4j.runtime.Tensors;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.bytedeco.pytorch.Tensor;

/**
 * Random initial weights for training from scratch, as in GPT-2 and nanoGPT: every matrix from
 * {@code N(0, 0.02²)} (or another standard deviation), the two projections that write into the residual stream (attention output and MLP
 * down) from {@code N(0, (0.02 / sqrt(2 · layers))²)} so the residual's variance does not grow with depth,
 * every norm scale 1.
 *
 * <p>Values come from {@link java.util.Random} seeded with {@code seed}, so one seed gives the same weights on
 * every machine and every thread count. The tensors are fp32 on the CPU with {@code requires_grad} set, and
 * belong to the caller's {@code PointerScope} ({@link io.github.icl4j.Model#fromWeights} retains them).
 */
public final class ModelInit {
    /** Standard deviation of every matrix. */
    public static final double STD = 0.02;

    private ModelInit() {
    }

    /**
     * A Llama-family architecture (RMSNorm, gated SiLU MLP, rotate-half rotary on the whole head, no biases,
     * untied embeddings) of the given size.
     *
     * @throws IllegalArgumentException when {@code dModel} is not a multiple of {@code heads}, or a size is
     *                                  not positive
     */
    public static ModelConfig llamaConfig(int vocabSize, int dModel, int layers, int heads, int dMlp,
            int maxPositions) {
        if (heads <= 0 || dModel % heads != 0) {
            throw new IllegalArgumentException("hidden size " + dModel + " is not a multiple of the number of heads "
                    + heads);
        }
        return ModelConfig.builder("llama", Family.LLAMA).vocabSize(vocabSize).dModel(dModel).nLayers(layers)
                .nHeads(heads).dHead(dModel / heads).dMlp(dMlp).maxPositions(maxPositions).norm(NormKind.RMS_NORM, 1e-5)
                .activation(Activation.SILU).gatedMlp(true).rotary(dModel / heads, 10000.0, RotaryStyle.HALF).build();
    }

    /**
     * Random weights for {@code cfg}, which must be a Llama-family configuration without biases.
     *
     * @throws IllegalArgumentException for another family or a configuration with biases
     */
    public static TransformerWeights random(ModelConfig cfg, long seed) {
        return random(cfg, seed, STD);
    }

    /**
     * As {@link #random(ModelConfig, long)} with matrices from {@code N(0, std²)} (the residual-writing
     * projections from {@code N(0, (std / sqrt(2 · layers))²)}).
     *
     * @throws IllegalArgumentException for another family, a configuration with biases, or std not in (0, 1]
     */
    public static TransformerWeights random(ModelConfig cfg, long seed, double std) {
        if (!(std > 0 && std <= 1)) {
            throw new IllegalArgumentException("initial weight standard deviation " + std + " out of range (0, 1]");
        }
        if (cfg.family() != Family.LLAMA || cfg.qkvBias() || cfg.outBias() || cfg.mlpBias() || cfg.lmHeadBias()) {
            throw new IllegalArgumentException("ModelInit.random supports the Llama family without biases; got " + cfg);
        }
        Natives.init();
        Random rng = new Random(seed);
        long d = cfg.dModel();
        long q = (long) cfg.nHeads() * cfg.dHead();
        long kv = (long) cfg.nKvHeads() * cfg.dHead();
        long f = cfg.dMlp();
        double residStd = std / Math.sqrt(2.0 * cfg.nLayers());
        Tensor embed = normal(rng, std, cfg.vocabSize(), d);
        List<LayerWeights> layers = new ArrayList<>();
        for (int l = 0; l < cfg.nLayers(); l++) {
            layers.add(new LayerWeights(ones(d), null, ones(d), null,
                    normal(rng, std, q, d), null,
                    normal(rng, std, kv, d), null,
                    normal(rng, std, kv, d), null,
                    normal(rng, residStd, d, q), null,
                    normal(rng, std, f, d),
                    normal(rng, std, f, d), null,
                    normal(rng, residStd, d, f), null));
        }
        Tensor finalNorm = ones(d);
        Tensor unembed = cfg.tiedEmbeddings() ? embed : normal(rng, std, cfg.vocabSize(), d);
        return new TransformerWeights(embed, null, layers, finalNorm, null, unembed, null);
    }

    private static Tensor normal(Random rng, double std, long rows, long cols) {
        float[] v = new float[Math.toIntExact(rows * cols)];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (rng.nextGaussian() * std);
        }
        return Tensors.fromFloats(v, rows, cols).requires_grad_(true);
    }

    private static Tensor ones(long n) {
        float[] v = new float[Math.toIntExact(n)];
        Arrays.fill(v, 1f);
        return Tensors.fromFloats(v, n).requires_grad_(true);
    }
}
