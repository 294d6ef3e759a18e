package io.github.icl4j.bias;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import java.io.IOException;

/**
 * What is done against a bias, one row of a comparison: nothing, a calibration baseline (METHOD §6), the
 * in-context-head fix of the bias studied (METHOD §5: the value-output boost for majority-label bias, rotary-free
 * in-context heads for recency bias), or the fix followed by a calibration.
 */
public enum Correction {
    /** No correction. */
    NONE(false, Calibration.Kind.NONE, "none"),
    /** Contextual calibration. */
    CONTEXTUAL(false, Calibration.Kind.CONTEXTUAL, "contextual calibration"),
    /** Domain-context calibration. */
    DOMAIN(false, Calibration.Kind.DOMAIN, "domain-context calibration"),
    /** Batch calibration. */
    BATCH(false, Calibration.Kind.BATCH, "batch calibration"),
    /** The in-context-head fix. */
    FIX(true, Calibration.Kind.NONE, "in-context-head fix"),
    /** The fix, then contextual calibration (its prior measured with the fix on). */
    FIX_CONTEXTUAL(true, Calibration.Kind.CONTEXTUAL, "fix + contextual calibration"),
    /** The fix, then domain-context calibration. */
    FIX_DOMAIN(true, Calibration.Kind.DOMAIN, "fix + domain-context calibration"),
    /** The fix, then batch calibration. */
    FIX_BATCH(true, Calibration.Kind.BATCH, "fix + batch calibration");

    private final boolean fix;
    private final Calibration.Kind calibration;
    private final String label;

    Correction(boolean fix, Calibration.Kind calibration, String label) {
        this.fix = fix;
        this.calibration = calibration;
        this.label = label;
    }

    /** True when the model runs with the in-context-head fix. */
    public boolean usesFix() {
        return fix;
    }

    /** The calibration applied to the label probabilities afterwards. */
    public Calibration.Kind calibration() {
        return calibration;
    }

    /** A readable name, e.g. {@code fix + batch calibration}. */
    public String label() {
        return label;
    }

    /** The name in CSV files: lower case, e.g. {@code fix_batch}. */
    public String key() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    /**
     * The correction of a readable name.
     *
     * @param label a {@link #label()}, e.g. {@code fix + batch calibration}
     * @return the correction
     * @throws IllegalArgumentException naming the label and the known ones
     */
    public static Correction ofLabel(String label) {
        for (Correction c : values()) {
            if (c.label.equals(label)) {
                return c;
            }
        }
        throw new IllegalArgumentException("no correction '" + label + "'; corrections: "
                + java.util.Arrays.stream(values()).map(Correction::label).toList());
    }

    /**
     * Writes a correction in JSON as its {@link #label()} (where a result names it for readers):
     * {@code @JsonSerialize(using = Correction.AsLabel.class) @JsonDeserialize(using = Correction.AsLabelReader.class)}.
     */
    public static final class AsLabel extends StdSerializer<Correction> {
        /** The serializer. */
        public AsLabel() {
            super(Correction.class);
        }

        @Override
        public void serialize(Correction c, JsonGenerator g, SerializerProvider p) throws IOException {
            g.writeString(c.label());
        }
    }

    /** Reads what {@link AsLabel} writes. */
    public static final class AsLabelReader extends StdDeserializer<Correction> {
        /** The deserializer. */
        public AsLabelReader() {
            super(Correction.class);
        }

        @Override
        public Correction deserialize(JsonParser p, DeserializationContext ctx) throws IOException {
            String s = p.getValueAsString();
            try {
                return ofLabel(s);
            } catch (IllegalArgumentException e) {
                return (Correction) ctx.handleWeirdStringValue(Correction.class, s, e.getMessage());
            }
        }
    }
}
