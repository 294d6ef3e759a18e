package io.github.icl4j.model;

import io.github.icl4j.DType;
import io.github.icl4j.DeviceSpec;
import io.github.icl4j.checkpoint.InvalidCheckpointException;
import io.github.icl4j.checkpoint.TensorInfo;
import io.github.icl4j.checkpoint.WeightSource;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.bytedeco.pytorch.Tensor;

/**
 * Reads named tensors for an adapter, checking each shape against the config before loading, and at the
 * end that nothing was left over.
 */
public final class WeightLoader {
    private final WeightSource source;
    private final DType dtype;
    private final DeviceSpec device;
    private final Set<String> used = new LinkedHashSet<>();
    private final String prefix;

    /**
     * @param prefix stripped-name prefix: when the checkpoint's names all start with it (e.g. GPT-2's
     *               {@code transformer.}), names are looked up with it; otherwise without.
     */
    public WeightLoader(WeightSource source, DType dtype, DeviceSpec device, String prefix) {
        this.source = source;
        this.dtype = dtype;
        this.device = device;
        boolean any = prefix != null && source.names().stream().anyMatch(n -> n.startsWith(prefix));
        this.prefix = any ? prefix : "";
    }

    private String resolve(String name) {
        String withPrefix = prefix + name;
        // names at the checkpoint's root (lm_head.weight) have no prefix; a missing one is reported with it
        return source.contains(withPrefix) || !source.contains(name) ? withPrefix : name;
    }

    /** Where the weights come from (for messages). */
    public java.nio.file.Path origin() {
        return source.origin();
    }

    /** True when the tensor exists. */
    public boolean has(String name) {
        return source.contains(resolve(name));
    }

    /**
     * A required tensor of the given shape.
     *
     * @throws InvalidCheckpointException naming the tensor, its shape and the expected one
     */
    public Tensor get(String name, long... shape) {
        String n = resolve(name);
        if (!source.contains(n)) {
            throw new InvalidCheckpointException(source.origin() + ": missing tensor '" + n + "' (expected shape "
                    + Arrays.toString(shape) + ")");
        }
        TensorInfo info = source.info(n);
        if (!Arrays.equals(info.shape(), shape)) {
            throw new InvalidCheckpointException(source.origin() + ": tensor '" + n + "' has shape "
                    + Arrays.toString(info.shape()) + " but the config implies " + Arrays.toString(shape));
        }
        used.add(n);
        return source.load(n, dtype, device);
    }

    /** An optional tensor, or null when absent. */
    public Tensor opt(String name, long... shape) {
        return has(name) ? get(name, shape) : null;
    }

    /** A tensor required when {@code present}, refused-if-unexpected otherwise (left to {@link #finish}). */
    public Tensor when(boolean present, String name, long... shape) {
        return present ? get(name, shape) : null;
    }

    /** Names whose shape the caller checks itself. */
    public TensorInfo info(String name) {
        return source.info(resolve(name));
    }

    /** Loads without a shape check (the caller checked {@link #info}). */
    public Tensor getUnchecked(String name) {
        String n = resolve(name);
        used.add(n);
        return source.load(n, dtype, device);
    }

    /**
     * Fails when the checkpoint holds tensors no one read, except buffers matching {@code ignorable}.
     */
    public void finish(List<Pattern> ignorable) {
        Set<String> extra = new TreeSet<>();
        for (String n : source.names()) {
            if (!used.contains(n) && ignorable.stream().noneMatch(p -> p.matcher(n).matches())) {
                extra.add(n);
            }
        }
        if (!extra.isEmpty()) {
            throw new InvalidCheckpointException(source.origin() + ": unexpected tensors for this architecture: "
                    + (extra.size() > 8 ? List.copyOf(extra).subList(0, 8) + " and " + (extra.size() - 8) + " more" : extra));
        }
    }
}
