package io.github.icl4j.heads;

import io.github.icl4j.HeadId;
import io.github.icl4j.IclPrompt;
import io.github.icl4j.Model;
import java.util.ArrayList;
import java.util.List;

/** Where the heads read ({@link InContextHeads#reading}): each head's last-token attention split by token role. */
final class Reading {
    private Reading() {
    }

    /** See {@link InContextHeads#reading}; the set and the prompts are checked. */
    static ReadingAnalysis run(Model model, HeadOptions options, InContextHeadSet set,
            List<IclPrompt> prompts, long[] ids) {
        int nL = model.config().nLayers();
        boolean[] layers = new boolean[nL];
        set.heads().forEach(h -> layers[h.layer()] = true);
        int[][] all = new int[prompts.size()][];
        for (int i = 0; i < all.length; i++) {
            all[i] = java.util.stream.IntStream.rangeClosed(0, prompts.get(i).lastPosition()).toArray();
        }
        LastRowAttention.Result r = LastRowAttention.run(model, prompts, layers, all, ids, options.batchSize());
        // each token's role, per prompt (the same for every head): label, matching sentences, other sentences,
        // query, after labels, rest
        int[][] roles = new int[prompts.size()][];
        for (int i = 0; i < roles.length; i++) {
            roles[i] = readingRoles(prompts.get(i));
        }
        List<ReadingAnalysis.HeadReading> out = new ArrayList<>();
        for (HeadId h : set.heads()) {
            double[] sum = new double[7]; // the six roles, then the label words of the query's label
            for (int i = 0; i < prompts.size(); i++) {
                float[] w = r.weights()[i][h.layer()][h.head()];
                for (int t = 0; t < w.length; t++) {
                    sum[roles[i][t]] += w[t];
                }
                IclPrompt p = prompts.get(i);
                for (int pos : p.positionsOfLabel(p.queryLabel())) {
                    sum[6] += w[pos];
                }
            }
            int n = prompts.size();
            out.add(new ReadingAnalysis.HeadReading(h, set.groupOf(h), sum[0] / n, sum[6] / n,
                    sum[1] / n, sum[2] / n, sum[3] / n, sum[4] / n, sum[5] / n));
        }
        return new ReadingAnalysis(prompts.size(), out);
    }

    /**
     * The role of each token {@code 0..last} of a prompt for {@link #reading}: 0 label word, 1 sentence of a
     * demonstration with the query's gold label, 2 another demonstration's sentence, 3 the query, 4 the token right
     * after a label word, 5 the rest.
     */
    private static int[] readingRoles(IclPrompt p) {
        int[] role = new int[p.lastPosition() + 1];
        java.util.Arrays.fill(role, 5);
        for (int pos : p.labelPositions()) {
            if (pos + 1 < role.length) {
                role[pos + 1] = 4;
            }
        }
        for (int j = 0; j < p.numDemos(); j++) {
            IclPrompt.Span sp = p.demoSpans().get(j);
            int kind = p.demoLabels()[j] == p.queryLabel() ? 1 : 2;
            for (int t = sp.start(); t < sp.end(); t++) {
                role[t] = kind;
            }
        }
        for (int t = p.querySpan().start(); t < p.querySpan().end(); t++) {
            role[t] = 3;
        }
        for (int pos : p.labelPositions()) {
            role[pos] = 0;
        }
        return role;
    }
}
