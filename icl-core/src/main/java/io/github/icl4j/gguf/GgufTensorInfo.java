package io.github.icl4j.gguf;

import io.github.icl4j.checkpoint.TensorInfo;
import java.util.Arrays;

/**
 * One tensor as a GGUF file describes it.
 *
 * @param name     the GGUF name, e.g. {@code blk.0.attn_q.weight}
 * @param type     the ggml element type
 * @param dims     the dimensions in GGUF order, innermost (contiguous) first: {@code ne[0], ne[1], ...}
 * @param offset   byte offset of the data from the start of the file's data section
 * @param byteSize bytes of stored data
 */
public record GgufTensorInfo(String name, GgmlType type, long[] dims, long offset, long byteSize) {
    /** Copies {@code dims}. */
    public GgufTensorInfo {
        dims = dims.clone();
    }

    /** The dimensions in GGUF order (a copy). */
    @Override
    public long[] dims() {
        return dims.clone();
    }

    /** The shape in PyTorch order, outermost first: the reverse of {@link #dims()}. */
    public long[] shape() {
        long[] s = new long[dims.length];
        for (int i = 0; i < dims.length; i++) {
            s[i] = dims[dims.length - 1 - i];
        }
        return s;
    }

    /** Number of elements. */
    public long numel() {
        long n = 1;
        for (long d : dims) {
            n *= d;
        }
        return n;
    }

    /** As the checkpoint layer's {@link TensorInfo} (type spelt as ggml names it, shape in PyTorch order). */
    public TensorInfo toTensorInfo() {
        return new TensorInfo(name, type.name(), shape());
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof GgufTensorInfo t && name.equals(t.name) && type == t.type && Arrays.equals(dims, t.dims)
                && offset == t.offset && byteSize == t.byteSize;
    }

    @Override
    public int hashCode() {
        return name.hashCode() * 31 + Arrays.hashCode(dims);
    }

    @Override
    public String toString() {
        return name + " " + type + Arrays.toString(shape());
    }
}
