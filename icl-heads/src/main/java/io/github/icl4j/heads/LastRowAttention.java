package io.github.icl4j.heads;

import io.github.icl4j.LabelProbabilities;
import io.github.icl4j.Model;
import io.github.icl4j.PromptTokens;
import io.github.icl4j.engine.HeadMath;
import io.github.icl4j.engine.Pass;
import io.github.icl4j.engine.Reads;
import io.github.icl4j.model.ModelConfig;
import io.github.icl4j.runtime.Tensors;
import java.util.List;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * Attention from each prompt's last position to chosen positions, in chosen layers (every head), with the
 * prediction of the same forward pass.
 */
final class LastRowAttention {
    private LastRowAttention() {
    }

    /**
     * The result of a pass.
     *
     * @param weights  {@code [prompt][layer][head][j]}: attention to {@code positions[prompt][j]}; null for layers
     *                 not read
     * @param outcomes the label outcome of each prompt
     */
    record Result(float[][][][] weights, LabelProbabilities.Row[] outcomes) {
    }

    /** {@link #run(Model, List, boolean[], int[][], long[], int, boolean) run} without prefix reuse. */
    static Result run(Model model, List<? extends PromptTokens> prompts, boolean[] layers, int[][] positions,
            long[] labelIds, int batchSize) {
        return run(model, prompts, layers, positions, labelIds, batchSize, false);
    }

    /**
     * Attention rows of the {@code layers} marked true to each prompt's {@code positions}, and each prompt's label
     * outcome; with {@code reusePrefix} a shared demonstrations prefix is computed once (as {@link
     * io.github.icl4j.Probe} does by default).
     */
    static Result run(Model model, List<? extends PromptTokens> prompts, boolean[] layers, int[][] positions,
            long[] labelIds, int batchSize, boolean reusePrefix) {
        ModelConfig c = model.config();
        int nH = c.nHeads();
        float[][][][] w = new float[prompts.size()][c.nLayers()][][];
        LabelProbabilities.Row[] outcomes = new LabelProbabilities.Row[prompts.size()];
        int[] read = java.util.stream.IntStream.range(0, c.nLayers()).filter(l -> layers[l]).toArray();
        Pass.over(model, prompts).batchSize(batchSize).sortByLength(true).reusePrefix(reusePrefix)
                .reads(Reads.none().lastLogits().attentionRows(read)).forEach(chunk -> {
                    for (int layer : read) {
                        Tensor rows = chunk.attentionRows(layer).to(ScalarType.Float); // [b, h, t]
                        for (int i = 0; i < chunk.size(); i++) {
                            int[] pos = positions[chunk.index(i)];
                            Tensor sel = rows.select(0, i).index_select(1, HeadMath.longs(pos, rows)); // [h, P]
                            float[] f = Tensors.toFloats(sel);
                            float[][] per = new float[nH][pos.length];
                            for (int h = 0; h < nH; h++) {
                                System.arraycopy(f, h * pos.length, per[h], 0, pos.length);
                            }
                            w[chunk.index(i)][layer] = per;
                        }
                    }
                    LabelProbabilities.Row[] rows = chunk.outcomes(labelIds);
                    for (int i = 0; i < rows.length; i++) {
                        outcomes[chunk.index(i)] = rows[i];
                    }
                });
        return new Result(w, outcomes);
    }
}
