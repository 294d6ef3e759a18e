package io.github.icl4j.train;

/**
 * Hyper-parameters of a training run. Immutable; {@code with...} return copies.
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
public record TrainingConfig(int steps, int batchSize, double learningRate, int warmupSteps, double minLearningRate,
        double weightDecay, double gradClipNorm, int evalInterval, long seed, int threads, double initStd) {

    public TrainingConfig {
        inRange("steps", steps, 1, 10_000_000);
        inRange("batch size", batchSize, 1, 65_536);
        if (!(learningRate > 0 && learningRate <= 1)) {
            throw new IllegalArgumentException("learning rate " + learningRate + " out of range (0, 1]");
        }
        inRange("warm-up steps", warmupSteps, 0, steps);
        if (!(minLearningRate >= 0 && minLearningRate <= learningRate)) {
            throw new IllegalArgumentException("minimum learning rate " + minLearningRate + " out of range [0, "
                    + learningRate + "] (the peak learning rate)");
        }
        if (!(weightDecay >= 0 && weightDecay <= 1)) {
            throw new IllegalArgumentException("weight decay " + weightDecay + " out of range [0, 1]");
        }
        if (!(gradClipNorm >= 0 && gradClipNorm <= 1e6)) {
            throw new IllegalArgumentException("gradient clip norm " + gradClipNorm + " out of range [0, 1e6] "
                    + "(0 = no clipping)");
        }
        inRange("eval interval", evalInterval, 0, steps);
        if (threads != 0) {
            inRange("threads", threads, 1, 1024);
        }
        if (!(initStd > 0 && initStd <= 1)) {
            throw new IllegalArgumentException("initial weight standard deviation " + initStd + " out of range (0, 1]");
        }
    }

    private static void inRange(String what, int v, int lo, int hi) {
        if (v < lo || v > hi) {
            throw new IllegalArgumentException(what + " " + v + " out of range [" + lo + ", " + hi + "]");
        }
    }

    /**
     * 1000 steps of 32 sequences, peak 1e-3 after 100 warm-up steps, cosine to 1e-4, weight decay 0.1, clip at
     * 1.0, evaluation every 100 steps, seed 0, threads left as they are, initial weights N(0, 0.02²).
     */
    public static TrainingConfig defaults() {
        return new TrainingConfig(1000, 32, 1e-3, 100, 1e-4, 0.1, 1.0, 100, 0L, 0, ModelInit.STD);
    }

    public TrainingConfig withInitStd(double v) {
        return new TrainingConfig(steps, batchSize, learningRate, warmupSteps, minLearningRate, weightDecay,
                gradClipNorm, evalInterval, seed, threads, v);
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

    public TrainingConfig withSteps(int v) {
        return new TrainingConfig(v, batchSize, learningRate, Math.min(warmupSteps, v), minLearningRate, weightDecay,
                gradClipNorm, Math.min(evalInterval, v), seed, threads, initStd);
    }

    public TrainingConfig withBatchSize(int v) {
        return new TrainingConfig(steps, v, learningRate, warmupSteps, minLearningRate, weightDecay, gradClipNorm,
                evalInterval, seed, threads, initStd);
    }

    /** Sets the peak learning rate (the floor is lowered to it when above). */
    public TrainingConfig withLearningRate(double v) {
        return new TrainingConfig(steps, batchSize, v, warmupSteps, Math.min(minLearningRate, v), weightDecay,
                gradClipNorm, evalInterval, seed, threads, initStd);
    }

    public TrainingConfig withWarmupSteps(int v) {
        return new TrainingConfig(steps, batchSize, learningRate, v, minLearningRate, weightDecay, gradClipNorm,
                evalInterval, seed, threads, initStd);
    }

    public TrainingConfig withMinLearningRate(double v) {
        return new TrainingConfig(steps, batchSize, learningRate, warmupSteps, v, weightDecay, gradClipNorm,
                evalInterval, seed, threads, initStd);
    }

    public TrainingConfig withWeightDecay(double v) {
        return new TrainingConfig(steps, batchSize, learningRate, warmupSteps, minLearningRate, v, gradClipNorm,
                evalInterval, seed, threads, initStd);
    }

    public TrainingConfig withGradClipNorm(double v) {
        return new TrainingConfig(steps, batchSize, learningRate, warmupSteps, minLearningRate, weightDecay, v,
                evalInterval, seed, threads, initStd);
    }

    public TrainingConfig withEvalInterval(int v) {
        return new TrainingConfig(steps, batchSize, learningRate, warmupSteps, minLearningRate, weightDecay,
                gradClipNorm, v, seed, threads, initStd);
    }

    public TrainingConfig withSeed(long v) {
        return new TrainingConfig(steps, batchSize, learningRate, warmupSteps, minLearningRate, weightDecay,
                gradClipNorm, evalInterval, v, threads, initStd);
    }

    public TrainingConfig withThreads(int v) {
        return new TrainingConfig(steps, batchSize, learningRate, warmupSteps, minLearningRate, weightDecay,
                gradClipNorm, evalInterval, seed, v, initStd);
    }
}
