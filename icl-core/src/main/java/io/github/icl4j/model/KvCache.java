package io.github.icl4j.model;

import io.github.icl4j.runtime.Tensors;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.pytorch.Tensor;

/**
 * Keys and values of positions already processed, per block, so a later forward can continue the sequence
 * (the demonstrations prefix shared by many queries is computed once).
 *
 * <p>Tensors are {@code [b, t, kvHeads, e]}; keys are kept both rotated (used by attention) and unrotated
 * (read by hooks such as the rotary-free intervention). A cache's tensors belong to the scope it was filled
 * in; {@link #retain()} and {@link #release()} move them out of it.
 */
public final class KvCache {
    private final List<Tensor> keys;
    private final List<Tensor> rawKeys;
    private final List<Tensor> values;
    private Tensor keyMask; // [b, t] int64, 1 = real token

    public KvCache(int nLayers) {
        keys = new ArrayList<>(nLayers);
        rawKeys = new ArrayList<>(nLayers);
        values = new ArrayList<>(nLayers);
        for (int i = 0; i < nLayers; i++) {
            keys.add(null);
            rawKeys.add(null);
            values.add(null);
        }
    }

    /** Number of cached positions (including padding). */
    public long length() {
        return keyMask == null ? 0 : keyMask.size(1);
    }

    /** Batch size, or 0 when empty. */
    public long batch() {
        return keyMask == null ? 0 : keyMask.size(0);
    }

    /** The cached key mask {@code [b, t]}, or null when empty. */
    public Tensor keyMask() {
        return keyMask;
    }

    void setKeyMask(Tensor mask) {
        this.keyMask = mask;
    }

    /** Appends this forward's keys and values for one block; returns {rotatedAll, rawAll, valuesAll}. */
    Tensor[] append(int layer, Tensor rotK, Tensor rawK, Tensor v) {
        Tensor k0 = keys.get(layer);
        Tensor kAll = k0 == null ? rotK : Tensors.cat(1, k0, rotK);
        Tensor r0 = rawKeys.get(layer);
        Tensor rAll = r0 == null ? rawK : Tensors.cat(1, r0, rawK);
        Tensor v0 = values.get(layer);
        Tensor vAll = v0 == null ? v : Tensors.cat(1, v0, v);
        keys.set(layer, kAll);
        rawKeys.set(layer, rAll);
        values.set(layer, vAll);
        return new Tensor[] {kAll, rAll, vAll};
    }

    /** Cached tensors of one block: {rotated keys, raw keys, values}, or nulls when empty. */
    Tensor[] get(int layer) {
        return new Tensor[] {keys.get(layer), rawKeys.get(layer), values.get(layer)};
    }

    /**
     * A new cache whose batch is this one's single row repeated {@code b} times (views, no copy): the
     * shared prefix for a batch of queries.
     *
     * @throws IllegalStateException when this cache does not hold exactly one row
     */
    public KvCache repeat(long b) {
        if (batch() != 1) {
            throw new IllegalStateException("only a cache of batch 1 can be repeated; this one has batch " + batch());
        }
        KvCache out = new KvCache(keys.size());
        for (int l = 0; l < keys.size(); l++) {
            out.keys.set(l, expand(keys.get(l), b));
            out.rawKeys.set(l, expand(rawKeys.get(l), b));
            out.values.set(l, expand(values.get(l), b));
        }
        out.keyMask = expand(keyMask, b);
        return out;
    }

    private static Tensor expand(Tensor t, long b) {
        if (t == null) {
            return null;
        }
        long[] shape = Tensors.shape(t);
        shape[0] = b;
        return t.expand(shape);
    }

    /** Keeps every cached tensor alive after the scope that made it closes. */
    public KvCache retain() {
        forEach(Tensor::retainReference);
        return this;
    }

    /** Releases what {@link #retain()} kept. */
    public void release() {
        forEach(Tensor::releaseReference);
    }

    private void forEach(java.util.function.Consumer<Tensor> f) {
        for (List<Tensor> list : List.of(keys, rawKeys, values)) {
            for (Tensor t : list) {
                if (t != null) {
                    f.accept(t);
                }
            }
        }
        if (keyMask != null) {
            f.accept(keyMask);
        }
    }
}
