package io.github.icl4j.bias;

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
}
