package io.github.icl4j.heads;

import io.github.icl4j.HookPoint;
import io.github.icl4j.Hooks;
import io.github.icl4j.LabelProbabilities;
import io.github.icl4j.Model;
import io.github.icl4j.PromptTokens;
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

    static Result run(Model model, List<? extends PromptTokens> prompts, boolean[] layers, int[][] positions,
            long[] labelIds, int batchSize) {
        ModelConfig c = model.config();
        int nH = c.nHeads();
        float[][][][] w = new float[prompts.size()][c.nLayers()][][];
        LabelProbabilities.Row[] outcomes = new LabelProbabilities.Row[prompts.size()];
        Passes.chunks(prompts, batchSize, (index, part, batch, last) -> {
            Hooks.Builder hb = Hooks.builder();
            for (int l = 0; l < c.nLayers(); l++) {
                if (!layers[l]) {
                    continue;
                }
                int layer = l;
                hb.add(HookPoint.pattern(l), (pattern, ctx) -> {
                    // [b, h, s, t] -> rows of the last positions [b, h, t]
                    Tensor rows = Passes.lastRows(pattern.transpose(1, 2), last).to(ScalarType.Float);
                    for (int i = 0; i < part.size(); i++) {
                        int[] pos = positions[index[i]];
                        long[] idx = new long[pos.length];
                        for (int j = 0; j < pos.length; j++) {
                            idx[j] = pos[j];
                        }
                        Tensor sel = rows.select(0, i).index_select(1,
                                Tensors.fromLongs(idx, idx.length).to(rows.device(), ScalarType.Long)); // [h, P]
                        float[] f = Tensors.toFloats(sel);
                        float[][] per = new float[nH][pos.length];
                        for (int h = 0; h < nH; h++) {
                            System.arraycopy(f, h * pos.length, per[h], 0, pos.length);
                        }
                        w[index[i]][layer] = per;
                    }
                    return null;
                });
            }
            Tensor hidden = Passes.hidden(model, model.transformer(), batch, hb.build());
            int[] gold = part.stream().mapToInt(PromptTokens::queryLabel).toArray();
            LabelProbabilities.Row[] rows = Passes.outcomes(Passes.lastLogits(model, hidden, last), labelIds, gold);
            for (int i = 0; i < rows.length; i++) {
                outcomes[index[i]] = rows[i];
            }
        });
        return new Result(w, outcomes);
    }
}
