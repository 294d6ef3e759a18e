package io.github.icl4j.spark;

import java.io.Serializable;
import java.util.List;

/**
 * What an executor found out about a cell before the work is planned (plain data, from {@link SparkHeads#plan}): how many prompts it has, the model's shape, the
 * ablated layers and the label words; or why the cell cannot run there.
 *
 * @param cell         the cell
 * @param prompts      prompts in the cell
 * @param nLayers      the model's layers
 * @param nHeads       heads per layer
 * @param ablationFrom first ablated layer
 * @param ablationTo   one past the last ablated layer
 * @param labelWords   the label words by class, as the tokenizer writes them
 * @param labelIds     their token ids
 * @param error        why the cell cannot run (naming the path or data set and the executor), or null
 */
public record CellFacts(Cell cell, int prompts, int nLayers, int nHeads, int ablationFrom, int ablationTo,
        List<String> labelWords, List<Long> labelIds, String error) implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Copies the lists. */
    public CellFacts {
        labelWords = List.copyOf(labelWords);
        labelIds = List.copyOf(labelIds);
    }

    static CellFacts failed(Cell cell, String error) {
        return new CellFacts(cell, 0, 0, 0, 0, 0, List.of(), List.of(), error);
    }

    /** The label token ids as an array. */
    long[] labelIdArray() {
        return labelIds.stream().mapToLong(Long::longValue).toArray();
    }

    /** Shards of {@code batchSize} prompts (the one-JVM forward passes). */
    int shards(int batchSize) {
        return (prompts + batchSize - 1) / batchSize;
    }
}
