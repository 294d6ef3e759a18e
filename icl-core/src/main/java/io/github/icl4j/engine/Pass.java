package io.github.icl4j.engine;

import io.github.icl4j.Hooks;
import io.github.icl4j.Model;
import io.github.icl4j.OptionChecks;
import io.github.icl4j.PromptTokens;
import io.github.icl4j.TokenBatch;
import io.github.icl4j.model.KvCache;
import io.github.icl4j.runtime.Lifecycle;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;
import org.bytedeco.javacpp.PointerScope;

/**
 * The batched pass engine: every analysis of icl4j reaches the model through it. Prompts go in right-padded
 * batches (optionally sorted by length, so a batch pads little), each batch in its own {@code PointerScope};
 * when the prompts of a batch declare the same demonstration prefix ({@link PromptTokens#prefixLength()}) and
 * every read is at the last position, the prefix is computed once and its keys and values reused; interventions
 * become hooks per batch; one forward pass per batch gathers every {@link Reads read}.
 *
 * <pre>{@code
 * Pass.over(model, prompts).batchSize(8).sortByLength(true)
 *         .reads(Reads.none().lastLogits().attentionRows(3))
 *         .forEach(chunk -> { ... chunk.outcomes() ... chunk.attentionRows(3) ... });
 * }</pre>
 * Immutable: each method returns a new pass.
 */
public final class Pass {
    private final Model model;
    private final List<PromptTokens> prompts;
    private final int batchSize;
    private final boolean sortByLength;
    private final boolean reusePrefix;
    private final boolean releaseEachBlock;
    private final List<Intervention> interventions;
    private final Reads reads;

    private Pass(Model model, List<PromptTokens> prompts, int batchSize, boolean sortByLength, boolean reusePrefix,
            boolean releaseEachBlock, List<Intervention> interventions, Reads reads) {
        this.model = model;
        this.prompts = prompts;
        this.batchSize = batchSize;
        this.sortByLength = sortByLength;
        this.reusePrefix = reusePrefix;
        this.releaseEachBlock = releaseEachBlock;
        this.interventions = interventions;
        this.reads = reads;
    }

    /**
     * A pass over {@code prompts}: batches of 8 in input order, prefix reuse on, nothing read yet.
     *
     * @throws IllegalArgumentException for a null model or no prompts
     */
    public static Pass over(Model model, List<? extends PromptTokens> prompts) {
        OptionChecks.nonNull("model", model);
        if (prompts == null || prompts.isEmpty()) {
            throw new IllegalArgumentException("a pass needs at least one prompt; got none");
        }
        return new Pass(model, List.copyOf(prompts), 8, false, true, false, List.of(), Reads.none());
    }

