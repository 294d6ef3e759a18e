package io.github.icl4j.bias;

import io.github.icl4j.HeadId;
import io.github.icl4j.LabelProbabilities;
import io.github.icl4j.Model;
import io.github.icl4j.OptionChecks;
import io.github.icl4j.PromptTokens;
import io.github.icl4j.engine.Forward;
import io.github.icl4j.engine.HeadMath;
import io.github.icl4j.engine.Reads;
import io.github.icl4j.model.LayerWeights;
import io.github.icl4j.model.ModelConfig;
import io.github.icl4j.runtime.Tensors;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.ScalarTypeOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * The majority-label fix of METHOD.md §5: at each prompt's last position, add
 * {@code a · Σ_{heads} Σ_{p ∈ minority positions} α_p · vo_p} to the final residual just before the final norm,
 * where {@code α_p} is the head's attention from the last position to label position {@code p},
 * {@code vo_p = v_p · W_O^h} the head's value at {@code p} through its slice of the output projection
 * (grouped-query attention: head {@code h} reads key/value head {@code h / (nHeads / nKvHeads)}), and
 * {@code a = a_c · n_majority / n_minority}.
 *
 * <p>With more than two classes every class with fewer demonstrations than the largest one is a minority and gets
 * its own {@code a = a_c · n_max / n_c}; for the binary tasks of the method this is exactly the formula above.
 * A balanced prompt has no minority: the fix changes nothing.
 *
 * <pre>{@code
 * MajorityLabelFix fix = MajorityLabelFix.of(model, heads).ac(0.03);
 * LabelProbabilities fixed = fix.labelProbabilities(prompts);   // prompts built from imbalanced demonstrations
 * float[][] added = fix.boostVectors(prompts);                  // what was added to each final residual
 * }</pre>
 *
 * <p>One forward pass per batch reads each in-context head's values ({@code hook_v}), its attention row at the
 * last position ({@code hook_pattern}) and the final residual ({@code blocks.(n-1).hook_resid_post}); the fix is
 * then applied by re-running only the final norm and unembedding on {@code residual + vector}. This is exact —
 * nothing after the final residual reads the last position but the unembedding — and lets many values of a_c
 * share one forward pass ({@link #tuneAc}). The result equals
 * {@code Probe.on(model).prompt(p).addToResidual(nLayers, Probe.LAST, vector)} (checked in the tests).
 * Immutable; every native tensor lives in a {@code PointerScope} per batch, results are Java arrays.
 */
public final class MajorityLabelFix {
    private final Model model;
    private final List<HeadId> heads;
    private final Map<Integer, int[]> byLayer;
    private final double ac;
    private final int batchSize;

    private MajorityLabelFix(Model model, List<HeadId> heads, Map<Integer, int[]> byLayer, double ac,
            int batchSize) {
        this.model = model;
        this.heads = heads;
        this.byLayer = byLayer;
        this.ac = ac;
        this.batchSize = batchSize;
    }

    /**
     * The fix over the given in-context heads, with a_c = 0.03.
     *
     * @throws IllegalArgumentException for a null model, no heads (the fix needs at least one), or a head outside
     *                                  the model (naming it and the valid range)
     */
    public static MajorityLabelFix of(Model model, Collection<HeadId> heads) {
        OptionChecks.nonNull("model", model);
        ModelConfig c = model.config();
        List<HeadId> hs = checkHeads(heads, c, "the majority-label fix");
        Map<Integer, TreeSet<Integer>> m = new TreeMap<>();
        for (HeadId h : hs) {
            m.computeIfAbsent(h.layer(), k -> new TreeSet<>()).add(h.head());
        }
        Map<Integer, int[]> byLayer = new TreeMap<>();
        m.forEach((l, s) -> byLayer.put(l, s.stream().mapToInt(Integer::intValue).toArray()));
        return new MajorityLabelFix(model, hs, byLayer, BiasOptions.defaults().ac(), 8);
    }

    /** Validates a head set: non-empty, inside the model; returns it sorted and without repeats. */
    static List<HeadId> checkHeads(Collection<HeadId> heads, ModelConfig c, String what) {
        if (heads == null || heads.isEmpty()) {
            throw new IllegalArgumentException(what + " needs at least one in-context head; got "
                    + (heads == null ? "null" : "none") + " (range: 1 to " + c.totalHeads() + " heads of L0H0.."
                    + "L" + (c.nLayers() - 1) + "H" + (c.nHeads() - 1) + ")");
        }
        for (HeadId h : heads) {
            h.checkIn(c.nLayers(), c.nHeads());
        }
        return List.copyOf(new TreeSet<>(heads));
    }

    /**
     * With this a_c.
     *
     * @throws IllegalArgumentException for a negative or non-finite value
     */
    public MajorityLabelFix ac(double v) {
        if (!(v >= 0) || Double.isInfinite(v)) {
            throw new IllegalArgumentException("a_c " + v + " out of range [0, +inf)");
        }
        return new MajorityLabelFix(model, heads, byLayer, v, batchSize);
    }

    /**
     * Prompts per forward pass (default 8).
     *
     * @throws IllegalArgumentException for a size below 1
     */
    public MajorityLabelFix batchSize(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("batch size " + n + " out of range [1, +inf)");
        }
        return new MajorityLabelFix(model, heads, byLayer, ac, n);
    }

    /** The a_c in use. */
    public double ac() {
        return ac;
    }

    /** The in-context heads, sorted. */
    public List<HeadId> heads() {
        return heads;
    }

    /**
     * The scale {@code a = a_c · n_max / n_c} of class {@code cls} in a demonstration set with these counts per
     * class; 0 when the class is not a minority (it has as many demonstrations as the largest class, or none).
     *
     * @throws IllegalArgumentException for a class outside {@code [0, counts.length)} or a negative count
     */
    public static double scale(double ac, int[] counts, int cls) {
        if (cls < 0 || cls >= counts.length) {
            throw new IllegalArgumentException("class " + cls + " out of range [0, " + counts.length + ")");
        }
        int max = 0;
        for (int n : counts) {
            if (n < 0) {
                throw new IllegalArgumentException("count " + n + " out of range [0, +inf)");
            }
            max = Math.max(max, n);
        }
        int n = counts[cls];
        return n == 0 || n == max ? 0 : ac * max / n;
    }

    /**
     * For each prompt, {@code Σ_{heads} Σ_{p ∈ positions[i]} α_p · vo_p} at its last position: the unscaled
     * direction the fix adds, for any chosen positions.
     *
     * @param prompts   the prompts
     * @param positions for each prompt, the key positions to sum over (each in {@code [0, lastPosition]})
     * @return {@code [prompt][dModel]}
     * @throws IllegalArgumentException when the counts differ or a position is out of range
     */
    public float[][] weightedValueOutputs(List<? extends PromptTokens> prompts, int[][] positions) {
        checkPrompts(prompts, false);
        if (positions.length != prompts.size()) {
            throw new IllegalArgumentException(positions.length + " position lists for " + prompts.size()
                    + " prompts; need one per prompt");
        }
        int[][][] groups = new int[prompts.size()][][];
        for (int i = 0; i < groups.length; i++) {
            groups[i] = new int[][] {positions[i].clone()};
        }
        Pass pass = run(prompts, groups);
        float[][] out = new float[prompts.size()][];
        for (int i = 0; i < out.length; i++) {
            out[i] = pass.vo[i][0];
        }
        return out;
    }

    /**
     * The vector the fix adds to each prompt's final residual at its last position (zero for balanced prompts).
     *
     * @throws IllegalArgumentException for prompts without demonstration labels or label token ids
     */
    public float[][] boostVectors(List<? extends PromptTokens> prompts) {
        List<State> states = states(prompts);
        float[][] out = new float[states.size()][];
        for (int i = 0; i < out.length; i++) {
            out[i] = states.get(i).boost(ac);
        }
        return out;
    }

    /**
     * Label-word probabilities with the fix applied.
     *
     * @throws IllegalArgumentException for prompts without demonstration labels or label token ids
     */
    public LabelProbabilities labelProbabilities(List<? extends PromptTokens> prompts) {
        return apply(states(prompts), ac);
    }

    /**
     * Tunes a_c on validation prompts (never the test prompts) built from imbalanced demonstrations: the grid
     * value with the highest accuracy (ties: the smaller a_c). One forward pass serves the whole grid. For the
     * fluctuation objective over balanced and less-one sets use {@link BiasStudy#tuneAc}.
     *
     * @throws IllegalArgumentException for an empty grid, a negative grid value, or prompts without gold labels
     */
    public AcTuning tuneAc(List<? extends PromptTokens> validation, double... grid) {
        double[] g = AcTuning.checkGrid(grid);
        List<State> states = states(validation);
        double[] acc = new double[g.length];
        for (int j = 0; j < g.length; j++) {
            acc[j] = apply(states, g[j]).accuracy();
        }
        double[] fl = new double[g.length];
        Arrays.fill(fl, Double.NaN);
        return AcTuning.of(g, fl, acc, BiasOptions.AcObjective.ACCURACY, validation.size() + " validation prompts");
    }

    // ------------------------------------------------------------------ package-private engine

    /**
     * One prompt after the forward pass: everything the fix needs for any a_c.
     *
     * @param residual final residual at the last position, before the final norm
     * @param byClass  {@code Σ_heads Σ_{p of class c} α_p vo_p}, per class
     * @param counts   demonstrations per class
     * @param labelIds token id of each class's label word
     * @param gold     gold class or -1
     */
    record State(float[] residual, float[][] byClass, int[] counts, long[] labelIds, int gold) {
        float[] boost(double ac) {
            float[] v = new float[residual.length];
            for (int c = 0; c < byClass.length; c++) {
                double a = scale(ac, counts, c);
                if (a != 0) {
                    for (int j = 0; j < v.length; j++) {
                        v[j] += (float) (a * byClass[c][j]);
                    }
                }
            }
            return v;
        }
    }

    /** One forward pass per batch; label positions grouped by class. */
    List<State> states(List<? extends PromptTokens> prompts) {
        checkPrompts(prompts, true);
        int[][][] groups = new int[prompts.size()][][];
        int[][] counts = new int[prompts.size()][];
        for (int i = 0; i < groups.length; i++) {
            PromptTokens p = prompts.get(i);
            int k = p.labelTokenIds().length;
            int[] pos = p.labelPositions();
            int[] labels = p.demoLabels();
            counts[i] = new int[k];
            List<List<Integer>> byClass = new ArrayList<>();
            for (int c = 0; c < k; c++) {
                byClass.add(new ArrayList<>());
            }
            for (int j = 0; j < pos.length; j++) {
                if (labels[j] < 0 || labels[j] >= k) {
                    throw new IllegalArgumentException("prompt " + i + ": demonstration " + j + " has label "
                            + labels[j] + ", out of range [0, " + k + ")");
                }
                counts[i][labels[j]]++;
                byClass.get(labels[j]).add(pos[j]);
            }
            groups[i] = new int[k][];
            for (int c = 0; c < k; c++) {
                // only minority classes are ever scaled by a non-zero a; skip the others' work
                groups[i][c] = scale(1.0, counts[i], c) == 0 ? new int[0]
                        : byClass.get(c).stream().mapToInt(Integer::intValue).toArray();
            }
        }
        Pass pass = run(prompts, groups);
        List<State> out = new ArrayList<>(prompts.size());
        for (int i = 0; i < groups.length; i++) {
            PromptTokens p = prompts.get(i);
            out.add(new State(pass.residual[i], pass.vo[i], counts[i], p.labelTokenIds(), p.queryLabel()));
        }
        return out;
    }

    /** Label probabilities of the states with the fix at this a_c (a_c = 0: the model's own). */
    LabelProbabilities apply(List<State> states, double acValue) {
        ModelConfig c = model.config();
        int d = c.dModel();
        LabelProbabilities.Row[] rows = new LabelProbabilities.Row[states.size()];
        int chunk = Math.max(1, Math.min(64, batchSize * 4));
        for (int start = 0; start < states.size(); start += chunk) {
            int m = Math.min(chunk, states.size() - start);
            float[] flat = new float[m * d];
            for (int i = 0; i < m; i++) {
                State s = states.get(start + i);
                float[] x = s.residual();
                float[] b = acValue == 0 ? null : s.boost(acValue);
                for (int j = 0; j < d; j++) {
                    flat[i * d + j] = b == null ? x[j] : x[j] + b[j];
                }
            }
            try (PointerScope scope = new PointerScope()) {
                Tensor x = Tensors.fromFloats(flat, m, d); // [m, d]
                Tensor logits = Forward.unembedFinalResidual(model, x); // [m, vocab]
                for (int i = 0; i < m; i++) {
                    rows[start + i] = row(states.get(start + i), logits.select(0, i));
                }
            }
        }
        return new LabelProbabilities(Arrays.asList(rows));
    }

    /** As the Probe builds a row: full-vocabulary softmax, label words renormalised, both predictions. */
    private static LabelProbabilities.Row row(State s, Tensor logits) {
        return LabelProbabilities.Row.fromLogits(logits, s.labelIds(), s.gold());
    }

    private record Pass(float[][] residual, float[][][] vo) {
    }

    private void checkPrompts(List<? extends PromptTokens> prompts, boolean needLabels) {
        if (prompts == null || prompts.isEmpty()) {
            throw new IllegalArgumentException("the majority-label fix needs at least one prompt; got none");
        }
        for (int i = 0; i < prompts.size(); i++) {
            PromptTokens p = prompts.get(i);
            if (needLabels && p.labelTokenIds().length < 2) {
                throw new IllegalArgumentException("prompt " + i + " has " + p.labelTokenIds().length
                        + " label token ids; the fix needs one per class (>= 2)");
            }
            if (p.demoLabels().length != p.labelPositions().length) {
                throw new IllegalArgumentException("prompt " + i + " has " + p.labelPositions().length
                        + " label positions but " + p.demoLabels().length + " demonstration labels");
            }
        }
    }

    /**
     * The forward pass: for every prompt its final residual at the last position and, for every group of
     * positions, {@code Σ_heads Σ_{p in group} α_p vo_p}.
     */
    private Pass run(List<? extends PromptTokens> prompts, int[][][] groups) {
        if (model.isClosed()) {
            throw new IllegalStateException("model " + model.source() + " is closed");
        }
        ModelConfig c = model.config();
        int d = c.dModel();
        int e = c.dHead();
        int group = c.groupSize();
        int nLayers = c.nLayers();
        float[][] residual = new float[prompts.size()][];
        float[][][] vo = new float[prompts.size()][][];
        for (int p = 0; p < prompts.size(); p++) {
            PromptTokens pt = prompts.get(p);
            int last = pt.lastPosition();
            int len = pt.tokenIds().length;
            if (last < 0 || last >= len) {
                throw new IllegalArgumentException("prompt " + p + ": last position " + last + " out of range [0, "
                        + len + ")");
            }
            for (int[] gr : groups[p]) {
                for (int pos : gr) {
                    if (pos < 0 || pos > last) {
                        throw new IllegalArgumentException("prompt " + p + ": position " + pos + " out of range [0, "
                                + last + "] (the last position)");
                    }
                }
            }
        }
        int[] layers = byLayer.keySet().stream().mapToInt(Integer::intValue).toArray();
        // one pass per batch reads each head layer's attention rows and values and the final residual
        io.github.icl4j.engine.Pass.over(model, prompts).batchSize(batchSize).reusePrefix(false)
                .reads(Reads.none().attentionRows(layers).attentionState(layers).residuals(nLayers)).forEach(chunk -> {
                    int b = chunk.size();
                    double[][][] acc = new double[b][][];
                    for (int i = 0; i < b; i++) {
                        acc[i] = new double[groups[chunk.index(i)].length][d];
                    }
                    for (Map.Entry<Integer, int[]> en : byLayer.entrySet()) {
                        int layer = en.getKey();
                        LayerWeights lw = model.transformer().weights().layers().get(layer);
                        Tensor rows = chunk.attentionRows(layer); // [b, h, t]
                        Tensor v = chunk.attentionState(layer, "v"); // [b, t, kv, e]
                        Map<Integer, Tensor> woh = new HashMap<>();
                        for (int h : en.getValue()) {
                            woh.put(h, lw.wO().narrow(1, (long) h * e, e).to(ScalarType.Float)); // W_O^h [d, e]
                        }
                        for (int i = 0; i < b; i++) {
                            int[][] gs = groups[chunk.index(i)];
                            for (int gi = 0; gi < gs.length; gi++) {
                                if (gs[gi].length == 0) {
                                    continue;
                                }
                                Tensor idx = HeadMath.longs(gs[gi], rows);
                                Tensor sum = null; // Σ over this layer's heads, [1, d]
                                for (int h : en.getValue()) {
                                    Tensor out = HeadMath.weightedValueSum(rows, v, i, idx, h, group, woh.get(h));
                                    sum = sum == null ? out : sum.add(out);
                                }
                                // through the post-attention norm with the real scale at the last position, where
                                // the model has one (the frozen-scale rule; linear, so summing first is exact)
                                float[] out = Tensors.toFloats(chunk.toResidual(layer, i, sum));
                                for (int j = 0; j < d; j++) {
                                    acc[i][gi][j] += out[j];
                                }
                            }
                        }
                    }
                    Tensor fin = chunk.residual(nLayers); // [b, d]
                    for (int i = 0; i < b; i++) {
                        int p = chunk.index(i);
                        residual[p] = Tensors.toFloats(fin.select(0, i));
                        vo[p] = new float[acc[i].length][d];
                        for (int gi = 0; gi < acc[i].length; gi++) {
                            for (int j = 0; j < d; j++) {
                                vo[p][gi][j] = (float) acc[i][gi][j];
                            }
                        }
                    }
                });
        return new Pass(residual, vo);
    }

    @Override
    public String toString() {
        return "MajorityLabelFix[a_c " + ac + ", heads " + heads + "]";
    }
}
