package io.github.icl4j.engine;

import io.github.icl4j.HeadId;
import io.github.icl4j.HookFn;
import io.github.icl4j.HookPoint;
import io.github.icl4j.Hooks;
import io.github.icl4j.Model;
import io.github.icl4j.Patch;
import io.github.icl4j.PromptTokens;
import io.github.icl4j.model.ModelConfig;
import io.github.icl4j.runtime.Tensors;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * The named interventions of a {@link Pass} (what {@code Probe}'s steps build): head patches at {@code hook_z},
 * attention knock-outs, rotary-free attention scores, additions to the residual stream and custom hooks. Each
 * touches only the rows and positions it names; arguments are validated by the caller ({@code Probe}).
 */
public final class Interventions {
    /** Position argument meaning "each prompt's last position". */
    public static final int LAST = -1;

    private Interventions() {
    }

    /** Applies {@code patch} to these heads' {@code hook_z} (layer to head indices). */
    public static Intervention patchHeads(Map<Integer, int[]> heads, Patch patch) {
        return new HeadPatch(heads, patch);
    }

    /** Knocks out attention to {@code positions} in these heads, masking scores ({@code renormalise}) or pattern. */
    public static Intervention knockAttention(Map<Integer, int[]> heads, int[] positions, boolean renormalise) {
        return new Knock(heads, positions.clone(), renormalise);
    }

    /** Attention scores from unrotated queries and keys in these heads, at the last position or every one. */
    public static Intervention withoutRotary(Map<Integer, int[]> heads, boolean allPositions) {
        return new NoRotary(heads, allPositions, null, 1);
    }

    /**
     * Attention scores moved from the rotated {@code s_rot} towards the unrotated {@code s_plain} in these heads:
     * {@code (1 − strength) · s_rot + strength · s_plain} (strength 1: the unrotated score), at the last position or
     * every one, at every key or only at each prompt's {@code keys}.
     *
     * @param keys     per prompt (the pass's input order) the absolute key positions to change; null for every key
     * @param strength in [0, 1], checked by the caller
     */
    public static Intervention withoutRotary(Map<Integer, int[]> heads, boolean allPositions, int[][] keys,
            double strength) {
        return new NoRotary(heads, allPositions, keys == null ? null : keys.clone(), strength);
    }

    /** Adds {@code vector} to the residual entering {@code layer} ({@code nLayers}: the final residual). */
    public static Intervention addToResidual(int layer, int position, float[] vector) {
        return new AddResidual(layer, position, vector.clone());
    }

    /** Any hook function; it sees whole sequences (no prefix reuse). */
    public static Intervention hook(String hookName, HookFn fn) {
        return new Intervention() {
            @Override
            public void install(Hooks.Builder b, Target chunk, Model m) {
                b.add(hookName, fn);
            }

            @Override
            public boolean needsWholeSequence() {
                return true;
            }
        };
    }

    /** Heads grouped by layer, sorted, without repeats, each checked against the model. */
    public static Map<Integer, int[]> byLayer(Collection<HeadId> heads, ModelConfig c) {
        if (heads == null) {
            throw new IllegalArgumentException("heads must not be null");
        }
        Map<Integer, TreeSet<Integer>> m = new TreeMap<>();
        for (HeadId h : heads) {
            h.checkIn(c.nLayers(), c.nHeads());
            m.computeIfAbsent(h.layer(), k -> new TreeSet<>()).add(h.head());
        }
        Map<Integer, int[]> out = new TreeMap<>();
        m.forEach((l, hs) -> out.put(l, hs.stream().mapToInt(Integer::intValue).toArray()));
        return out;
    }

    /** Local index in this forward of absolute position {@code p}, or -1 when outside it. */
    private static long local(long p, io.github.icl4j.HookContext ctx, long width) {
        long i = p - ctx.pastLength();
        return i >= 0 && i < width ? i : -1;
    }

    private static final class HeadPatch implements Intervention {
        private final Map<Integer, int[]> heads;
        private final Patch patch;
        private Map<Integer, float[][]> means; // layer -> [head][dHead]

        HeadPatch(Map<Integer, int[]> heads, Patch patch) {
            this.heads = heads;
            this.patch = patch;
        }

        @Override
        public boolean needsWholeSequence() {
            return patch.kind() == Patch.Kind.FROM && !patch.lastOnly();
        }

        @Override
        public synchronized void prepare(Model model) {
            if (patch.kind() != Patch.Kind.MEAN || means != null) {
                return;
            }
            ModelConfig c = model.config();
            Map<Integer, double[][]> sums = new TreeMap<>();
            long[] count = {0};
            for (int l : heads.keySet()) {
                sums.put(l, new double[c.nHeads()][c.dHead()]);
            }
            String[] names = heads.keySet().stream().map(HookPoint::z).toArray(String[]::new);
            for (PromptTokens p : patch.meanOver()) {
                int len = p.tokenIds().length;
                Pass.over(model, List.of(p)).batchSize(1).reusePrefix(false).reads(Reads.none().activations(names))
                        .forEach(chunk -> {
                            for (int l : heads.keySet()) {
                                float[] z = Tensors.toFloats(chunk.activation(HookPoint.z(l))); // [1, s, h, e]
                                for (int s = 0; s < len; s++) {
                                    for (int h = 0; h < c.nHeads(); h++) {
                                        for (int e = 0; e < c.dHead(); e++) {
                                            sums.get(l)[h][e] += z[(s * c.nHeads() + h) * c.dHead() + e];
                                        }
                                    }
                                }
                            }
                        });
                count[0] += len;
            }
            Map<Integer, float[][]> m = new TreeMap<>();
            sums.forEach((l, s) -> {
                float[][] f = new float[s.length][s[0].length];
                for (int h = 0; h < s.length; h++) {
                    for (int e = 0; e < s[h].length; e++) {
                        f[h][e] = (float) (s[h][e] / count[0]);
                    }
                }
                m.put(l, f);
            });
            means = m;
        }

        @Override
        public void install(Hooks.Builder b, Target chunk, Model model) {
            heads.forEach((layer, hs) -> b.add(HookPoint.z(layer), (z, ctx) -> {
                Tensor out = z.clone(); // [b, s, h, e]
                long width = z.size(1);
                for (int h : hs) {
                    if (patch.lastOnly()) {
                        for (int i = 0; i < chunk.size(); i++) {
                            long li = local(chunk.last()[i], ctx, width);
                            if (li >= 0) {
                                apply(out.select(0, i).select(0, li).select(0, h), layer, h, chunk, i, model);
                            }
                        }
                    } else {
                        apply(out.select(2, h), layer, h, chunk, -1, model);
                    }
                }
                return out;
            }));
        }

        /** Edits {@code target} (a view into the patched z) in place. */
        private void apply(Tensor target, int layer, int h, Target chunk, int row, Model model) {
            switch (patch.kind()) {
                case ZERO -> target.zero_();
                case SCALE -> target.mul_(new Scalar(patch.factor()));
                case MEAN -> target.copy_(Tensors.fromFloats(means.get(layer)[h], model.config().dHead())
                        .to(target.device(), target.scalar_type().intern()).expand_as(target));
                case FROM -> {
                    Tensor src = patch.source().get(HookPoint.z(layer)).to(target.device(), target.scalar_type().intern());
                    if (row >= 0) {
                        int srcRow = chunk.index()[row];
                        int[] srcLast = patch.source().lastPositions();
                        if (srcLast == null || srcRow >= srcLast.length) {
                            throw new IllegalArgumentException("Patch.from(...).atLastPosition() needs a cache made by "
                                    + "Probe...cache(...) over at least " + (srcRow + 1) + " prompts");
                        }
                        target.copy_(src.select(0, srcRow).select(0, srcLast[srcRow]).select(0, h));
                    } else {
                        Tensor rows = src.index_select(0, HeadMath.longs(chunk.index(), src)).select(2, h);
                        if (rows.size(1) != target.size(1)) {
                            throw new IllegalArgumentException("Patch.from: the other run has " + rows.size(1)
                                    + " positions but this one " + target.size(1) + "; use atLastPosition()");
                        }
                        target.copy_(rows);
                    }
                }
                default -> throw new IllegalStateException("unknown patch " + patch);
            }
        }
    }

    private static final class Knock implements Intervention {
        private final Map<Integer, int[]> heads;
        private final int[] positions;
        private final boolean renormalise;

        Knock(Map<Integer, int[]> heads, int[] positions, boolean renormalise) {
            this.heads = heads;
            this.positions = positions;
            this.renormalise = renormalise;
        }

        @Override
        public void install(Hooks.Builder b, Target chunk, Model model) {
            heads.forEach((layer, hs) -> {
                String name = renormalise ? HookPoint.attnScores(layer) : HookPoint.pattern(layer);
                double fill = renormalise ? -Float.MAX_VALUE : 0.0;
                b.add(name, (t, ctx) -> {
                    Tensor out = t.clone(); // [b, h, s, t]
                    for (int h : hs) {
                        Tensor head = out.select(1, h);
                        for (int p : positions) {
                            if (p < t.size(3)) {
                                head.select(2, p).fill_(new Scalar(fill)); // column p: every query row
                            }
                        }
                    }
                    return out;
                });
            });
        }
    }

    private static final class NoRotary implements Intervention {
        private final Map<Integer, int[]> heads;
        private final boolean allPositions;
        private final int[][] keys; // per prompt; null: every key
        private final double strength;

        NoRotary(Map<Integer, int[]> heads, boolean allPositions, int[][] keys, double strength) {
            this.heads = heads;
            this.allPositions = allPositions;
            this.keys = keys;
            this.strength = strength;
        }

        @Override
        public boolean needsWholeSequence() {
            // the shared-prefix pass knows no prompt, so it cannot pick one prompt's keys at every row
            return allPositions && keys != null;
        }

        @Override
        public void install(Hooks.Builder b, Target chunk, Model model) {
            heads.forEach((layer, hs) -> b.add(HookPoint.attnScores(layer), (scores, ctx) -> {
                Tensor q = ctx.get("q"); // [b, s, h, e] unrotated
                Tensor k = ctx.get("k"); // [b, t, kv, e] unrotated
                Tensor mask = ctx.get("mask"); // [b, 1, s, t]
                int group = ctx.nHeads() / ctx.nKvHeads();
                double scale = model.config().attentionScaleAt(layer); // the model's own q·k factor
                Tensor out = scores.clone(); // [b, h, s, t]
                long width = scores.size(2);
                for (int h : hs) {
                    Tensor qh = q.select(2, h).to(ScalarType.Float); // [b, s, e]
                    Tensor kh = k.select(2, h / group).to(ScalarType.Float); // [b, t, e]
                    // [b, s, e] x [b, e, t] -> [b, s, t]
                    Tensor plain = qh.matmul(kh.transpose(1, 2)).mul(new Scalar(scale)).add(mask.select(1, 0));
                    if (allPositions && keys == null) {
                        mix(out.select(1, h), plain);
                        continue;
                    }
                    for (int i = 0; i < chunk.size(); i++) {
                        Tensor rows = out.select(0, i).select(0, h); // [s, t]
                        Tensor src = plain.select(0, i); // [s, t]
                        if (!allPositions) {
                            long li = local(chunk.last()[i], ctx, width);
                            if (li < 0) {
                                continue;
                            }
                            rows = rows.select(0, li); // [t]
                            src = src.select(0, li); // [t]
                        }
                        if (keys == null) {
                            mix(rows, src);
                            continue;
                        }
                        for (int p : keys[chunk.index()[i]]) {
                            if (p < scores.size(3)) {
                                mix(rows.select(-1, p), src.select(-1, p)); // key column p
                            }
                        }
                    }
                }
                return out;
            }));
        }

        /** Moves {@code target} (a view into the new scores) towards {@code plain} by the strength, in place. */
        private void mix(Tensor target, Tensor plain) {
            if (strength == 1) {
                target.copy_(plain);
            } else {
                target.lerp_(plain, new Scalar(strength));
            }
        }
    }

    private static final class AddResidual implements Intervention {
        private final int layer;
        private final int position;
        private final float[] vector;

        AddResidual(int layer, int position, float[] vector) {
            this.layer = layer;
            this.position = position;
            this.vector = vector;
        }

        @Override
        public void install(Hooks.Builder b, Target chunk, Model model) {
            int n = model.config().nLayers();
            String name = layer == n ? HookPoint.residPost(n - 1) : HookPoint.residPre(layer);
            b.add(name, (x, ctx) -> {
                Tensor v = Tensors.fromFloats(vector, vector.length).to(x.device(), x.scalar_type().intern());
                Tensor out = x.clone(); // [b, s, d]
                long width = x.size(1);
                for (int i = 0; i < chunk.size(); i++) {
                    long p = position == LAST ? chunk.last()[i] : position;
                    if (p < 0) {
                        continue;
                    }
                    long li = local(p, ctx, width);
                    if (li >= 0) {
                        out.select(0, i).select(0, li).add_(v);
                    }
                }
                return out;
            });
        }
    }

}
