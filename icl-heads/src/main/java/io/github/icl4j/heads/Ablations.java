package io.github.icl4j.heads;

import io.github.icl4j.HeadId;
import io.github.icl4j.HookPoint;
import io.github.icl4j.Hooks;
import io.github.icl4j.LabelProbabilities;
import io.github.icl4j.Model;
import io.github.icl4j.PromptTokens;
import io.github.icl4j.TokenBatch;
import io.github.icl4j.engine.Forward;
import io.github.icl4j.engine.Pass;
import io.github.icl4j.engine.Reads;
import io.github.icl4j.model.ModelConfig;
import io.github.icl4j.runtime.Tensors;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;

/**
 * Many head ablations per forward pass. Each condition is a set of heads whose {@code hook_z} is zeroed. A prompt
 * batch is replicated once per condition, rows laid out {@code [conditions × prompts]}, and one hook per layer
 * multiplies {@code hook_z} by a 0/1 mask that removes each copy's own heads.
 *
 * <p>Removing heads of layer {@code L} and above cannot change anything below {@code L}, so a condition's pass
 * starts at its lowest layer: a clean pass records the residual entering that layer, and the pass engine continues
 * from it ({@link Forward#runFrom}, TransformerLens' {@code start_at_layer}). The results equal full forward passes
 * with the heads zeroed (same operations on the same inputs).
 */
final class Ablations {
    private final Model model;
    private final ModelConfig cfg;

    Ablations(Model model) {
        this.model = model;
        this.cfg = model.config();
    }

    /**
     * The label outcome of every prompt under every condition: {@code [condition][prompt]}. An empty condition is
     * the clean model.
     */
    LabelProbabilities.Row[][] run(List<? extends PromptTokens> prompts, List<List<HeadId>> conditions, long[] labelIds,
            HeadOptions.AblateAt at, int batchSize, int maxRows) {
        int nL = cfg.nLayers();
        int nH = cfg.nHeads();
        LabelProbabilities.Row[][] out = new LabelProbabilities.Row[conditions.size()][prompts.size()];
        Map<Integer, List<Integer>> byStart = new TreeMap<>();
        List<Integer> clean = new ArrayList<>();
        for (int ci = 0; ci < conditions.size(); ci++) {
            List<HeadId> cond = conditions.get(ci);
            if (cond.isEmpty()) {
                clean.add(ci);
                continue;
            }
            int min = nL;
            for (HeadId h : cond) {
                h.checkIn(nL, nH);
                min = Math.min(min, h.layer());
            }
            byStart.computeIfAbsent(min, k -> new ArrayList<>()).add(ci);
        }
        int[] starts = byStart.keySet().stream().mapToInt(Integer::intValue).toArray();
        String[] residNames = java.util.Arrays.stream(starts).mapToObj(HookPoint::residPre).toArray(String[]::new);
        // the clean pass keeps the residuals the tails start from; each block's temporaries are freed as it ends
        Pass.over(model, prompts).batchSize(batchSize).sortByLength(true).reusePrefix(false).releaseEachBlock(true)
                .reads(Reads.none().lastLogits().activations(residNames)).forEach(chunk -> {
            int b = chunk.size();
            int[] index = chunk.index();
            List<PromptTokens> part = chunk.prompts();
            LabelProbabilities.Row[] base = chunk.outcomes(labelIds);
            for (int ci : clean) {
                for (int i = 0; i < b; i++) {
                    out[ci][index[i]] = base[i];
                }
            }
            int perPass = Math.max(1, maxRows / b);
            for (Map.Entry<Integer, List<Integer>> e : byStart.entrySet()) {
                int s = e.getKey();
                List<Integer> conds = e.getValue();
                for (int g0 = 0; g0 < conds.size(); g0 += perPass) {
                    List<Integer> group = conds.subList(g0, Math.min(conds.size(), g0 + perPass));
                    LabelProbabilities.Row[] rows;
                    try (PointerScope pass = new PointerScope()) {
                        rows = tailPass(s, group, conditions, part, chunk.last(), chunk.activation(HookPoint.residPre(s)),
                                labelIds, at);
                    }
                    for (int gi = 0; gi < group.size(); gi++) {
                        for (int i = 0; i < b; i++) {
                            out[group.get(gi)][index[i]] = rows[gi * b + i];
                        }
                    }
                }
            }
        });
        return out;
    }

    /** One pass from layer {@code s} over {@code group.size() × b} rows. */
    private LabelProbabilities.Row[] tailPass(int s, List<Integer> group, List<List<HeadId>> conditions,
            List<PromptTokens> part, int[] last, Tensor residAtS, long[] labelIds, HeadOptions.AblateAt at) {
        int b = part.size();
        int g = group.size();
        int rows = g * b;
        int nH = cfg.nHeads();
        long[][] seqs = new long[rows][];
        int[] lastRep = new int[rows];
        List<PromptTokens> rep = new ArrayList<>(rows);
        for (int gi = 0; gi < g; gi++) {
            for (int i = 0; i < b; i++) {
                seqs[gi * b + i] = part.get(i).tokenIds();
                lastRep[gi * b + i] = last[i];
                rep.add(part.get(i));
            }
        }
        TokenBatch batch = TokenBatch.of(seqs);
        int width = batch.width();
        Tensor inject = g == 1 ? residAtS : residAtS.repeat(g, 1, 1); // [g*b, s, d]
        // g × b rows through up to every layer: free each block's temporaries as it ends (the hooks keep nothing)
        Hooks.Builder hb = Hooks.builder().releaseEachBlock();
        // one 0/1 mask per layer touched by the group
        Map<Integer, float[]> masks = new TreeMap<>();
        boolean lastOnly = at == HeadOptions.AblateAt.LAST_POSITION;
        int perRow = lastOnly ? width * nH : nH;
        for (int gi = 0; gi < g; gi++) {
            for (HeadId h : conditions.get(group.get(gi))) {
                float[] m = masks.computeIfAbsent(h.layer(), k -> {
                    float[] ones = new float[rows * perRow];
                    java.util.Arrays.fill(ones, 1f);
                    return ones;
                });
                for (int i = 0; i < b; i++) {
                    int r = gi * b + i;
                    int idx = lastOnly ? (r * width + last[i]) * nH + h.head() : r * nH + h.head();
                    m[idx] = 0f;
                }
            }
        }
        masks.forEach((layer, m) -> {
            Tensor mask = Tensors.fromFloats(m, rows, lastOnly ? width : 1, nH, 1);
            hb.add(HookPoint.z(layer), (z, ctx) -> z.mul(mask.to(z.device(), z.scalar_type().intern())));
        });
        return Forward.runFrom(model, s, inject, batch, lastRep, hb.build(), Reads.none().lastLogits(), rep)
                .outcomes(labelIds);
    }
}
