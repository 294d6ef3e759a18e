package io.github.icl4j.model.arch;

import io.github.icl4j.model.ModelConfig;
import io.github.icl4j.runtime.Tensors;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;

/**
 * How a checkpoint stores the canonical tensors of one {@link MappedTensor}: as they are, transposed (GPT-2's
 * {@code Conv1D}, {@code [in, out]}), or several fused into one. {@code split} turns the stored tensor into the
 * slots' tensors on load, {@code join} is its inverse on export; both copy exactly (no arithmetic).
 */
public enum TensorLayout {
    /** One slot, stored as it is. */
    PLAIN,
    /** One slot, stored transposed ({@code Conv1D}'s {@code [in, out]}). */
    CONV1D,
    /** Several slots, their rows concatenated ({@code q | k | v}, {@code gate | up}). */
    ROWS,
    /** Several slots, their rows concatenated, then stored transposed (GPT-2's {@code c_attn}). */
    CONV1D_ROWS,
    /** q, k, v interleaved per head: {@code [heads, 3, dHead, ...]} flattened (GPT-NeoX's query_key_value). */
    HEAD_INTERLEAVED;

    /** The stored shape of slots with the canonical {@code shapes}. */
    long[] storedShape(long[][] shapes) {
        long[] joined = shapes[0].clone();
        for (int i = 1; i < shapes.length; i++) {
            joined[0] += shapes[i][0];
        }
        return this == CONV1D || this == CONV1D_ROWS ? reversed(joined) : joined;
    }

    /** The slots' tensors (canonical shapes {@code shapes}) out of the stored tensor {@code s}. */
    Tensor[] split(Tensor s, long[][] shapes, ModelConfig m) {
        Tensor[] out = new Tensor[shapes.length];
        switch (this) {
            case PLAIN -> out[0] = s;
            case CONV1D -> out[0] = s.t().contiguous(); // [in, out] -> [out, in]
            case ROWS, CONV1D_ROWS -> {
                Tensor rows = this == ROWS ? s : s.t().contiguous(); // [sum rows, ...]
                long at = 0;
                for (int i = 0; i < shapes.length; i++) {
                    out[i] = rows.narrow(0, at, shapes[i][0]).contiguous();
                    at += shapes[i][0];
                }
            }
            case HEAD_INTERLEAVED -> {
                long h = m.nHeads();
                long e = m.dHead();
                // [3*h*e, rest...] viewed as [h, 3, e, rest...]: q, k, v of each head are adjacent
                Tensor v = s.view(withRest(s, h, shapes.length, e));
                for (int i = 0; i < shapes.length; i++) {
                    out[i] = v.select(1, i).reshape(shapes[i]).contiguous(); // [h*e, rest...]
                }
            }
            default -> throw new AssertionError(this);
        }
        return out;
    }

    /** The stored tensor of the slots' tensors {@code parts}: the inverse of {@code split}. */
    Tensor join(Tensor[] parts, ModelConfig m) {
        return switch (this) {
            case PLAIN -> parts[0];
            case CONV1D -> parts[0].t().contiguous();
            case ROWS -> torch.cat(new TensorVector(parts), 0);
            case CONV1D_ROWS -> torch.cat(new TensorVector(parts), 0).t().contiguous();
            case HEAD_INTERLEAVED -> {
                long h = m.nHeads();
                long e = m.dHead();
                Tensor[] perHead = new Tensor[parts.length];
                for (int i = 0; i < parts.length; i++) {
                    perHead[i] = parts[i].view(withRest(parts[i], h, e)); // [h*e, rest...] -> [h, e, rest...]
                }
                long[] joined = Tensors.shape(parts[0]);
                joined[0] *= parts.length;
                // [h, n, e, rest...] -> [n*h*e, rest...]
                yield torch.stack(new TensorVector(perHead), 1).reshape(joined);
            }
        };
    }

    /** {@code lead} followed by {@code t}'s dimensions after the first. */
    private static long[] withRest(Tensor t, long... lead) {
        long[] shape = Tensors.shape(t);
        long[] out = new long[lead.length + shape.length - 1];
        System.arraycopy(lead, 0, out, 0, lead.length);
        System.arraycopy(shape, 1, out, lead.length, shape.length - 1);
        return out;
    }

    private static long[] reversed(long[] s) {
        long[] out = new long[s.length];
        for (int i = 0; i < s.length; i++) {
            out[i] = s[s.length - 1 - i];
        }
        return out;
    }
}
