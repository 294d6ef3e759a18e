package io.github.icl4j;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One attention head, printed and parsed as {@code L14H3} (layer 14, head 3), both zero-based.
 *
 * @param layer the block index, from 0
 * @param head  the query-head index within the block, from 0
 */
public record HeadId(int layer, int head) implements Comparable<HeadId> {
    private static final Pattern TEXT = Pattern.compile("[Ll](\\d+)[Hh](\\d+)");

    public HeadId {
        if (layer < 0 || head < 0) {
            throw new IllegalArgumentException("head L" + layer + "H" + head + ": layer and head must be >= 0");
        }
    }

    /** {@code HeadId.of(14, 3)} is {@code L14H3}. */
    public static HeadId of(int layer, int head) {
        return new HeadId(layer, head);
    }

    /**
     * Parses {@code L14H3} (either case: {@code l14h3}, as TransformerLens and many papers write it).
     *
     * @throws IllegalArgumentException if the text is not of that form
     */
    public static HeadId parse(String text) {
        Matcher m = TEXT.matcher(text == null ? "" : text.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException("head '" + text + "' is not of the form L<layer>H<head>, e.g. L14H3");
        }
        return new HeadId(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)));
    }

    /** Parses a comma- or space-separated list such as {@code "L1H0, L2H3"}. */
    public static List<HeadId> parseList(String text) {
        List<HeadId> out = new ArrayList<>();
        for (String part : text.split("[,\\s]+")) {
            if (!part.isBlank()) {
                out.add(parse(part));
            }
        }
        return List.copyOf(out);
    }

    /**
     * Checks the head exists in a model with the given shape.
     *
     * @throws IllegalArgumentException naming the head and the valid ranges
     */
    public HeadId checkIn(int nLayers, int nHeads) {
        if (layer >= nLayers) {
            throw new IllegalArgumentException("head " + this + ": layer " + layer + " out of range [0, " + nLayers + ")");
        }
        if (head >= nHeads) {
            throw new IllegalArgumentException("head " + this + ": head " + head + " out of range [0, " + nHeads + ")");
        }
        return this;
    }

    @Override
    public int compareTo(HeadId o) {
        return layer != o.layer ? Integer.compare(layer, o.layer) : Integer.compare(head, o.head);
    }

    @Override
    public String toString() {
        return "L" + layer + "H" + head;
    }
}
