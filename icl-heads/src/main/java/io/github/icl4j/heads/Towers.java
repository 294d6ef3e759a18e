package io.github.icl4j.heads;

import io.github.icl4j.stats.Stats;
import io.github.icl4j.HeadId;
import io.github.icl4j.HookPoint;
import io.github.icl4j.IclPrompt;
import io.github.icl4j.LabelProbabilities;
import io.github.icl4j.Model;
import io.github.icl4j.PromptTokens;
import io.github.icl4j.TokenPrompt;
import io.github.icl4j.engine.HeadMath;
import io.github.icl4j.engine.Pass;
import io.github.icl4j.engine.Reads;
import io.github.icl4j.model.ModelConfig;
import io.github.icl4j.runtime.Tensors;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.ScalarTypeOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

/** The two-tower measurements of METHOD §4 and the swap test. */
final class Towers {
    private Towers() {
    }

    /**
     * Prompt {@code source} with its query sentence's tokens replaced by demonstration {@code demo}'s; the swapped
     * prompt's query label is that demonstration's class.
     */
    record Swapped(TokenPrompt prompt, int source, int demo) {
    }

    /**
     * The swapped version of prompt {@code index} (demonstration {@code index mod demos}), or null when the prompt
     * is not laid out demonstrations-then-query or the result would not fit the context.
     */
    static Swapped swap(IclPrompt p, int index, int maxPositions) {
        int n = p.numDemos();
        IclPrompt.Span q = p.querySpan();
        if (n == 0 || q.length() == 0) {
            return null;
        }
        int j = index % n;
        IclPrompt.Span d = p.demoSpans().get(j);
        int maxLabel = 0;
        for (int pos : p.labelPositions()) {
            maxLabel = Math.max(maxLabel, pos);
        }
        if (d.length() == 0 || q.start() <= maxLabel || d.end() > q.start()) {
            return null;
        }
        long[] ids = p.ids();
        int len = ids.length - q.length() + d.length();
        if (len > maxPositions) {
            return null;
        }
        long[] out = new long[len];
        System.arraycopy(ids, 0, out, 0, q.start());
        System.arraycopy(ids, d.start(), out, q.start(), d.length());
        System.arraycopy(ids, q.end(), out, q.start() + d.length(), ids.length - q.end());
        return new Swapped(new TokenPrompt(out, p.labelPositions(), p.demoLabels(), p.labelTokenIds(),
                p.demoLabels()[j]), index, j);
    }

    static double jaccard(long[] ids, IclPrompt.Span a, IclPrompt.Span b) {
        Set<Long> x = new HashSet<>();
        Set<Long> y = new HashSet<>();
        for (int t = a.start(); t < a.end(); t++) {
            x.add(ids[t]);
        }
        for (int t = b.start(); t < b.end(); t++) {
            y.add(ids[t]);
        }
        if (x.isEmpty() && y.isEmpty()) {
            return Double.NaN;
        }
        Set<Long> inter = new HashSet<>(x);
        inter.retainAll(y);
        Set<Long> union = new HashSet<>(x);
        union.addAll(y);
        return (double) inter.size() / union.size();
    }

