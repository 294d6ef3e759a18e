package io.github.icl4j.spark;

import java.io.Serializable;

/**
 * One unit of executor work: a shard of a cell's prompts (one forward batch), scored ({@code layer} -1) or with each
 * head of one layer removed in turn.
 *
 * @param cell  index of the cell in the sweep
 * @param shard index of the shard in the cell's batch order
 * @param layer the ablated layer, or -1 for scoring
 */
record WorkItem(int cell, int shard, int layer) implements Serializable {
    private static final long serialVersionUID = 1L;

    boolean scoring() {
        return layer < 0;
    }
}