    /**
     * Prompts per forward pass.
     *
     * @throws IllegalArgumentException for a size below 1
     */
    public Pass batchSize(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("batch size " + n + " out of range [1, +inf)");
        }
        return new Pass(model, prompts, n, sortByLength, reusePrefix, releaseEachBlock, interventions, reads);
    }

    /** Batches prompts in order of length (ties in input order); {@link Chunk#index()} maps rows back. */
    public Pass sortByLength(boolean on) {
        return new Pass(model, prompts, batchSize, on, reusePrefix, releaseEachBlock, interventions, reads);
    }

    /** Computes a shared demonstration prefix once per batch run (default on; only when every read is at the end). */
    public Pass reusePrefix(boolean on) {
        return new Pass(model, prompts, batchSize, sortByLength, on, releaseEachBlock, interventions, reads);
    }

    /** Frees each block's temporaries as it ends ({@link Hooks.Builder#releaseEachBlock()}). */
    public Pass releaseEachBlock(boolean on) {
        return new Pass(model, prompts, batchSize, sortByLength, reusePrefix, on, interventions, reads);
    }

    /** Adds interventions, applied in order. */
    public Pass intervene(List<? extends Intervention> more) {
        List<Intervention> all = new ArrayList<>(interventions);
        all.addAll(more);
        return new Pass(model, prompts, batchSize, sortByLength, reusePrefix, releaseEachBlock, List.copyOf(all),
                reads);
    }

    /** What every batch reads. */
    public Pass reads(Reads r) {
        if (r == null) {
            throw new IllegalArgumentException("reads must not be null");
        }
        return new Pass(model, prompts, batchSize, sortByLength, reusePrefix, releaseEachBlock, interventions, r);
    }

    /**
     * Runs the pass, calling {@code fn} once per batch inside the batch's native scope.
     *
     * @throws IllegalStateException after the model is closed (a pass holds a lease: {@link Model#close()} waits
     *                               for it)
     * @throws IllegalArgumentException for a prompt whose last position lies outside it
     */
    public void forEach(Consumer<Chunk> fn) {
        // the lease keeps the weights alive for the whole pass: a concurrent Model.close() waits for it
        try (Lifecycle.Lease lease = model.acquire()) {
            forEachLeased(fn);
        }
    }

    private void forEachLeased(Consumer<Chunk> fn) {
        for (Intervention i : interventions) {
            i.prepare(model);
        }
        int n = prompts.size();
        long[][] ids = new long[n][];
        for (int i = 0; i < n; i++) {
            ids[i] = prompts.get(i).tokenIds();
        }
        Integer[] order = new Integer[n];
        Arrays.setAll(order, i -> i);
        if (sortByLength) {
            Arrays.sort(order, (a, b) -> ids[a].length != ids[b].length ? Integer.compare(ids[a].length, ids[b].length)
                    : Integer.compare(a, b));
        }
        boolean reuse = reusePrefix && reads.lastPositionOnly()
                && interventions.stream().noneMatch(Intervention::needsWholeSequence);
        KvCache prefix = null;
        long[] prefixIds = null;
        try {
            for (int start = 0; start < n; start += batchSize) {
                int m = Math.min(n, start + batchSize) - start;
                int[] index = new int[m];
                List<PromptTokens> part = new ArrayList<>(m);
                for (int i = 0; i < m; i++) {
                    index[i] = order[start + i];
                    part.add(prompts.get(index[i]));
                }
                long[] shared = reuse ? sharedPrefix(part, index, ids) : null;
                try (PointerScope scope = new PointerScope()) {
                    int past = 0;
                    KvCache cache = null;
                    if (shared != null) {
                        if (prefix == null || !Arrays.equals(prefixIds, shared)) {
                            if (prefix != null) {
                                prefix.release();
                                prefix = null;
                            }
                            prefix = prefill(shared);
                            prefixIds = shared;
                        }
                        past = shared.length;
                        cache = prefix.repeat(m);
                    }
                    long[][] seqs = new long[m][];
                    int[] last = new int[m];
                    for (int i = 0; i < m; i++) {
                        long[] all = ids[index[i]];
                        seqs[i] = past == 0 ? all : Arrays.copyOfRange(all, past, all.length);
                        last[i] = part.get(i).lastPosition();
                        if (last[i] < past || last[i] >= all.length) {
                            throw new IllegalArgumentException("prompt " + index[i] + ": last position " + last[i]
                                    + " out of range [" + past + ", " + all.length + ")");
                        }
                    }
                    Hooks.Builder hb = Hooks.builder();
                    if (releaseEachBlock) {
                        hb.releaseEachBlock();
                    }
                    Intervention.Target target = new Intervention.Target(index, last);
                    for (Intervention i : interventions) {
                        i.install(hb, target, model);
                    }
                    fn.accept(Forward.run(model, TokenBatch.of(seqs), last, past, cache, 0, null, hb.build(), reads,
                            index, List.copyOf(part)));
                }
            }
        } finally {
            if (prefix != null) {
                prefix.release();
            }
        }
    }

    /** The prefix every prompt of the batch shares, if one is declared and identical. */
    private static long[] sharedPrefix(List<PromptTokens> part, int[] index, long[][] ids) {
        int p = part.get(0).prefixLength();
        if (p <= 0) {
            return null;
        }
        long[] first = Arrays.copyOf(ids[index[0]], p);
        for (int i = 0; i < part.size(); i++) {
            PromptTokens t = part.get(i);
            long[] all = ids[index[i]];
            if (t.prefixLength() != p || all.length <= p || t.lastPosition() < p
                    || !Arrays.equals(Arrays.copyOf(all, p), first)) {
                return null;
            }
        }
        return first;
    }

    private KvCache prefill(long[] prefixIds) {
        KvCache cache = new KvCache(model.config().nLayers());
        Hooks.Builder hb = Hooks.builder();
        for (Intervention i : interventions) {
            i.install(hb, Intervention.Target.PREFIX, model);
        }
        try (PointerScope scope = new PointerScope()) {
            Forward.prefill(model, TokenBatch.of(prefixIds), hb.build(), cache);
            cache.retain();
        }
        return cache;
    }

    @Override
    public String toString() {
        return "Pass[" + prompts.size() + " prompts, batch " + batchSize + (sortByLength ? ", by length" : "")
                + (reusePrefix ? ", prefix reuse" : "") + ", " + interventions.size() + " interventions, " + reads + "]";
    }
}
