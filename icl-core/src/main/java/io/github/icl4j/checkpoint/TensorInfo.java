package io.github.icl4j.checkpoint;

import java.util.Arrays;

/**
 * What a checkpoint says about one stored tensor, before it is read.
 *
 * @param name  the stored name, e.g. {@code model.layers.0.self_attn.q_proj.weight}
 * @param dtype the stored element type as the file names it, e.g. {@code F32}, {@code BF16}, {@code Q4_1}
 * @param shape the logical shape in PyTorch order (outermost first)
 */
public record TensorInfo(String name, String dtype, long[] shape) {
    public TensorInfo {
        shape = shape.clone();
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }

    /** Number of elements. */
    public long numel() {
        long n = 1;
        for (long s : shape) {
            n *= s;
        }
        return n;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TensorInfo t && name.equals(t.name) && dtype.equals(t.dtype) && Arrays.equals(shape, t.shape);
    }

    @Override
    public int hashCode() {
        return name.hashCode() * 31 + Arrays.hashCode(shape);
    }

    @Override
    public String toString() {
        return name + " " + dtype + Arrays.toString(shape);
    }
}
