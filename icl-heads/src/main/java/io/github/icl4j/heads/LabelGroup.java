package io.github.icl4j.heads;

import com.fasterxml.jackson.annotation.JsonValue;

/**
 * The two label groups of the method (METHOD §3.3–4), named after the paper's label words: {@link #FOO} for class 0
 * and {@link #BAR} for class 1, whatever the label words are. A <em>foo head</em> is an in-context head whose foo
 * score is at least its bar score; the <em>foo positions</em> are the label positions of demonstrations of class 0.
 * Written in CSV and JSON as {@link #key()} ({@code foo}, {@code bar}); where a result names a group of heads or of
 * positions it writes {@link #heads()} or {@link #positions()} ({@link HeadsJson.GroupAsHeads},
 * {@link HeadsJson.GroupAsPositions}).
 */
public enum LabelGroup {
    /** Class 0: foo heads, foo positions. */
    FOO("foo"),
    /** Class 1: bar heads, bar positions. */
    BAR("bar");

    private final String key;

    LabelGroup(String key) {
        this.key = key;
    }

    /**
     * The group of a class index.
     *
     * @param label 0 or 1
     * @return {@link #FOO} for 0, {@link #BAR} for 1
     * @throws IllegalArgumentException for any other label
     */
    public static LabelGroup ofLabel(int label) {
        if (label < 0 || label > 1) {
            throw new IllegalArgumentException("label " + label + " out of range [0, 1]");
        }
        return values()[label];
    }

    /** The class index: 0 for {@link #FOO}, 1 for {@link #BAR}. */
    public int label() {
        return ordinal();
    }

    /** The name in CSV and JSON: {@code foo} or {@code bar}. */
    @JsonValue
    public String key() {
        return key;
    }

    /** The group's heads by name: {@code foo heads} or {@code bar heads}. */
    public String heads() {
        return key + " heads";
    }

    /** The group's label positions by name: {@code foo positions} or {@code bar positions}. */
    public String positions() {
        return key + " positions";
    }

    /** {@link #key()}. */
    @Override
    public String toString() {
        return key;
    }
}
