package io.github.icl4j.train;

import java.util.Random;

/**
 * Where a {@link Trainer} gets its batches. Implementations must draw all randomness from {@code rng} so a
 * run is reproducible from its seed.
 */
@FunctionalInterface
public interface TrainingData {
    /** A batch of {@code batchSize} sequences for step {@code step} (0-based). */
    TrainingBatch batch(int step, int batchSize, Random rng);
}