    static TwoTowersAnalysis analyse(Model model, List<HeadId> heads, Function<HeadId, LabelGroup> groupOf,
            List<IclPrompt> prompts, long[] labelIds, HeadOptions o) {
        ModelConfig c = model.config();
        boolean[] layers = new boolean[c.nLayers()];
        heads.forEach(h -> layers[h.layer()] = true);
        List<TwoTowersAnalysis.TowerRow> rows = new ArrayList<>();
        LabelProbabilities.Row[] base = new LabelProbabilities.Row[prompts.size()];
        int[] read = java.util.stream.IntStream.range(0, c.nLayers()).filter(l -> layers[l]).toArray();
        String[] ln1Names = java.util.Arrays.stream(read).mapToObj(HookPoint::ln1).toArray(String[]::new);
        Pass.over(model, prompts).batchSize(o.batchSize()).sortByLength(true).reusePrefix(false)
                .reads(Reads.none().lastLogits().attentionRows(read).attentionState(read).activations(ln1Names))
                .forEach(chunk -> {
            List<PromptTokens> part = chunk.prompts();
            int[] index = chunk.index();
            int[] last = chunk.last();
            LabelProbabilities.Row[] out = chunk.outcomes(labelIds);
            for (int i = 0; i < part.size(); i++) {
                base[index[i]] = out[i];
                IclPrompt p = (IclPrompt) part.get(i);
                int[] pos = p.labelPositions();
                long[] ids = p.ids();
                double[] jac = new double[pos.length];
                for (int j = 0; j < pos.length; j++) {
                    jac[j] = jaccard(ids, p.querySpan(), p.demoSpans().get(j));
                }
                for (int l = 0; l < c.nLayers(); l++) {
                    if (!layers[l]) {
                        continue;
                    }
                    Tensor rowsL = chunk.attentionRows(l); // [b, h, t]
                    Tensor idx = HeadMath.longs(pos, rowsL);
                    float[] cos = cosines(chunk.activation(HookPoint.ln1(l)).select(0, i), p);
                    Map<String, Tensor> m = Map.of("q", chunk.attentionState(l, "q"), "k", chunk.attentionState(l, "k"),
                            "rot_q", chunk.attentionState(l, "rot_q"), "rot_k", chunk.attentionState(l, "rot_k"));
                    // the block's own q·k factor: 1/sqrt(e), Gemma's query_pre_attn_scalar^-0.5, GPT-2's 1/(l+1)
                    double inv = c.attentionScaleAt(l);
                    for (HeadId h : heads) {
                        if (h.layer() != l) {
                            continue;
                        }
                        int kv = h.head() / c.groupSize();
                        float[] rot = Tensors.toFloats(dots(m.get("rot_q"), m.get("rot_k"), i, last[i], h.head(), kv, idx)
                                .mul(new Scalar(inv)));
                        float[] raw = Tensors.toFloats(dots(m.get("q"), m.get("k"), i, last[i], h.head(), kv, idx)
                                .mul(new Scalar(inv)));
                        float[] alpha = Tensors.toFloats(rowsL.select(0, i).select(0, h.head()).index_select(0, idx));
                        for (int j = 0; j < pos.length; j++) {
                            rows.add(new TwoTowersAnalysis.TowerRow(index[i], h, j, pos[j], p.demoLabels()[j], rot[j],
                                    raw[j], rot[j] - raw[j], alpha[j], cos[j], jac[j]));
                        }
                    }
                }
            }
        });
        rows.sort(java.util.Comparator.comparingInt(TwoTowersAnalysis.TowerRow::prompt)
                .thenComparing(TwoTowersAnalysis.TowerRow::head).thenComparingInt(TwoTowersAnalysis.TowerRow::demo));
        // the swap test
        List<Towers.Swapped> swapped = new ArrayList<>();
        for (int i = 0; i < prompts.size(); i++) {
            Swapped s = swap(prompts.get(i), i, c.maxPositions());
            if (s != null) {
                swapped.add(s);
            }
        }
        int[][] positions = new int[swapped.size()][];
        for (int i = 0; i < positions.length; i++) {
            positions[i] = swapped.get(i).prompt().labelPositions();
        }
        LastRowAttention.Result after = swapped.isEmpty() ? null
                : LastRowAttention.run(model, swapped.stream().map(Swapped::prompt).toList(), layers, positions,
                        labelIds, o.batchSize());
        // predictions in the options' readout: after batch calibration, over the original and over the swapped
        // prompts, each batch on its own (a model that answers " bar" to everything agrees with half the swaps either
        // way in the argmax)
        int[] predicted = o.readout().predictions(new LabelProbabilities(List.of(base)));
        int[] predictedAfter = swapped.isEmpty() ? new int[0]
                : o.readout().predictions(new LabelProbabilities(List.of(after.outcomes())));
        int agree = 0;
        int agreeBase = 0;
        for (int i = 0; i < swapped.size(); i++) {
            Swapped s = swapped.get(i);
            int want = s.prompt().demoLabels()[s.demo()];
            agree += predictedAfter[i] == want ? 1 : 0;
            agreeBase += predicted[s.source()] == want ? 1 : 0;
        }
        List<TwoTowersAnalysis.HeadTowers> summaries = new ArrayList<>();
        for (HeadId h : heads) {
            List<TwoTowersAnalysis.TowerRow> hr = rows.stream().filter(r -> r.head().equals(h)).toList();
            double[] score = hr.stream().mapToDouble(TwoTowersAnalysis.TowerRow::score).toArray();
            double[] content = hr.stream().mapToDouble(TwoTowersAnalysis.TowerRow::content).toArray();
            double[] positional = hr.stream().mapToDouble(TwoTowersAnalysis.TowerRow::positional).toArray();
            summaries.add(new TwoTowersAnalysis.HeadTowers(h, groupOf.apply(h), Stats.nanMean(score), Stats.nanMean(content),
                    Stats.nanMean(positional),
                    correlation(hr, TwoTowersAnalysis.TowerRow::score, TwoTowersAnalysis.TowerRow::cosine),
                    correlation(hr, TwoTowersAnalysis.TowerRow::score, TwoTowersAnalysis.TowerRow::jaccard),
                    correlation(hr, TwoTowersAnalysis.TowerRow::content, TwoTowersAnalysis.TowerRow::cosine),
                    correlation(hr, TwoTowersAnalysis.TowerRow::content, TwoTowersAnalysis.TowerRow::jaccard),
                    swapStats(h, hr, swapped, after)));
        }
        return new TwoTowersAnalysis(c.hasRotary(), prompts.size(), summaries, rows, swapped.size(),
                swapped.isEmpty() ? Double.NaN : (double) agree / swapped.size(),
                swapped.isEmpty() ? Double.NaN : (double) agreeBase / swapped.size());
    }

