package io.github.icl4j;

import io.github.icl4j.runtime.Tensors;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.bytedeco.pytorch.Tensor;

/**
 * Activations recorded by hooks, kept after the forward pass's scope closes.
 *
 * <p>Owns native memory: close it (try-with-resources). A hook point recorded twice (two forwards into one
 * cache) keeps the last.
 * <pre>{@code
 * try (ActivationCache cache = Probe.on(model).prompt(p).cache(HookPoint.pattern(3))) {
 *     float[] pattern = cache.floats(HookPoint.pattern(3));
 * }
 * }</pre>
 */
public final class ActivationCache implements AutoCloseable {
    private final Map<String, Tensor> tensors = Collections.synchronizedMap(new LinkedHashMap<>());
    private volatile boolean closed;
    private volatile int[] lastPositions;

    /** A hook function that keeps the activation under {@code name}. */
    HookFn recorder(String name) {
        return (t, ctx) -> {
            put(name, t);
            return null;
        };
    }

    /**
     * Keeps {@code t} (detached) beyond the current PointerScope. No copy is made: the forward pass never edits
     * an activation in place (interventions replace tensors), so sharing its storage is safe and saves a
     * memory copy of every cached activation.
     */
    public void put(String name, Tensor t) {
        checkOpen();
        Tensor copy = t.detach();
        copy.retainReference();
        Tensor old = tensors.put(name, copy);
        if (old != null) {
            old.releaseReference();
        }
    }

    /** Each prompt's last position when the cache was made by a {@link Probe}, else null. */
    public int[] lastPositions() {
        return lastPositions == null ? null : lastPositions.clone();
    }

    void setLastPositions(int[] last) {
        this.lastPositions = last.clone();
    }

    /** The recorded names, in recording order. */
    public Set<String> names() {
        return Collections.unmodifiableSet(tensors.keySet());
    }

    /** True when {@code name} was recorded. */
    public boolean has(String name) {
        return tensors.containsKey(name);
    }

    /**
     * The recorded tensor (owned by this cache: valid until {@link #close()}).
     *
     * @throws IllegalArgumentException naming the missing hook and what was recorded
     */
    public Tensor get(String name) {
        checkOpen();
        Tensor t = tensors.get(name);
        if (t == null) {
            throw new IllegalArgumentException("no activation recorded for '" + name + "'; recorded: " + tensors.keySet());
        }
        return t;
    }

    /** The recorded activation as a row-major float array. */
    public float[] floats(String name) {
        return Tensors.toFloats(get(name));
    }

    /** The recorded activation's shape. */
    public long[] shape(String name) {
        return Tensors.shape(get(name));
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("activation cache is closed");
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        synchronized (tensors) {
            tensors.values().forEach(Tensor::releaseReference);
            tensors.clear();
        }
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("ActivationCache[");
        synchronized (tensors) {
            tensors.forEach((k, v) -> sb.append(k).append(' ').append(Tensors.shapeString(v)).append(", "));
        }
        if (sb.length() > 16) {
            sb.setLength(sb.length() - 2);
        }
        return sb.append(']').toString();
    }
}
