package io.github.icl4j.spark;

import java.io.Serializable;
import java.util.Locale;
import java.util.Set;

/**
 * Which model an executor loads: a Hugging Face checkpoint directory or {@code .gguf} file, as the executors see it
 * (a shared file system), or {@link #BUILTIN}; with a device and a precision. Plain data, so it travels to executors
 * and keys their {@link ModelCache}.
 *
 * @param path   a checkpoint path readable on every executor, or {@code builtin}
 * @param device {@code cpu}, {@code cuda} or {@code cuda:N}
 * @param dtype  {@code fp32}, {@code bf16} or {@code fp16}
 */
public record ModelSpec(String path, String device, String dtype) implements Serializable {
    private static final long serialVersionUID = 1L;

    /** The name of the built-in model. */
    public static final String BUILTIN = "builtin";

    private static final Set<String> DTYPES = Set.of("fp32", "bf16", "fp16");

    /**
     * Checks the values.
     *
     * @throws IllegalArgumentException naming the bad value and what is allowed
     */
    public ModelSpec {
        if (path == null || path.isBlank()) {
            throw new IllegalArgumentException("model path must not be blank (a checkpoint directory, a .gguf file or '"
                    + BUILTIN + "')");
        }
        device = device == null || device.isBlank() ? "cpu" : device.strip().toLowerCase(Locale.ROOT);
        dtype = dtype == null || dtype.isBlank() ? "fp32" : dtype.strip().toLowerCase(Locale.ROOT);
        if (!device.equals("cpu") && !device.matches("cuda(:\\d+)?")) {
            throw new IllegalArgumentException("device '" + device + "' not one of cpu, cuda, cuda:N");
        }
        if (!DTYPES.contains(dtype)) {
            throw new IllegalArgumentException("dtype '" + dtype + "' not one of " + DTYPES);
        }
    }

    /** A model on the CPU in fp32. */
    public static ModelSpec of(String path) {
        return new ModelSpec(path, "cpu", "fp32");
    }

    /** The built-in model on the CPU in fp32. */
    public static ModelSpec builtin() {
        return of(BUILTIN);
    }

    /** True for the built-in model. */
    public boolean isBuiltin() {
        return BUILTIN.equals(path);
    }

    /** {@code builtin (cpu, fp32)}. */
    @Override
    public String toString() {
        return path + " (" + device + ", " + dtype + ")";
    }
}
