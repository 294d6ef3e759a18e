package io.github.icl4j;

import io.github.icl4j.model.KvCache;
import io.github.icl4j.model.ModelConfig;
import io.github.icl4j.runtime.Tensors;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.IntConsumer;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.ScalarTypeOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * Run prompts through a model, optionally with heads patched, attention knocked out, rotary switched off
 * in some heads or vectors added to the residual stream, and read what happens at the prediction.
 *
 * <pre>{@code
 * AttentionMap att = Probe.on(model).prompt(p)
 *         .patchHeads(List.of(HeadId.parse("L14H3")), Patch.zero())
 *         .attentionAt(p.labelPositions());
 * LabelProbabilities lp = Probe.on(model).prompts(prompts).labelProbabilities();
 * }</pre>
 * Every step is immutable: a half-built probe can be branched. Terminals open their own native scope and
 * return plain Java records (except {@link Step#cache}, an {@link AutoCloseable}). Prompts are batched
 * (right padding) and, when they share a demonstration prefix ({@link PromptTokens#prefixLength()}), the
 * prefix is computed once and its keys/values reused; interventions on prefix positions are applied in that
 * single prefix pass.
 */
public final class Probe {
    /** Position argument meaning "each prompt's last position". */
    public static final int LAST = -1;

    private Probe() {
    }

    /** Starts a probe on a model. */
    public static Start on(Model model) {
        if (model == null) {
            throw new IllegalArgumentException("model must not be null");
        }
        return new Start(model);
    }

    /** The first step: which prompts. */
    public static final class Start {
        private final Model model;

        private Start(Model model) {
            this.model = model;
        }

        /** One prompt. */
        public Step prompt(PromptTokens prompt) {
            return prompts(List.of(prompt));
        }

        /** Several prompts, evaluated in batches. */
        public Step prompts(List<? extends PromptTokens> prompts) {
            if (prompts == null || prompts.isEmpty()) {
                throw new IllegalArgumentException("a probe needs at least one prompt; got none");
            }
            return new Step(model, List.copyOf(prompts), List.of(), 8, true);
        }

        /** Bare token sequences. */
        public Step tokens(long[]... sequences) {
            List<PromptTokens> ps = new ArrayList<>();
            for (long[] s : sequences) {
                ps.add(PromptTokens.of(s));
            }
            return prompts(ps);
        }
    }

    /** A batch being assembled: the positions a hook needs to find each prompt's last token. */
    private record Chunk(int start, int[] last) {
    }

    /** One intervention, turned into hooks for each batch. */
    private interface Intervention {
        void install(Hooks.Builder b, Chunk chunk, Model model);

        default void prepare(Model model, int batchSize) {
        }

        default boolean needsWholeSequence() {
            return false;
        }
    }

    /** Prompts plus interventions; immutable. */
    public static final class Step {
        private final Model model;
        private final List<PromptTokens> prompts;
        private final List<Intervention> interventions;
        private final int batchSize;
        private final boolean reusePrefix;

        private Step(Model model, List<PromptTokens> prompts, List<Intervention> interventions, int batchSize,
                boolean reusePrefix) {
            this.model = model;
            this.prompts = prompts;
            this.interventions = interventions;
            this.batchSize = batchSize;
            this.reusePrefix = reusePrefix;
        }

        private Step with(Intervention i) {
            List<Intervention> all = new ArrayList<>(interventions);
            all.add(i);
            return new Step(model, prompts, List.copyOf(all), batchSize, reusePrefix);
        }

        /**
         * Prompts per forward pass (default 8).
         *
         * @throws IllegalArgumentException for a size below 1
         */
        public Step batchSize(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("batch size " + n + " must be >= 1");
            }
            return new Step(model, prompts, interventions, n, reusePrefix);
        }

        /** Whether to compute a shared demonstration prefix once (default true). */
        public Step reusePrefix(boolean on) {
            return new Step(model, prompts, interventions, batchSize, on);
        }

        /** Applies {@code patch} to each head's {@code hook_z}. */
        public Step patchHeads(Collection<HeadId> heads, Patch patch) {
            Map<Integer, int[]> byLayer = byLayer(heads);
            if (patch == null) {
                throw new IllegalArgumentException("patch must not be null");
            }
            return with(new HeadPatch(byLayer, patch));
        }

        /**
         * Zeroes the attention of the given heads to the given key positions (every query position), without
         * renormalising the remaining weights.
         */
        public Step knockAttention(Collection<HeadId> heads, int... toPositions) {
            return knockAttention(heads, false, toPositions);
        }

        /**
         * Knocks out attention to {@code toPositions} in the given heads. With {@code renormalise}, the scores
         * are masked before the softmax (the other weights grow to sum to 1); without, the pattern entries are
         * set to zero after it (the head's output shrinks).
         */
        public Step knockAttention(Collection<HeadId> heads, boolean renormalise, int... toPositions) {
            Map<Integer, int[]> byLayer = byLayer(heads);
            int[] pos = checkPositions(toPositions);
            return with(new Knock(byLayer, pos, renormalise));
        }

        /**
         * In the given heads, computes the attention scores from unrotated queries and keys at each prompt's last
         * position (the recency-bias fix of the method).
         *
         * @throws IllegalArgumentException when the model has no rotary positions
         */
        public Step withoutRotary(Collection<HeadId> heads) {
            return withoutRotary(heads, false);
        }

        /** As {@link #withoutRotary(Collection)}, at every query position when {@code allPositions}. */
        public Step withoutRotary(Collection<HeadId> heads, boolean allPositions) {
            if (!model.config().hasRotary()) {
                throw new IllegalArgumentException("withoutRotary needs a model with rotary positions; "
                        + model.config().modelType() + " uses learned absolute positions");
            }
            return with(new NoRotary(byLayer(heads), allPositions));
        }

        /**
         * Adds {@code vector} to the residual stream entering block {@code layer} at {@code position}
         * ({@link Probe#LAST} = each prompt's last token). {@code layer == nLayers} is the final residual, just
         * before the final norm.
         */
        public Step addToResidual(int layer, int position, float[] vector) {
            ModelConfig c = model.config();
            if (layer < 0 || layer > c.nLayers()) {
                throw new IllegalArgumentException("layer " + layer + " out of range [0, " + c.nLayers() + "]");
            }
            if (vector == null || vector.length != c.dModel()) {
                throw new IllegalArgumentException("vector of length " + (vector == null ? "null" : vector.length)
                        + " does not match the model width " + c.dModel());
            }
            if (position != LAST) {
                checkPositions(position);
            }
            return with(new AddResidual(layer, position, vector.clone()));
        }

        /** Any hook function, for what the named interventions do not cover. */
        public Step hook(String hookName, HookFn fn) {
            HookPoint.validate(hookName, model.config().nLayers());
            return with(new Intervention() {
                @Override
                public void install(Hooks.Builder b, Chunk chunk, Model m) {
                    b.add(hookName, fn);
                }

                @Override
                public boolean needsWholeSequence() {
                    return true;
                }
            });
        }

        private Map<Integer, int[]> byLayer(Collection<HeadId> heads) {
            if (heads == null) {
                throw new IllegalArgumentException("heads must not be null");
            }
            ModelConfig c = model.config();
            Map<Integer, TreeSet<Integer>> m = new TreeMap<>();
            for (HeadId h : heads) {
                h.checkIn(c.nLayers(), c.nHeads());
                m.computeIfAbsent(h.layer(), k -> new TreeSet<>()).add(h.head());
            }
            Map<Integer, int[]> out = new TreeMap<>();
            m.forEach((l, hs) -> out.put(l, hs.stream().mapToInt(Integer::intValue).toArray()));
            return out;
        }

        private int[] checkPositions(int... positions) {
            int shortest = prompts.stream().mapToInt(p -> p.tokenIds().length).min().orElse(0);
            for (int p : positions) {
                if (p < 0 || p >= shortest) {
                    throw new IllegalArgumentException("position " + p + " out of range [0, " + shortest
                            + ") (the shortest prompt's length)");
                }
            }
            return positions.clone();
        }

        // ---------------------------------------------------------------- terminals

        /** Logits at each prompt's last position ({@code [prompt][vocab]}). */
        public float[][] logits() {
            float[][] out = new float[prompts.size()][];
            run(List.of(), false, (chunk, logits, past) -> {
                for (int i = 0; i < chunk.last.length; i++) {
                    out[chunk.start + i] = Tensors.toFloats(logits.select(0, i).select(0, chunk.last[i] - past));
                }
            });
            return out;
        }

        /**
         * Label-word probabilities at each prompt's last position, with predictions and gold labels.
         *
         * @throws IllegalArgumentException when a prompt carries no label token ids
         */
        public LabelProbabilities labelProbabilities() {
            return labelProbabilities(i -> { });
        }

        /** As {@link #labelProbabilities()}, calling {@code progress} with the number of prompts done. */
        public LabelProbabilities labelProbabilities(IntConsumer progress) {
            for (PromptTokens p : prompts) {
                if (p.labelTokenIds().length < 2) {
                    throw new IllegalArgumentException("labelProbabilities needs prompts with >= 2 label token ids; "
                            + "a prompt has " + p.labelTokenIds().length);
                }
            }
            LabelProbabilities.Row[] rows = new LabelProbabilities.Row[prompts.size()];
            run(List.of(), false, (chunk, logits, past) -> {
                for (int i = 0; i < chunk.last.length; i++) {
                    PromptTokens p = prompts.get(chunk.start + i);
                    rows[chunk.start + i] = LabelProbabilities.Row.fromLogits(
                            logits.select(0, i).select(0, chunk.last[i] - past), p.labelTokenIds(), p.queryLabel());
                }
                progress.accept(chunk.start + chunk.last.length);
            });
            return new LabelProbabilities(Arrays.asList(rows));
        }

        /** Attention from each prompt's last position to the same {@code positions}, every layer and head. */
        public AttentionMap attentionAt(int... positions) {
            int[] pos = checkPositions(positions);
            int[][] per = new int[prompts.size()][];
            Arrays.fill(per, pos);
            return attention(per);
        }

        /** Attention from each prompt's last position to its own label positions, every layer and head. */
        public AttentionMap attentionAtLabels() {
            int[][] per = new int[prompts.size()][];
            for (int i = 0; i < per.length; i++) {
                per[i] = prompts.get(i).labelPositions();
            }
            return attention(per);
        }

        private AttentionMap attention(int[][] per) {
            ModelConfig c = model.config();
            float[][][][] w = new float[prompts.size()][c.nLayers()][c.nHeads()][];
            List<Reader> readers = new ArrayList<>();
            for (int l = 0; l < c.nLayers(); l++) {
                int layer = l;
                readers.add(new Reader(HookPoint.pattern(l), (chunk, pattern, past) -> {
                    for (int i = 0; i < chunk.last.length; i++) {
                        // [b, h, s, t] -> [h, t] at the last query row
                        Tensor row = pattern.select(0, i).select(1, chunk.last[i] - past).to(ScalarType.Float);
                        int[] pos = per[chunk.start + i];
                        float[] all = Tensors.toFloats(row); // [h * t]
                        long t = pattern.size(3);
                        for (int h = 0; h < c.nHeads(); h++) {
                            float[] v = new float[pos.length];
                            for (int j = 0; j < pos.length; j++) {
                                v[j] = all[(int) (h * t + pos[j])];
                            }
                            w[chunk.start + i][layer][h] = v;
                        }
                    }
                }));
            }
            run(readers, false, (chunk, logits, past) -> { });
            return new AttentionMap(per, w);
        }

        /** Each head's output at each prompt's last position ({@code hook_result}). */
        public HeadOutputs headOutputs() {
            ModelConfig c = model.config();
            float[][][][] v = new float[prompts.size()][c.nLayers()][c.nHeads()][];
            List<Reader> readers = new ArrayList<>();
            for (int l = 0; l < c.nLayers(); l++) {
                int layer = l;
                readers.add(new Reader(HookPoint.result(l), (chunk, result, past) -> {
                    for (int i = 0; i < chunk.last.length; i++) {
                        Tensor r = result.select(0, i).select(0, chunk.last[i] - past); // [h, d]
                        float[] all = Tensors.toFloats(r);
                        for (int h = 0; h < c.nHeads(); h++) {
                            v[chunk.start + i][layer][h] = Arrays.copyOfRange(all, h * c.dModel(), (h + 1) * c.dModel());
                        }
                    }
                }));
            }
            run(readers, false, (chunk, logits, past) -> { });
            return new HeadOutputs(v);
        }

        /**
         * Records the named activations for all prompts in one right-padded batch (no prefix reuse, so every
         * position is present). The caller closes the cache.
         */
        public ActivationCache cache(String... hookNames) {
            for (String n : hookNames) {
                HookPoint.validate(n, model.config().nLayers());
            }
            ActivationCache cache = new ActivationCache();
            try {
                Step whole = new Step(model, prompts, interventions, prompts.size(), false);
                List<Reader> readers = new ArrayList<>();
                for (String n : hookNames) {
                    readers.add(new Reader(n, (chunk, t, past) -> cache.put(n, t)));
                }
                whole.run(readers, true, (chunk, logits, past) -> { });
                cache.setLastPositions(prompts.stream().mapToInt(PromptTokens::lastPosition).toArray());
                return cache;
            } catch (RuntimeException e) {
                cache.close();
                throw e;
            }
        }

        // ---------------------------------------------------------------- the batched run

        private record Reader(String hook, TriConsumer fn) {
        }

        @FunctionalInterface
        private interface TriConsumer {
            void accept(Chunk chunk, Tensor activation, long past);
        }

        @FunctionalInterface
        private interface ChunkConsumer {
            void accept(Chunk chunk, Tensor logits, long past);
        }

        private synchronized void run(List<Reader> readers, boolean wholeSequence, ChunkConsumer consumer) {
            if (model.isClosed()) {
                throw new IllegalStateException("model " + model.source() + " is closed");
            }
            for (Intervention i : interventions) {
                i.prepare(model, batchSize);
            }
            boolean reuse = reusePrefix && !wholeSequence
                    && interventions.stream().noneMatch(Intervention::needsWholeSequence);
            KvCache prefix = null;
            long[] prefixIds = null;
            try {
                for (int start = 0; start < prompts.size(); start += batchSize) {
                    List<PromptTokens> part = prompts.subList(start, Math.min(prompts.size(), start + batchSize));
                    long[] shared = reuse ? sharedPrefix(part) : null;
                    try (PointerScope scope = new PointerScope()) {
                        int past = 0;
                        KvCache cache = null;
                        if (shared != null) {
                            if (prefix == null || !Arrays.equals(prefixIds, shared)) {
                                if (prefix != null) {
                                    prefix.release();
                                }
                                prefix = prefill(shared);
                                prefixIds = shared;
                            }
                            past = shared.length;
                            cache = prefix.repeat(part.size());
                        }
                        long[][] seqs = new long[part.size()][];
                        int[] last = new int[part.size()];
                        for (int i = 0; i < part.size(); i++) {
                            long[] ids = part.get(i).tokenIds();
                            seqs[i] = Arrays.copyOfRange(ids, past, ids.length);
                            last[i] = part.get(i).lastPosition();
                            if (last[i] < past || last[i] >= ids.length) {
                                throw new IllegalArgumentException("last position " + last[i] + " out of range ["
                                        + past + ", " + ids.length + ")");
                            }
                        }
                        Chunk chunk = new Chunk(start, last);
                        Hooks.Builder hb = Hooks.builder();
                        for (Intervention i : interventions) {
                            i.install(hb, chunk, model);
                        }
                        final long pastLen = past;
                        for (Reader r : readers) {
                            hb.add(r.hook, (t, ctx) -> {
                                r.fn.accept(chunk, t, pastLen);
                                return null;
                            });
                        }
                        Tensor logits = model.logits(TokenBatch.of(seqs), hb.build(), cache);
                        consumer.accept(chunk, logits, past);
                    }
                }
            } finally {
                if (prefix != null) {
                    prefix.release();
                }
            }
        }

        /** The prefix every prompt of the batch shares, if any is declared and identical. */
        private static long[] sharedPrefix(List<PromptTokens> part) {
            int p = part.get(0).prefixLength();
            if (p <= 0) {
                return null;
            }
            long[] first = Arrays.copyOf(part.get(0).tokenIds(), p);
            for (PromptTokens t : part) {
                long[] ids = t.tokenIds();
                if (t.prefixLength() != p || ids.length <= p || t.lastPosition() < p
                        || !Arrays.equals(Arrays.copyOf(ids, p), first)) {
                    return null;
                }
            }
            return first;
        }

        private KvCache prefill(long[] prefixIds) {
            KvCache cache = new KvCache(model.config().nLayers());
            Chunk none = new Chunk(-1, new int[] {-1});
            Hooks.Builder hb = Hooks.builder();
            for (Intervention i : interventions) {
                i.install(hb, none, model);
            }
            try (PointerScope scope = new PointerScope()) {
                model.prefill(TokenBatch.of(prefixIds), hb.build(), cache);
                cache.retain();
            }
            return cache;
        }

        @Override
        public String toString() {
            return "Probe[" + prompts.size() + " prompts, " + interventions.size() + " interventions, batch "
                    + batchSize + (reusePrefix ? ", prefix reuse" : "") + "]";
        }
    }

    // -------------------------------------------------------------------- interventions

    /** Local index in this forward of absolute position {@code p}, or -1 when outside it. */
    private static long local(long p, HookContext ctx, long width) {
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
        public synchronized void prepare(Model model, int batchSize) {
            if (patch.kind() != Patch.Kind.MEAN || means != null) {
                return;
            }
            ModelConfig c = model.config();
            Map<Integer, double[][]> sums = new TreeMap<>();
            long[] count = {0};
            for (int l : heads.keySet()) {
                sums.put(l, new double[c.nHeads()][c.dHead()]);
            }
            for (PromptTokens p : patch.meanOver()) {
                try (ActivationCache cache = Probe.on(model).prompt(p).cache(
                        heads.keySet().stream().map(HookPoint::z).toArray(String[]::new))) {
                    int len = p.tokenIds().length;
                    for (int l : heads.keySet()) {
                        float[] z = cache.floats(HookPoint.z(l)); // [1, s, h, e]
                        for (int s = 0; s < len; s++) {
                            for (int h = 0; h < c.nHeads(); h++) {
                                for (int e = 0; e < c.dHead(); e++) {
                                    sums.get(l)[h][e] += z[(s * c.nHeads() + h) * c.dHead() + e];
                                }
                            }
                        }
                    }
                    count[0] += len;
                }
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
        public void install(Hooks.Builder b, Chunk chunk, Model model) {
            heads.forEach((layer, hs) -> b.add(HookPoint.z(layer), (z, ctx) -> {
                Tensor out = z.clone(); // [b, s, h, e]
                long width = z.size(1);
                for (int h : hs) {
                    if (patch.lastOnly()) {
                        for (int i = 0; i < chunk.last.length; i++) {
                            long li = local(chunk.last[i], ctx, width);
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
        private void apply(Tensor target, int layer, int h, Chunk chunk, int row, Model model) {
            switch (patch.kind()) {
                case ZERO -> target.zero_();
                case SCALE -> target.mul_(new Scalar(patch.factor()));
                case MEAN -> target.copy_(Tensors.fromFloats(means.get(layer)[h], model.config().dHead())
                        .to(target.device(), target.scalar_type().intern()).expand_as(target));
                case FROM -> {
                    Tensor src = patch.source().get(HookPoint.z(layer)).to(target.device(), target.scalar_type().intern());
                    if (row >= 0) {
                        int srcRow = chunk.start + row;
                        int[] srcLast = patch.source().lastPositions();
                        if (srcLast == null || srcRow >= srcLast.length) {
                            throw new IllegalArgumentException("Patch.from(...).atLastPosition() needs a cache made by "
                                    + "Probe...cache(...) over at least " + (srcRow + 1) + " prompts");
                        }
                        target.copy_(src.select(0, srcRow).select(0, srcLast[srcRow]).select(0, h));
                    } else {
                        Tensor rows = src.narrow(0, chunk.start, chunk.last.length).select(2, h);
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
        public void install(Hooks.Builder b, Chunk chunk, Model model) {
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

        NoRotary(Map<Integer, int[]> heads, boolean allPositions) {
            this.heads = heads;
            this.allPositions = allPositions;
        }

        @Override
        public void install(Hooks.Builder b, Chunk chunk, Model model) {
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
                    if (allPositions) {
                        out.select(1, h).copy_(plain);
                    } else {
                        for (int i = 0; i < chunk.last.length; i++) {
                            long li = local(chunk.last[i], ctx, width);
                            if (li >= 0) {
                                out.select(0, i).select(0, h).select(0, li).copy_(plain.select(0, i).select(0, li));
                            }
                        }
                    }
                }
                return out;
            }));
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
        public void install(Hooks.Builder b, Chunk chunk, Model model) {
            int n = model.config().nLayers();
            String name = layer == n ? HookPoint.residPost(n - 1) : HookPoint.residPre(layer);
            b.add(name, (x, ctx) -> {
                Tensor v = Tensors.fromFloats(vector, vector.length).to(x.device(), x.scalar_type().intern());
                Tensor out = x.clone(); // [b, s, d]
                long width = x.size(1);
                for (int i = 0; i < chunk.last.length; i++) {
                    long p = position == LAST ? chunk.last[i] : position;
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

    static Tensor zerosLike(Tensor t) {
        return torch.zeros_like(t);
    }
}