    /** {@code q[i, last, h] · k[i, P, kv]}: {@code [P]} fp32. */
    private static Tensor dots(Tensor q, Tensor k, int i, int last, int h, int kv, Tensor idx) {
        Tensor qv = q.select(0, i).select(0, last).select(0, h).to(ScalarType.Float); // [e]
        Tensor kp = k.select(0, i).index_select(0, idx).select(1, kv).to(ScalarType.Float); // [P, e]
        return kp.matmul(qv);
    }

    /**
     * Centred cosine of the mean ln1 output over the query sentence and over each demonstration sentence: the mean
     * of those sentence vectors is taken out first, so the direction every sentence of the prompt shares (which
     * puts every raw cosine near 1) does not hide which demonstrations resemble the query.
     */
    private static float[] cosines(Tensor x, IclPrompt p) {
        Tensor xf = x.to(ScalarType.Float); // [s, d]
        IclPrompt.Span q = p.querySpan();
        float[] out = new float[p.numDemos()];
        if (q.length() == 0) {
            java.util.Arrays.fill(out, Float.NaN);
            return out;
        }
        Tensor qf = mean(xf, q);
        List<Tensor> sentences = new ArrayList<>();
        sentences.add(qf);
        for (IclPrompt.Span d : p.demoSpans()) {
            if (d.length() > 0) {
                sentences.add(mean(xf, d));
            }
        }
        Tensor centre = torch.stack(new TensorVector(sentences.toArray(new Tensor[0])), 0)
                .mean(new long[] {0}, false, new ScalarTypeOptional()); // [d]
        List<Tensor> demos = new ArrayList<>();
        for (IclPrompt.Span d : p.demoSpans()) {
            demos.add(d.length() == 0 ? torch.zeros_like(qf) : mean(xf, d).sub(centre));
        }
        Tensor dm = torch.stack(new TensorVector(demos.toArray(new Tensor[0])), 0); // [P, d]
        float[] cos = Tensors.toFloats(torch.cosine_similarity(dm, qf.sub(centre).unsqueeze(0), 1, 1e-8));
        for (int j = 0; j < out.length; j++) {
            out[j] = p.demoSpans().get(j).length() == 0 ? Float.NaN : cos[j];
        }
        return out;
    }

