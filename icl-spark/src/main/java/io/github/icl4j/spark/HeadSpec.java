package io.github.icl4j.spark;

import io.github.icl4j.heads.HeadOptions;
import java.io.Serializable;

/**
 * The options of head scoring and the ablation ranking as they travel to executors: plain data (enums and numbers),
 * turned into the library's {@code HeadOptions} on each executor by {@link IclBackend}. The defaults are
 * {@code HeadOptions.defaults()}'s.
 *
 * @param scoreExamples    which examples a label word's score averages over
 * @param datasetAveraging how data sets are combined
 * @param unembedBias      the unembedding bias in the fixed-scale projection
 * @param ablationFrom     first ablated layer, or -1 with {@code ablationTo} -1 for the upper half
 * @param ablationTo       one past the last ablated layer, or -1
 * @param ablateAt         where a removed head is zeroed
 * @param protocol         the accuracy an ablation's drop is measured in
 * @param topHeads         heads listed per ranking in the summary
 * @param batchSize        prompts per forward pass: also the shard size, so shards are the one-JVM batches
 * @param maxBatchRows     rows per replicated ablation pass
 */
public record HeadSpec(HeadOptions.ScoreExamples scoreExamples, HeadOptions.DatasetAveraging datasetAveraging,
        boolean unembedBias, int ablationFrom, int ablationTo, HeadOptions.AblateAt ablateAt,
        HeadOptions.Protocol protocol, int topHeads, int batchSize, int maxBatchRows) implements Serializable {
    private static final long serialVersionUID = 1L;

    /**
     * Checks the values.
     *
     * @throws IllegalArgumentException naming the option, its value and the allowed range
     */
    public HeadSpec {
        if (scoreExamples == null || datasetAveraging == null || ablateAt == null || protocol == null) {
            throw new IllegalArgumentException("scoreExamples, datasetAveraging, ablateAt and protocol must not be null");
        }
        if ((ablationFrom == -1) != (ablationTo == -1) || ablationFrom < -1
                || (ablationFrom >= 0 && ablationTo <= ablationFrom)) {
            throw new IllegalArgumentException("ablation layers [" + ablationFrom + ", " + ablationTo
                    + ") must satisfy 0 <= from < to (or -1, -1 for the upper half)");
        }
        if (topHeads < 1) {
            throw new IllegalArgumentException("topHeads " + topHeads + " out of range [1, ∞)");
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("batchSize " + batchSize + " out of range [1, ∞)");
        }
        if (maxBatchRows < 1) {
            throw new IllegalArgumentException("maxBatchRows " + maxBatchRows + " out of range [1, ∞)");
        }
    }

    /** {@code HeadOptions.defaults()}: gold-only, macro-averaged, upper half, all positions, label argmax; top 10. */
    public static HeadSpec defaults() {
        HeadOptions d = HeadOptions.defaults();
        return new HeadSpec(d.scoreExamples(), d.datasetAveraging(), d.unembedBias(), -1, -1, d.ablateAt(),
                d.protocol(), 10, d.batchSize(), d.maxBatchRows());
    }

    /** The same with layers {@code [from, to)} ablated. */
    public HeadSpec withAblationLayers(int from, int to) {
        return new HeadSpec(scoreExamples, datasetAveraging, unembedBias, from, to, ablateAt, protocol, topHeads,
                batchSize, maxBatchRows);
    }

    /** The same with {@code prompts} per forward pass and at most {@code rows} rows per ablation pass. */
    public HeadSpec withBatch(int prompts, int rows) {
        return new HeadSpec(scoreExamples, datasetAveraging, unembedBias, ablationFrom, ablationTo, ablateAt, protocol,
                topHeads, prompts, rows);
    }

    /** The same with {@code n} heads listed per ranking in the summary. */
    public HeadSpec withTopHeads(int n) {
        return new HeadSpec(scoreExamples, datasetAveraging, unembedBias, ablationFrom, ablationTo, ablateAt, protocol,
                n, batchSize, maxBatchRows);
    }

    /** The same with data sets combined by {@code v}. */
    public HeadSpec withDatasetAveraging(HeadOptions.DatasetAveraging v) {
        return new HeadSpec(scoreExamples, v, unembedBias, ablationFrom, ablationTo, ablateAt, protocol, topHeads,
                batchSize, maxBatchRows);
    }
}
