package io.github.icl4j.train;

import static io.github.icl4j.OptionChecks.check;
import static io.github.icl4j.OptionChecks.inRange;

import io.soabase.recordbuilder.core.RecordBuilder;

/**
 * Hyper-parameters of a training run. Immutable; the generated {@code TrainingConfigBuilder} gives a builder
 * ({@code TrainingConfigBuilder.builder()}) and a {@code with…} per component that returns a copy.
 *
 * <p>The learning rate rises linearly over {@code warmupSteps} to {@code learningRate}, then follows a
 * half cosine down to {@code minLearningRate} at the last step ({@link #learningRateAt(int)}).
 * <pre>{@code
 * TrainingConfig tc = TrainingConfig.defaults().withSteps(2000).withLearningRate(2e-3);
 * }</pre>
 *
 * @param steps           optimizer steps, in [1, 10_000_000]
 * @param batchSize       sequences per step, in [1, 65_536]
 * @param learningRate    peak learning rate, in (0, 1]
 * @param warmupSteps     steps of linear warm-up, in [0, steps]
 * @param minLearningRate floor of the cosine decay, in [0, learningRate]
 * @param weightDecay     AdamW decoupled weight decay of matrices (norm scales are never decayed), in [0, 1]
 * @param gradClipNorm    gradients are scaled so their global L2 norm is at most this; 0 = no clipping;
 *                        in [0, 1e6]
 * @param evalInterval    evaluate (and checkpoint) every this many steps, and after the last; 0 = only after
 *                        the last; in [0, steps]
 * @param seed            seed of the initial weights and of the data
 * @param threads         LibTorch intra-op threads (and OpenBLAS threads), in [1, 1024]; 0 = leave as they are
 * @param initStd         standard deviation of the initial weight matrices ({@link ModelInit#random(
 *                        io.github.icl4j.model.ModelConfig, long, double)}), in (0, 1]: GPT-2's 0.02 suits
 *                        d ≈ 768; a small model learns faster from about 1/sqrt(d), since the attention scores of
 *                        q·k start as the product of two such matrices
 */
@RecordBuilder
public record TrainingConfig(int steps, int batchSize, double learningRate, int warmupSteps, double minLearningRate,
        double weightDecay, double gradClipNorm, int evalInterval, long seed, int threads, double initStd)
        implements TrainingConfigBuilder.With {

    /**
     * Checks every value against its range.
     *
     * @throws IllegalArgumentException naming the option, its value and the allowed range
     */
    public TrainingConfig {
        inRange("steps", steps, 1, 10_000_000);
        inRange("batchSize", batchSize, 1, 65_536);
        check("learningRate", learningRate, learningRate > 0 && learningRate <= 1, "(0, 1]");
        inRange("warmupSteps", warmupSteps, 0, steps);
        check("minLearningRate", minLearningRate, minLearningRate >= 0 && minLearningRate <= learningRate,
                "[0, " + learningRate + "] (the peak learning rate)");
        check("weightDecay", weightDecay, weightDecay >= 0 && weightDecay <= 1, "[0, 1]");
        check("gradClipNorm", gradClipNorm, gradClipNorm >= 0 && gradClipNorm <= 1e6, "[0, 1e6] (0 = no clipping)");
        inRange("evalInterval", evalInterval, 0, steps);
        if (threads != 0) {
            inRange("threads", threads, 1, 1024);
        }
        check("initStd", initStd, initStd > 0 && initStd <= 1, "(0, 1]");
    }

    /**
     * 1000 steps of 32 sequences, peak 1e-3 after 100 warm-up steps, cosine to 1e-4, weight decay 0.1, clip at
     * 1.0, evaluation every 100 steps, seed 0, threads left as they are, initial weights N(0, 0.02²).
     */
    public static TrainingConfig defaults() {
        return new TrainingConfig(1000, 32, 1e-3, 100, 1e-4, 0.1, 1.0, 100, 0L, 0, ModelInit.STD);
    }

    /**
     * The learning rate of step {@code step} (0-based): {@code lr · (step + 1) / warmup} during warm-up, then
     * {@code min + (lr − min) · (1 + cos(π · t)) / 2} with {@code t} going from 0 to 1 over the remaining steps.
     *
     * @throws IllegalArgumentException for a step outside [0, steps)
     */
    public double learningRateAt(int step) {
        if (step < 0 || step >= steps) {
            throw new IllegalArgumentException("step " + step + " out of range [0, " + steps + ")");
        }
        if (step < warmupSteps) {
            return learningRate * (step + 1) / warmupSteps;
        }
        int decaySteps = steps - warmupSteps;
        double t = decaySteps <= 1 ? 1.0 : (double) (step - warmupSteps) / (decaySteps - 1);
        return minLearningRate + (learningRate - minLearningRate) * 0.5 * (1 + Math.cos(Math.PI * t));
    }

    /** Sets the number of steps (warm-up and evaluation interval are lowered to it when above). */
    @Override
    public TrainingConfig withSteps(int v) {
        return new TrainingConfig(v, batchSize, learningRate, Math.min(warmupSteps, v), minLearningRate, weightDecay,
                gradClipNorm, Math.min(evalInterval, v), seed, threads, initStd);
    }

    /** Sets the peak learning rate (the floor is lowered to it when above). */
    @Override
    public TrainingConfig withLearningRate(double v) {
        return new TrainingConfig(steps, batchSize, v, warmupSteps, Math.min(minLearningRate, v), weightDecay,
                gradClipNorm, evalInterval, seed, threads, initStd);
    }
}
