package io.github.icl4j;

import io.github.icl4j.runtime.Tensors;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;

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

    /**
     * What one recorded activation is, as plain data: prints as {@code blocks.3.attn.hook_pattern [1, 8, 40, 40]
     * fp32 cpu}, which a raw {@link Tensor} (an address) does not.
     *
     * @param name   the hook point's name
     * @param shape  its shape
     * @param dtype  its element type: {@code fp32}, {@code bf16}, {@code fp16}, or LibTorch's name for others
     * @param device where it lives ({@code cpu}, {@code cuda:0})
     */
    public record Entry(String name, List<Long> shape, String dtype, String device) {
        /** Copies the shape. */
        public Entry {
            shape = List.copyOf(shape);
        }

        @Override
        public String toString() {
            return name + " " + shape + " " + dtype + " " + device;
        }
    }

    /**
     * The recorded activation's name, shape, dtype and device.
     *
     * @throws IllegalArgumentException naming the missing hook and what was recorded
     */
    public Entry entry(String name) {
        return describe(name, get(name));
    }

    /** Every recorded activation's name, shape, dtype and device, in recording order. */
    public List<Entry> entries() {
        checkOpen();
        List<Entry> out = new ArrayList<>();
        synchronized (tensors) {
            tensors.forEach((k, v) -> out.add(describe(k, v)));
        }
        return List.copyOf(out);
    }

    private static Entry describe(String name, Tensor t) {
        List<Long> shape = new ArrayList<>();
        for (long d : Tensors.shape(t)) {
            shape.add(d);
        }
        ScalarType st = t.scalar_type().intern();
        String dtype = Arrays.stream(DType.values()).filter(d -> d.scalarType() == st).map(DType::toString)
                .findFirst().orElse(st.toString().toLowerCase(Locale.ROOT));
        return new Entry(name, shape, dtype, t.device().str().getString());
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

    /** {@code ActivationCache[blocks.0.attn.hook_z [1, 9, 8, 8] fp32 cpu, ...]}: every entry with shape and dtype. */
    @Override
    public String toString() {
        if (closed) {
            return "ActivationCache[closed]";
        }
        StringBuilder sb = new StringBuilder("ActivationCache[");
        synchronized (tensors) {
            tensors.forEach((k, v) -> sb.append(describe(k, v)).append(", "));
        }
        if (sb.length() > 16) {
            sb.setLength(sb.length() - 2);
        }
        return sb.append(']').toString();
    }
}
