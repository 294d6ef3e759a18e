package io.github.icl4j.bias;

import com.fasterxml.jackson.annotation.JsonValue;

/**
 * The two biases of in-context learning studied (METHOD §5): majority-label bias (accuracy moves when the
 * demonstrations' labels are imbalanced) and recency bias (accuracy moves with the demonstrations' order). Written
 * in CSV and JSON as {@link #key()}.
 */
public enum BiasKind {
    /** Majority-label bias: {@link BiasStudy#majority}. */
    MAJORITY("majority"),
    /** Recency bias: {@link BiasStudy#recency}. */
    RECENCY("recency");

    private final String key;

    BiasKind(String key) {
        this.key = key;
    }

    /** The name in CSV and JSON: {@code majority} or {@code recency}. */
    @JsonValue
    public String key() {
        return key;
    }

    /** {@link #key()}. */
    @Override
    public String toString() {
        return key;
    }
}
