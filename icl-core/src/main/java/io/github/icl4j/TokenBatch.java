package io.github.icl4j;

import io.github.icl4j.runtime.Tensors;
import java.util.Arrays;
import java.util.List;
import org.bytedeco.pytorch.Tensor;

/**
 * Token sequences of different lengths padded into one batch, with the attention mask and the index of each
 * sequence's last real token. Position ids are computed from the mask, so right and left padding give every
 * sequence its unpadded positions.
 */
public final class TokenBatch {
    /** Where the padding goes. */
    public enum Padding { RIGHT, LEFT }

    private final long[][] sequences;
    private final Padding padding;
    private final int width;
    private final long padId;

    private TokenBatch(long[][] sequences, Padding padding, long padId) {
        if (sequences.length == 0) {
            throw new IllegalArgumentException("a batch needs at least one sequence; got none");
        }
        int w = 0;
        for (int i = 0; i < sequences.length; i++) {
            if (sequences[i] == null || sequences[i].length == 0) {
                throw new IllegalArgumentException("sequence " + i + " of the batch is empty; every sequence needs "
                        + ">= 1 token");
            }
            w = Math.max(w, sequences[i].length);
        }
        this.sequences = new long[sequences.length][];
        for (int i = 0; i < sequences.length; i++) {
            this.sequences[i] = sequences[i].clone();
        }
        this.padding = padding;
        this.width = w;
        this.padId = padId;
    }

    /** A right-padded batch. */
    public static TokenBatch of(long[]... sequences) {
        return new TokenBatch(sequences, Padding.RIGHT, 0);
    }

    /** A right-padded batch. */
    public static TokenBatch of(List<long[]> sequences) {
        return of(sequences.toArray(new long[0][]));
    }

    /** The same sequences padded on the other side. */
    public TokenBatch padded(Padding side) {
        return new TokenBatch(sequences, side, padId);
    }

    /** Number of sequences. */
    public int size() {
        return sequences.length;
    }

    /** Padded length. */
    public int width() {
        return width;
    }

    /** Unpadded length of sequence {@code i}. */
    public int length(int i) {
        return sequences[i].length;
    }

    /** A copy of sequence {@code i}. */
    public long[] sequence(int i) {
        return sequences[i].clone();
    }

    public Padding padding() {
        return padding;
    }

    /** Column of the first real token of sequence {@code i}. */
    public int offset(int i) {
        return padding == Padding.LEFT ? width - sequences[i].length : 0;
    }

    /** Column of the last real token of sequence {@code i} (whose logits predict the next token). */
    public int lastIndex(int i) {
        return offset(i) + sequences[i].length - 1;
    }

    /** Column of unpadded position {@code p} of sequence {@code i}. */
    public int column(int i, int p) {
        if (p < 0 || p >= sequences[i].length) {
            throw new IllegalArgumentException("position " + p + " out of range [0, " + sequences[i].length
                    + ") for sequence " + i);
        }
        return offset(i) + p;
    }

    /**
     * Checks ids against a vocabulary and lengths against a context.
     *
     * @throws IllegalArgumentException naming the sequence, the position, the bad id or length and the range
     */
    public TokenBatch validate(int vocabSize, int maxPositions, long pastLength) {
        for (int i = 0; i < sequences.length; i++) {
            if (sequences[i].length + pastLength > maxPositions) {
                throw new IllegalArgumentException("sequence " + i + " has " + (sequences[i].length + pastLength)
                        + " tokens" + (pastLength > 0 ? " (with " + pastLength + " cached)" : "")
                        + " but the model's context is " + maxPositions);
            }
            for (int p = 0; p < sequences[i].length; p++) {
                long id = sequences[i][p];
                if (id < 0 || id >= vocabSize) {
                    throw new IllegalArgumentException("token id " + id + " at position " + p + " of sequence " + i
                            + " out of range [0, " + vocabSize + ")");
                }
            }
        }
        return this;
    }

    /** Ids {@code [b, width]} (int64, CPU), padding filled with the pad id. */
    public Tensor ids() {
        long[] flat = new long[sequences.length * width];
        Arrays.fill(flat, padId);
        for (int i = 0; i < sequences.length; i++) {
            System.arraycopy(sequences[i], 0, flat, i * width + offset(i), sequences[i].length);
        }
        return Tensors.fromLongs(flat, sequences.length, width);
    }

    /** Mask {@code [b, width]} (int64, CPU): 1 for real tokens, 0 for padding. */
    public Tensor mask() {
        long[] flat = new long[sequences.length * width];
        for (int i = 0; i < sequences.length; i++) {
            Arrays.fill(flat, i * width + offset(i), i * width + offset(i) + sequences[i].length, 1L);
        }
        return Tensors.fromLongs(flat, sequences.length, width);
    }

    @Override
    public String toString() {
        int[] lens = new int[sequences.length];
        for (int i = 0; i < lens.length; i++) {
            lens[i] = sequences[i].length;
        }
        return "TokenBatch[" + sequences.length + " × " + width + ", lengths " + Arrays.toString(lens) + ", "
                + padding + " padding]";
    }
}
