package io.github.icl4j.heads;

import io.github.icl4j.HeadId;
import io.github.icl4j.HookPoint;
import io.github.icl4j.Hooks;
import io.github.icl4j.LabelProbabilities;
import io.github.icl4j.Model;
import io.github.icl4j.PromptTokens;
import io.github.icl4j.model.ModelConfig;
import io.github.icl4j.model.Transformer;
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
 * query head {@code h} reads value head {@code h / (nHeads / nKvHeads)}). Under a post-attention norm (Gemma 2/3)
 * each vector goes through that norm with the real forward's scale at the reading position
 * ({@code Transformer#throughAttentionPostNorm}, the frozen-scale rule).
 */
final class ValueOutputs {
    private ValueOutputs() {
    }

    /**
     * The vectors of head {@code h} of batch row {@code i} at {@code positions}: {@code [P, d]} fp32.
     *
     * @param pattern {@code [b, h, s, t]} attention probabilities
     * @param v       {@code [b, t, kv, e]} values
     * @param wo      {@code [d, h*e]} the layer's output projection
     */
    static Tensor vectors(Tensor pattern, Tensor v, int i, int last, Tensor positions, int h, ModelConfig c, Tensor wo,
            boolean weighted) {
        int e = c.dHead();
        Tensor vh = v.select(0, i).select(1, h / c.groupSize()).index_select(0, positions).to(ScalarType.Float); // [P, e]
        Tensor woh = Tensors.slice(wo, 1, (long) h * e, (long) (h + 1) * e).to(ScalarType.Float); // [d, e]
        Tensor vo = vh.matmul(woh.t()); // [P, d]
        if (!weighted) {
            return vo;
        }
        Tensor alpha = pattern.select(0, i).select(0, h).select(0, last).index_select(0, positions)
                .to(ScalarType.Float); // [P]
        return vo.mul(alpha.unsqueeze(1));
    }

    static Tensor longs(int[] v, Tensor like) {
        long[] l = new long[v.length];
        for (int j = 0; j < v.length; j++) {
            l[j] = v[j];
        }
        return Tensors.fromLongs(l, l.length).to(like.device(), ScalarType.Long);
    }

    /** The weighted vectors of one head at every position {@code 0..last} of one prompt: {@code [last + 1][d]}. */
    static float[][] allPositions(Model model, PromptTokens prompt, HeadId head, boolean weighted) {
        ModelConfig c = model.config();
        head.checkIn(c.nLayers(), c.nHeads());
        float[][][] out = new float[1][][];
        Transformer tf = model.transformer();
        int layer = head.layer();
        Tensor wo = tf.weights().layers().get(layer).wO();
        Passes.chunks(List.of(prompt), 1, (index, part, batch, last) -> {
            Tensor[] x = new Tensor[1];
            Tensor[] scale = new Tensor[1];
            Hooks.Builder hb = Hooks.builder().add(HookPoint.pattern(layer), (pattern, ctx) -> {
                int[] all = new int[last[0] + 1];
                Arrays.setAll(all, j -> j);
                x[0] = vectors(pattern, ctx.get("v"), 0, last[0], longs(all, pattern), head.head(), c, wo, weighted);
                return null;
            });
            if (tf.weights().layers().get(layer).postAttnNormW() != null) {
                hb.add(HookPoint.ln1PostScale(layer), (sc, ctx) -> {
                    scale[0] = sc.select(0, 0).select(0, last[0]); // [1]: the scale at the reading position
                    return null;
                });
            }
            Passes.hidden(model, tf, batch, hb.build());
            float[] f = Tensors.toFloats(tf.throughAttentionPostNorm(layer, x[0], scale[0]));
            float[][] rows = new float[last[0] + 1][c.dModel()];
            for (int j = 0; j < rows.length; j++) {
                System.arraycopy(f, j * c.dModel(), rows[j], 0, c.dModel());
            }
            out[0] = rows;
        });
        return out[0];
    }

    /** One vector read: which prompt, head (index into the head list), position and label. */
    private record Entry(int prompt, int head, int position, int label, float alpha) {
    }

    static ValueOutputAnalysis analyse(Model model, InContextHeadSet set, List<? extends PromptTokens> prompts,
            long[] labelIds, HeadOptions o) {
        ModelConfig c = model.config();
        Transformer tf = model.transformer();
        List<HeadId> heads = set.heads();
        int nS = heads.size();
        int vocab = c.vocabSize();
        int k = Math.min(o.topTokens(), vocab);
        double[][][] lpSum = new double[nS][2][vocab];
        List<Entry> entries = new ArrayList<>();
        List<Float> ms = new ArrayList<>();
        int[] predicted = new int[prompts.size()];
        List<ValueOutputAnalysis.PositionDetail> details = new ArrayList<>();
        Passes.chunks(prompts, o.batchSize(), (index, part, batch, last) -> {
            List<Tensor> vecs = new ArrayList<>();
            List<int[]> vecLayerPrompt = new ArrayList<>(); // {layer, prompt in chunk} of each vecs entry
            List<Entry> chunkEntries = new ArrayList<>();
            List<Long> rowPrompt = new ArrayList<>();
            Tensor[] fin = new Tensor[1];
            Hooks.Builder hb = Hooks.builder();
            for (int l = 0; l < c.nLayers(); l++) {
                int layer = l;
                if (heads.stream().noneMatch(h -> h.layer() == layer)) {
                    continue;
                }
                Tensor wo = model.transformer().weights().layers().get(l).wO();
                hb.add(HookPoint.pattern(l), (pattern, ctx) -> {
                    for (int i = 0; i < part.size(); i++) {
                        PromptTokens p = part.get(i);
                        int[] pos = p.labelPositions();
                        int[] labels = p.demoLabels();
                        Tensor idx = longs(pos, pattern);
                        for (int s = 0; s < nS; s++) {
                            HeadId h = heads.get(s);
                            if (h.layer() != layer) {
                                continue;
                            }
                            vecs.add(vectors(pattern, ctx.get("v"), i, last[i], idx, h.head(), c, wo, o.weightByAttention()));
                            vecLayerPrompt.add(new int[] {layer, i});
                            float[] alpha = Tensors.toFloats(pattern.select(0, i).select(0, h.head()).select(0, last[i])
                                    .index_select(0, idx));
                            for (int j = 0; j < pos.length; j++) {
                                chunkEntries.add(new Entry(index[i], s, pos[j], labels[j], alpha[j]));
                                rowPrompt.add((long) i);
                            }
                        }
                    }
                    return null;
                });
                if (tf.weights().layers().get(l).postAttnNormW() != null) {
                    // the vectors reach the residual at the reading position through the post-attention norm,
                    // with the real forward's scale there (the frozen-scale rule)
                    hb.add(HookPoint.ln1PostScale(l), (scale, ctx) -> {
                        for (int r = 0; r < vecs.size(); r++) {
                            int[] lp = vecLayerPrompt.get(r);
                            if (lp[0] == layer) {
                                vecs.set(r, tf.throughAttentionPostNorm(layer, vecs.get(r),
                                        scale.select(0, lp[1]).select(0, last[lp[1]]))); // [1]
                            }
                        }
                        return null;
                    });
                }
            }
            hb.add(HookPoint.residPost(c.nLayers() - 1), (x, ctx) -> {
                fin[0] = Passes.lastRows(x, last);
                return null;
            });
            Tensor hidden = Passes.hidden(model, model.transformer(), batch, hb.build());
            int[] gold = part.stream().mapToInt(PromptTokens::queryLabel).toArray();
            LabelProbabilities.Row[] out = Passes.outcomes(Passes.lastLogits(model, hidden, last), labelIds, gold);
            for (int i = 0; i < out.length; i++) {
                predicted[index[i]] = out[i].predicted();
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
                st[lbl] = new ValueOutputAnalysis.PositionStats(all.size(), Arr.mean(arr(all)), Arr.std(arr(all)),
                        Arr.mean(arr(fooPred)), Arr.mean(arr(barPred)), Arr.mean(arr(alphas)),
                        all.isEmpty() ? List.of() : top(model, mean, k));
            }
            perHead.add(new ValueOutputAnalysis.HeadValueOutputs(h, set.groupOf(h) == 0 ? "foo" : "bar", st[0], st[1]));
        }
        List<ValueOutputAnalysis.GroupMean> groups = new ArrayList<>();
        String[] gName = {"foo heads", "bar heads"};
        String[] pName = {"foo positions", "bar positions"};
        for (int g = 0; g < 2; g++) {
            for (int lbl = 0; lbl < 2; lbl++) {
                List<Double> v = new ArrayList<>();
                for (int r = 0; r < entries.size(); r++) {
                    Entry en = entries.get(r);
                    if (set.groupOf(heads.get(en.head())) == g && en.label() == lbl) {
                        v.add((double) ms.get(r));
                    }
                }
                if (!v.isEmpty()) {
                    groups.add(new ValueOutputAnalysis.GroupMean(gName[g], pName[lbl], v.size(), Arr.mean(arr(v))));
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
            out.add(new ValueOutputAnalysis.TokenScore(ids[j], PromptChecks.decode(model, ids[j]), values[j]));
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
