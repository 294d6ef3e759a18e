package io.github.icl4j.heads;

import io.github.icl4j.stats.Stats;
import io.github.icl4j.HeadId;
import io.github.icl4j.LabelProbabilities;
import io.github.icl4j.Model;
import io.github.icl4j.PromptTokens;
import io.github.icl4j.engine.HeadMath;
import io.github.icl4j.engine.Pass;
import io.github.icl4j.engine.Reads;
import io.github.icl4j.model.ModelConfig;
import io.github.icl4j.runtime.Tensors;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * The value-output vectors {@code α_p · v_p W_O^h} of METHOD §4 read in one forward pass per prompt batch: a hook
 * on each needed layer's attention pattern reads the pattern's last row and the values (grouped-query attention:
 * query head {@code h} reads value head {@code h / (nHeads / nKvHeads)}). Under a post-attention norm (Gemma 2/3,
 * OLMo-2) each vector goes through that norm with the real forward's scale at the reading position
 * ({@code Chunk#toResidual}, the frozen-scale rule).
 */
final class ValueOutputs {
    private ValueOutputs() {
    }

    /** The weighted vectors of one head at every position {@code 0..last} of one prompt: {@code [last + 1][d]}. */
    static float[][] allPositions(Model model, PromptTokens prompt, HeadId head, boolean weighted) {
        ModelConfig c = model.config();
        head.checkIn(c.nLayers(), c.nHeads());
        float[][][] out = new float[1][][];
        Tensor wo = model.transformer().weights().layers().get(head.layer()).wO();
        int layer = head.layer();
        Pass.over(model, List.of(prompt)).batchSize(1).reusePrefix(false)
                .reads(Reads.none().attentionRows(layer).attentionState(layer)).forEach(chunk -> {
                    Tensor rows = chunk.attentionRows(layer); // [1, h, t]
                    int[] all = new int[chunk.last()[0] + 1];
                    Arrays.setAll(all, j -> j);
                    Tensor x = chunk.toResidual(layer, 0, HeadMath.valueOutputs(rows, chunk.attentionState(layer, "v"),
                            0, HeadMath.longs(all, rows), head.head(), c, wo, weighted)); // [P, d]
                    float[] f = Tensors.toFloats(x);
                    float[][] vecs = new float[all.length][c.dModel()];
                    for (int j = 0; j < all.length; j++) {
                        System.arraycopy(f, j * c.dModel(), vecs[j], 0, c.dModel());
                    }
                    out[0] = vecs;
                });
        return out[0];
    }

    /** One vector read: which prompt, head (index into the head list), position and label. */
    private record Entry(int prompt, int head, int position, int label, float alpha) {
    }

    static ValueOutputAnalysis analyse(Model model, InContextHeadSet set, List<? extends PromptTokens> prompts,
            long[] labelIds, HeadOptions o) {
        ModelConfig c = model.config();
        List<HeadId> heads = set.heads();
        int nS = heads.size();
        int vocab = c.vocabSize();
        int k = Math.min(o.topTokens(), vocab);
        double[][][] lpSum = new double[nS][2][vocab];
        List<Entry> entries = new ArrayList<>();
        List<Float> ms = new ArrayList<>();
        int[] predicted = new int[prompts.size()];
        List<ValueOutputAnalysis.PositionDetail> details = new ArrayList<>();
        int[] layers = heads.stream().mapToInt(HeadId::layer).distinct().sorted().toArray();
        Pass.over(model, prompts).batchSize(o.batchSize()).sortByLength(true).reusePrefix(false)
                .reads(Reads.none().lastLogits().attentionRows(layers).attentionState(layers).residuals(c.nLayers()))
                .forEach(chunk -> {
            List<PromptTokens> part = chunk.prompts();
            List<Tensor> vecs = new ArrayList<>();
            List<Entry> chunkEntries = new ArrayList<>();
            List<Long> rowPrompt = new ArrayList<>();
            for (int layer : layers) {
                Tensor wo = model.transformer().weights().layers().get(layer).wO();
                Tensor pattern = chunk.attentionRows(layer); // [b, h, t]
                Tensor v = chunk.attentionState(layer, "v"); // [b, t, kv, e]
                for (int i = 0; i < part.size(); i++) {
                    PromptTokens p = part.get(i);
                    int[] pos = p.labelPositions();
                    int[] labels = p.demoLabels();
                    Tensor idx = HeadMath.longs(pos, pattern);
                    for (int s = 0; s < nS; s++) {
                        HeadId h = heads.get(s);
                        if (h.layer() != layer) {
                            continue;
                        }
                        vecs.add(chunk.toResidual(layer, i,
                                HeadMath.valueOutputs(pattern, v, i, idx, h.head(), c, wo, o.weightByAttention())));
                        float[] alpha = Tensors.toFloats(pattern.select(0, i).select(0, h.head()).index_select(0, idx));
                        for (int j = 0; j < pos.length; j++) {
                            chunkEntries.add(new Entry(chunk.index(i), s, pos[j], labels[j], alpha[j]));
                            rowPrompt.add((long) i);
                        }
                    }
                }
            }
            Tensor[] fin = {chunk.residual(c.nLayers())}; // [b, d]
            LabelProbabilities.Row[] out = chunk.outcomes(labelIds);
            for (int i = 0; i < out.length; i++) {
                predicted[chunk.index(i)] = out[i].predicted();
            }
            FixedScaleProjection proj = FixedScaleProjection.of(model, o.unembedBias());
            Tensor inv = proj.inverseScale(fin[0]); // [b]
            Tensor rows = torch.cat(new TensorVector(vecs.toArray(new Tensor[0])), 0); // [N, d]
            Tensor rowInv = inv.index_select(0, Tensors.fromLongs(rowPrompt.stream().mapToLong(Long::longValue)
                    .toArray(), rowPrompt.size()).to(inv.device(), ScalarType.Long));
            Tensor lp = proj.logProbs(rows, rowInv); // [N, V]
            Tensor ids = Tensors.fromLongs(labelIds, 2).to(lp.device(), ScalarType.Long);
            Tensor lab = lp.index_select(1, ids);
            float[] m = Tensors.toFloats(lab.select(1, 0).sub(lab.select(1, 1)));
            for (int r = 0; r < chunkEntries.size(); r++) {
                ms.add(m[r]);
            }
            // sums of log-probability vectors per (head, position label)
            for (int s = 0; s < nS; s++) {
                for (int lbl = 0; lbl < 2; lbl++) {
                    List<Long> sel = new ArrayList<>();
                    for (int r = 0; r < chunkEntries.size(); r++) {
                        if (chunkEntries.get(r).head() == s && chunkEntries.get(r).label() == lbl) {
                            sel.add((long) r);
                        }
                    }
                    if (sel.isEmpty()) {
                        continue;
                    }
                    Tensor pick = Tensors.fromLongs(sel.stream().mapToLong(Long::longValue).toArray(), sel.size())
                            .to(lp.device(), ScalarType.Long);
                    float[] sum = Tensors.toFloats(lp.index_select(0, pick).sum(new long[] {0}, false,
                            new org.bytedeco.pytorch.ScalarTypeOptional()));
                    double[] acc = lpSum[s][lbl];
                    for (int t = 0; t < vocab; t++) {
                        acc[t] += sum[t];
                    }
                }
            }
            for (int r = 0; r < chunkEntries.size(); r++) {
                Entry en = chunkEntries.get(r);
                if (en.prompt() < o.examplePrompts()) {
                    var top = torch.topk(lp.select(0, r), k);
                    details.add(new ValueOutputAnalysis.PositionDetail(en.prompt(), heads.get(en.head()), en.position(),
                            en.label(), en.alpha(), m[r], tokens(model, Tensors.toLongs(top.get1()),
                                    Tensors.toFloats(top.get0()))));
                }
            }
            entries.addAll(chunkEntries);
        });
        List<ValueOutputAnalysis.HeadValueOutputs> perHead = new ArrayList<>();
        for (int s = 0; s < nS; s++) {
            HeadId h = heads.get(s);
            ValueOutputAnalysis.PositionStats[] st = new ValueOutputAnalysis.PositionStats[2];
            for (int lbl = 0; lbl < 2; lbl++) {
                List<Double> all = new ArrayList<>();
                List<Double> fooPred = new ArrayList<>();
                List<Double> barPred = new ArrayList<>();
                List<Double> alphas = new ArrayList<>();
                for (int r = 0; r < entries.size(); r++) {
                    Entry en = entries.get(r);
                    if (en.head() != s || en.label() != lbl) {
                        continue;
                    }
                    double mv = ms.get(r);
                    all.add(mv);
                    alphas.add((double) en.alpha());
                    (predicted[en.prompt()] == 0 ? fooPred : barPred).add(mv);
                }
                double[] mean = new double[vocab];
                for (int t = 0; t < vocab; t++) {
                    mean[t] = all.isEmpty() ? Double.NaN : lpSum[s][lbl][t] / all.size();
                }
                st[lbl] = new ValueOutputAnalysis.PositionStats(all.size(), Stats.nanMean(arr(all)), Stats.nanStd(arr(all)),
                        Stats.nanMean(arr(fooPred)), Stats.nanMean(arr(barPred)), Stats.nanMean(arr(alphas)),
                        all.isEmpty() ? List.of() : top(model, mean, k));
            }
            perHead.add(new ValueOutputAnalysis.HeadValueOutputs(h, set.groupOf(h), st[0], st[1]));
        }
        List<ValueOutputAnalysis.GroupMean> groups = new ArrayList<>();
        for (LabelGroup g : LabelGroup.values()) {
            for (LabelGroup positions : LabelGroup.values()) {
                List<Double> v = new ArrayList<>();
                for (int r = 0; r < entries.size(); r++) {
                    Entry en = entries.get(r);
                    if (set.groupOf(heads.get(en.head())) == g && en.label() == positions.label()) {
                        v.add((double) ms.get(r));
                    }
                }
                if (!v.isEmpty()) {
                    groups.add(new ValueOutputAnalysis.GroupMean(g, positions, v.size(), Stats.nanMean(arr(v))));
                }
            }
        }
        details.sort(java.util.Comparator.comparingInt(ValueOutputAnalysis.PositionDetail::prompt)
                .thenComparing(ValueOutputAnalysis.PositionDetail::head)
                .thenComparingInt(ValueOutputAnalysis.PositionDetail::position));
        return new ValueOutputAnalysis(PromptChecks.words(model, labelIds), o.weightByAttention(), prompts.size(),
                perHead, groups, details);
    }

    private static double[] arr(List<Double> v) {
        return v.stream().mapToDouble(Double::doubleValue).toArray();
    }

    static List<ValueOutputAnalysis.TokenScore> tokens(Model model, long[] ids, float[] values) {
        List<ValueOutputAnalysis.TokenScore> out = new ArrayList<>();
        for (int j = 0; j < ids.length; j++) {
            out.add(new ValueOutputAnalysis.TokenScore(ids[j], io.github.icl4j.TokenTexts.decode(model, ids[j]),
                    values[j]));
        }
        return out;
    }

    /** The {@code k} largest entries of a vector, largest first. */
    static List<ValueOutputAnalysis.TokenScore> top(Model model, double[] v, int k) {
        Integer[] idx = new Integer[v.length];
        Arrays.setAll(idx, j -> j);
        Arrays.sort(idx, (a, b) -> Double.compare(v[b], v[a]));
        long[] ids = new long[k];
        float[] vals = new float[k];
        for (int j = 0; j < k; j++) {
            ids[j] = idx[j];
            vals[j] = (float) v[idx[j]];
        }
        return tokens(model, ids, vals);
    }
}