    private static Tensor mean(Tensor x, IclPrompt.Span s) {
        return Tensors.slice(x, 0, s.start(), s.end()).mean(new long[] {0}, false, new ScalarTypeOptional());
    }

    private static TwoTowersAnalysis.Correlation correlation(List<TwoTowersAnalysis.TowerRow> rows,
            java.util.function.ToDoubleFunction<TwoTowersAnalysis.TowerRow> a,
            java.util.function.ToDoubleFunction<TwoTowersAnalysis.TowerRow> b) {
        List<TwoTowersAnalysis.TowerRow> ok = rows.stream()
                .filter(r -> !Double.isNaN(a.applyAsDouble(r)) && !Double.isNaN(b.applyAsDouble(r))).toList();
        double[] x = ok.stream().mapToDouble(a).toArray();
        double[] y = ok.stream().mapToDouble(b).toArray();
        Map<Integer, List<TwoTowersAnalysis.TowerRow>> byPrompt = new TreeMap<>();
        ok.forEach(r -> byPrompt.computeIfAbsent(r.prompt(), k -> new ArrayList<>()).add(r));
        List<Double> rp = new ArrayList<>();
        List<Double> rs = new ArrayList<>();
        for (List<TwoTowersAnalysis.TowerRow> pr : byPrompt.values()) {
            if (pr.size() < 3) {
                continue;
            }
            double[] px = pr.stream().mapToDouble(a).toArray();
            double[] py = pr.stream().mapToDouble(b).toArray();
            double p = Stats.pearson(px, py);
            double s = Stats.spearman(px, py);
            if (!Double.isNaN(p) && !Double.isNaN(s)) {
                rp.add(p);
                rs.add(s);
            }
        }
        return new TwoTowersAnalysis.Correlation(x.length, Stats.pearson(x, y), Stats.spearman(x, y), rp.size(),
                Stats.nanMean(rp.stream().mapToDouble(Double::doubleValue).toArray()),
                Stats.nanMean(rs.stream().mapToDouble(Double::doubleValue).toArray()));
    }

    private static TwoTowersAnalysis.Swap swapStats(HeadId h, List<TwoTowersAnalysis.TowerRow> hr,
            List<Swapped> swapped, LastRowAttention.Result after) {
        if (swapped.isEmpty()) {
            return new TwoTowersAnalysis.Swap(0, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
        }
        Map<Integer, List<TwoTowersAnalysis.TowerRow>> byPrompt = new TreeMap<>();
        hr.forEach(r -> byPrompt.computeIfAbsent(r.prompt(), k -> new ArrayList<>()).add(r));
        double before = 0;
        double aft = 0;
        int topBefore = 0;
        int topAfter = 0;
        for (int i = 0; i < swapped.size(); i++) {
            Swapped s = swapped.get(i);
            List<TwoTowersAnalysis.TowerRow> pr = byPrompt.get(s.source());
            double b = pr.get(s.demo()).attention();
            boolean tb = pr.stream().allMatch(r -> r.attention() <= b);
            float[] w = after.weights()[i][h.layer()][h.head()];
            double a = w[s.demo()];
            boolean ta = true;
            for (float v : w) {
                ta &= v <= a;
            }
            before += b;
            aft += a;
            topBefore += tb ? 1 : 0;
            topAfter += ta ? 1 : 0;
        }
        int n = swapped.size();
        return new TwoTowersAnalysis.Swap(n, before / n, aft / n, (aft - before) / n, (double) topBefore / n,
                (double) topAfter / n);
    }
}
