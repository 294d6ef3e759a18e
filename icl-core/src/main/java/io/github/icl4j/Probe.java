package io.github.icl4j;

import io.github.icl4j.engine.Intervention;
import io.github.icl4j.engine.Interventions;
import io.github.icl4j.engine.Pass;
import io.github.icl4j.engine.Reads;
import io.github.icl4j.model.ModelConfig;
import io.github.icl4j.runtime.Tensors;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.IntConsumer;
import org.bytedeco.pytorch.Tensor;
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
    public static final int LAST = Interventions.LAST;

    private Probe() {
    }

    /** Starts a probe on a model. */
    public static Start on(Model model) {
        OptionChecks.nonNull("model", model);
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
            return with(Interventions.patchHeads(byLayer, patch));
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
            return with(Interventions.knockAttention(byLayer, pos, renormalise));
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
            checkRotary();
            return with(Interventions.withoutRotary(byLayer(heads), allPositions));
        }

        /**
         * In the given heads, moves the attention scores towards those of unrotated queries and keys at the rows,
         * keys and strength {@code removal} names ({@link RotaryRemoval#lastRow()} is
         * {@link #withoutRotary(Collection)}; {@link RotaryRemoval#labelKeys()} changes only the scores of each
         * prompt's label positions).
         *
         * @throws IllegalArgumentException when the model has no rotary positions or {@code removal} is null
         */
        public Step withoutRotary(Collection<HeadId> heads, RotaryRemoval removal) {
            checkRotary();
            OptionChecks.nonNull("removal", removal);
            Map<Integer, int[]> byLayer = byLayer(heads);
            int[][] keys = null;
            if (removal.labelKeysOnly()) {
                keys = new int[prompts.size()][];
                for (int i = 0; i < keys.length; i++) {
                    keys[i] = prompts.get(i).labelPositions();
                }
            }
            return with(Interventions.withoutRotary(byLayer, removal.everyRow(), keys, removal.strength()));
        }

        private void checkRotary() {
            if (!model.config().hasRotary()) {
                throw new IllegalArgumentException("withoutRotary needs a model with rotary positions; "
                        + model.config().modelType() + " uses learned absolute positions");
            }
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
            return with(Interventions.addToResidual(layer, position, vector));
        }

        /** Any hook function, for what the named interventions do not cover. */
        public Step hook(String hookName, HookFn fn) {
            HookPoint.validate(hookName, model.config().nLayers());
            return with(Interventions.hook(hookName, fn));
        }

        private Map<Integer, int[]> byLayer(Collection<HeadId> heads) {
            return Interventions.byLayer(heads, model.config());
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

        /** Logits at each prompt's last position ({@code [prompt][vocab]}); no other position is unembedded. */
        public float[][] logits() {
            return read(Read.logits()).logits();
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
            return read(progress, Read.labelProbabilities()).labelProbabilities();
        }

        /** Attention from each prompt's last position to the same {@code positions}, every layer and head. */
        public AttentionMap attentionAt(int... positions) {
            return read(Read.attentionAt(positions)).attention();
        }

        /** Attention from each prompt's last position to its own label positions, every layer and head. */
        public AttentionMap attentionAtLabels() {
            return read(Read.attentionAtLabels()).attention();
        }

        /**
         * Each head's output at each prompt's last position ({@code hook_z} through its slice of W_O and, in a model
         * with a post-attention norm, through that norm with the real forward's scale: {@code hook_result}'s rows).
         */
        public HeadOutputs headOutputs() {
            return read(Read.headOutputs()).headOutputs();
        }

        /**
         * Several quantities from one forward pass per batch (for example label probabilities, attention to the
         * label positions and every head's output).
         *
         * @throws IllegalArgumentException for no reads, bad positions or layers, or label probabilities asked of
         *                                  prompts without label token ids
         */
        public Readout read(Read... reads) {
            return read(i -> { }, reads);
        }

        private Readout read(IntConsumer progress, Read... reads) {
            if (reads == null || reads.length == 0) {
                throw new IllegalArgumentException("read needs at least one Read; got none");
            }
            ModelConfig c = model.config();
            int n = prompts.size();
            Reads spec = Reads.none();
            boolean wantLogits = false;
            boolean wantLabels = false;
            boolean wantHeads = false;
            int[][] positions = null;
            int[] layers = new int[0];
            int[] all = new int[c.nLayers()];
            Arrays.setAll(all, l -> l);
            for (Read r : reads) {
                if (r instanceof Read.Logits) {
                    wantLogits = true;
                    spec = spec.lastLogits();
                } else if (r instanceof Read.Labels) {
                    for (PromptTokens p : prompts) {
                        if (p.labelTokenIds().length < 2) {
                            throw new IllegalArgumentException("labelProbabilities needs prompts with >= 2 label "
                                    + "token ids; a prompt has " + p.labelTokenIds().length);
                        }
                    }
                    wantLabels = true;
                    spec = spec.lastLogits();
                } else if (r instanceof Read.Attention a) {
                    positions = new int[n][];
                    int[] pos = a.atLabels() ? null : checkPositions(a.positions());
                    for (int i = 0; i < n; i++) {
                        positions[i] = a.atLabels() ? prompts.get(i).labelPositions() : pos;
                    }
                    spec = spec.attentionRows(all);
                } else if (r instanceof Read.Heads) {
                    wantHeads = true;
                    spec = spec.headOutputs(all);
                } else if (r instanceof Read.Residuals rs) {
                    for (int l : rs.layers()) {
                        if (l < 0 || l > c.nLayers()) {
                            throw new IllegalArgumentException("layer " + l + " out of range [0, " + c.nLayers()
                                    + "]");
                        }
                    }
                    layers = rs.layers().clone();
                    spec = spec.residuals(layers);
                } else {
                    throw new IllegalArgumentException("unknown read " + r);
                }
            }
            float[][] logits = wantLogits ? new float[n][] : null;
            LabelProbabilities.Row[] rows = wantLabels ? new LabelProbabilities.Row[n] : null;
            float[][][][] att = positions == null ? null : new float[n][c.nLayers()][c.nHeads()][];
            float[][][][] heads = wantHeads ? new float[n][c.nLayers()][c.nHeads()][] : null;
            Map<Integer, float[][]> resid = new TreeMap<>();
            for (int l : layers) {
                resid.put(l, new float[n][]);
            }
            int[][] pos = positions;
            int[] done = {0};
            Pass.over(model, prompts).batchSize(batchSize).reusePrefix(reusePrefix).intervene(interventions)
                    .reads(spec).forEach(chunk -> {
                        for (int i = 0; i < chunk.size(); i++) {
                            int p = chunk.index(i);
                            if (logits != null) {
                                logits[p] = Tensors.toFloats(chunk.lastLogits().select(0, i));
                            }
                            if (pos != null) {
                                for (int l = 0; l < c.nLayers(); l++) {
                                    att[p][l] = attentionRow(chunk.attentionRows(l).select(0, i), pos[p]);
                                }
                            }
                            if (heads != null) {
                                for (int l = 0; l < c.nLayers(); l++) {
                                    float[] v = Tensors.toFloats(chunk.headOutputs(l).select(0, i)); // [h * d]
                                    for (int h = 0; h < c.nHeads(); h++) {
                                        heads[p][l][h] = Arrays.copyOfRange(v, h * c.dModel(), (h + 1) * c.dModel());
                                    }
                                }
                            }
                            for (Map.Entry<Integer, float[][]> e : resid.entrySet()) {
                                e.getValue()[p] = Tensors.toFloats(chunk.residual(e.getKey()).select(0, i));
                            }
                        }
                        if (rows != null) {
                            LabelProbabilities.Row[] r = chunk.outcomes();
                            for (int i = 0; i < r.length; i++) {
                                rows[chunk.index(i)] = r[i];
                            }
                        }
                        done[0] += chunk.size();
                        progress.accept(done[0]);
                    });
            return new Readout(logits, rows == null ? null : new LabelProbabilities(Arrays.asList(rows)),
                    pos == null ? null : new AttentionMap(pos, att), heads == null ? null : new HeadOutputs(heads),
                    layers.length == 0 ? null : resid);
        }

        /** One prompt's attention row {@code [h, t]} at {@code pos}: {@code [h][P]}. */
        private float[][] attentionRow(Tensor row, int[] pos) {
            float[] f = Tensors.toFloats(row.to(ScalarType.Float)); // [h * t]
            long t = row.size(1);
            float[][] out = new float[(int) row.size(0)][pos.length];
            for (int h = 0; h < out.length; h++) {
                for (int j = 0; j < pos.length; j++) {
                    out[h][j] = f[(int) (h * t + pos[j])];
                }
            }
            return out;
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
                Pass.over(model, prompts).batchSize(prompts.size()).reusePrefix(false).intervene(interventions)
                        .reads(Reads.none().activations(hookNames)).forEach(chunk -> {
                            for (String n : hookNames) {
                                cache.put(n, chunk.activation(n));
                            }
                        });
                cache.setLastPositions(prompts.stream().mapToInt(PromptTokens::lastPosition).toArray());
                return cache;
            } catch (RuntimeException e) {
                cache.close();
                throw e;
            }
        }

        @Override
        public String toString() {
            return "Probe[" + prompts.size() + " prompts, " + interventions.size() + " interventions, batch "
                    + batchSize + (reusePrefix ? ", prefix reuse" : "") + "]";
        }
    }
}
