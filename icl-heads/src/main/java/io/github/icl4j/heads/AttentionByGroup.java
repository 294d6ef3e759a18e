package io.github.icl4j.heads;

import io.github.icl4j.HeadId;
import io.github.icl4j.LabelProbabilities;
import io.github.icl4j.Model;
import io.github.icl4j.PromptTokens;
import io.github.icl4j.model.ModelConfig;
import java.util.ArrayList;
import java.util.List;

/** The attention analysis of METHOD §4 ({@link InContextHeads#attention}): attention to the label positions by group. */
final class AttentionByGroup {
    private AttentionByGroup() {
    }

    /** See {@link InContextHeads#attention}; the set and the prompts are checked. */
    static AttentionAnalysis run(Model model, HeadOptions options, InContextHeadSet set,
            List<? extends PromptTokens> prompts, boolean byGold, long[] ids) {
        ModelConfig c = model.config();
        int nL = c.nLayers();
        int nH = c.nHeads();
        boolean[] all = new boolean[nL];
        java.util.Arrays.fill(all, true);
        int[][] positions = new int[prompts.size()][];
        for (int i = 0; i < positions.length; i++) {
            positions[i] = prompts.get(i).labelPositions();
        }
        LastRowAttention.Result r = LastRowAttention.run(model, prompts, all, positions, ids, options.batchSize());
        double[][][] foo = new double[2][nL][nH];
        double[][][] bar = new double[2][nL][nH];
        int[] n = new int[2];
        // the prediction in the readout the heads were found by: a model that answers " bar" to every query leaves
        // the foo group empty in the argmax, while batch calibration over these prompts splits them by what the
        // demonstrations moved
        int[] predicted = options.readout().predictions(new LabelProbabilities(List.of(r.outcomes())));
        for (int i = 0; i < prompts.size(); i++) {
            int g = byGold ? prompts.get(i).queryLabel() : predicted[i];
            n[g]++;
            int[] labels = prompts.get(i).demoLabels();
            for (int l = 0; l < nL; l++) {
                for (int h = 0; h < nH; h++) {
                    float[] w = r.weights()[i][l][h];
                    for (int j = 0; j < w.length; j++) {
                        (labels[j] == 0 ? foo : bar)[g][l][h] += w[j];
                    }
                }
            }
        }
        for (int g = 0; g < 2; g++) {
            for (int l = 0; l < nL; l++) {
                for (int h = 0; h < nH; h++) {
                    foo[g][l][h] = n[g] == 0 ? Double.NaN : foo[g][l][h] / n[g];
                    bar[g][l][h] = n[g] == 0 ? Double.NaN : bar[g][l][h] / n[g];
                }
            }
        }
        List<AttentionAnalysis.HeadAttention> heads = new ArrayList<>();
        for (HeadId h : set.heads()) {
            double f0 = foo[0][h.layer()][h.head()];
            double f1 = foo[1][h.layer()][h.head()];
            double b0 = bar[0][h.layer()][h.head()];
            double b1 = bar[1][h.layer()][h.head()];
            heads.add(new AttentionAnalysis.HeadAttention(h, set.groupOf(h), f0, f1,
                    (f1 - f0) / f0, b0, b1, (b1 - b0) / b0));
        }
        return new AttentionAnalysis(options.attentionGroupBy(), nL, nH, n, foo, bar, heads);
    }
}
