package io.github.icl4j;

import java.util.Arrays;

/**
 * Token ids of a text with, for each token, the span of characters it came from.
 *
 * <p>Spans index the Java {@code String} that was encoded ({@code text.substring(start(i), end(i))}); a
 * token made of part of a character (byte-level BPE splitting a multi-byte character) shares that
 * character's span.
 *
 * @param text  the encoded text
 * @param ids   token ids
 * @param start start character (inclusive) of each token
 * @param end   end character (exclusive) of each token
 */
public record Encoding(String text, long[] ids, int[] start, int[] end) {
    public Encoding {
        if (ids.length != start.length || ids.length != end.length) {
            throw new IllegalArgumentException("ids, start and end must have one length: " + ids.length + ", "
                    + start.length + ", " + end.length);
        }
        ids = ids.clone();
        start = start.clone();
        end = end.clone();
    }

    @Override
    public long[] ids() {
        return ids.clone();
    }

    @Override
    public int[] start() {
        return start.clone();
    }

    @Override
    public int[] end() {
        return end.clone();
    }

    /** Number of tokens. */
    public int length() {
        return ids.length;
    }

    /** Token id at {@code i}. */
    public long id(int i) {
        return ids[i];
    }

    /** Start character of token {@code i}. */
    public int startOf(int i) {
        return start[i];
    }

    /** End character (exclusive) of token {@code i}. */
    public int endOf(int i) {
        return end[i];
    }

    /**
     * Index of the first token whose span overlaps {@code [from, to)}, or -1.
     */
    public int firstTokenIn(int from, int to) {
        for (int i = 0; i < ids.length; i++) {
            if (start[i] < to && end[i] > from) {
                return i;
            }
        }
        return -1;
    }

    /** Index of the last token whose span overlaps {@code [from, to)}, or -1. */
    public int lastTokenIn(int from, int to) {
        for (int i = ids.length - 1; i >= 0; i--) {
            if (start[i] < to && end[i] > from) {
                return i;
            }
        }
        return -1;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Encoding e && text.equals(e.text) && Arrays.equals(ids, e.ids)
                && Arrays.equals(start, e.start) && Arrays.equals(end, e.end);
    }

    @Override
    public int hashCode() {
        return text.hashCode() * 31 + Arrays.hashCode(ids);
    }

    @Override
    public String toString() {
        return "Encoding[" + ids.length + " tokens: " + Arrays.toString(ids) + "]";
    }
}
