package io.github.icl4j.spark;

import java.io.Serializable;

/**
 * One unit of executor work: a shard of a cell's prompts (one forward batch), scored ({@code fromLayer} -1) or with
 * each head of layers {@code [fromLayer, toLayer)} removed in turn.
 *
 * @param cell      index of the cell in the sweep
 * @param shard     index of the shard in the cell's batch order
 * @param fromLayer the first ablated layer, or -1 for scoring
 * @param toLayer   one past the last ablated layer
 */
record WorkItem(int cell, int shard, int fromLayer, int toLayer) implements Serializable {
    private static final long serialVersionUID = 1L;

    /** The cost, in full forward passes of the shard, an ablation item must reach before the next layer starts a new
     * one: each item repeats the clean pass, so this keeps that repeat at most about 1/8 of the item's work. */
    static final double MIN_ABLATION_COST = 8;

    boolean scoring() {
        return fromLayer < 0;
    }

    /**
     * Layers {@code [from, to)} of a model of {@code nLayers} × {@code nHeads} grouped into consecutive ranges of at
     * least {@link #MIN_ABLATION_COST} forward passes each (a head of layer l costs {@code (nLayers - l) / nLayers} of
     * one: its pass starts at its layer); a cheap remainder joins the last range.
     */
    static java.util.List<int[]> layerGroups(int from, int to, int nLayers, int nHeads) {
        java.util.List<int[]> out = new java.util.ArrayList<>();
        int start = from;
        double cost = 0;
        for (int l = from; l < to; l++) {
            cost += nHeads * (double) (nLayers - l) / nLayers;
            if (cost >= MIN_ABLATION_COST) {
                out.add(new int[] {start, l + 1});
                start = l + 1;
                cost = 0;
            }
        }
        if (start < to) {
            if (!out.isEmpty() && cost < MIN_ABLATION_COST / 2) {
                out.get(out.size() - 1)[1] = to;
            } else {
                out.add(new int[] {start, to});
            }
        }
        return out;
    }
}
