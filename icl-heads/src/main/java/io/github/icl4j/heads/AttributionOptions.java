package io.github.icl4j.heads;

/**
 * The choices of attribution patching (AtP: Nanda 2023; AtP*: Kramár et al. 2024), used by
 * {@link InContextHeads#attribution} and by the ablation ranking's AtP screens ({@link AblationScreen}). Immutable:
 * each {@code with…} returns a new record.
 *
 * @param patch     what a head's {@code hook_z} is replaced by in the estimated intervention (default
 *                  {@link Patch#ZERO}, the paper's head removal)
 * @param metric    the differentiated quantity (default {@link AttributionMetric#LOGIT_DIFF})
 * @param gradDrop  AtP*'s GradDrop: heads are ranked by the mean over layers ℓ of the magnitude of the estimate with
 *                  the gradient through layer ℓ's residual writes dropped, which exposes a head whose direct and
 *                  indirect effects cancel (one extra gradient pass per layer above the scan's first; default off)
 * @param verifyTop heads truly ablated by the {@link AblationScreen.Strategy#ATP_VERIFIED} screen, the largest
 *                  scores first (default 20)
 */
public record AttributionOptions(Patch patch, AttributionMetric metric, boolean gradDrop, int verifyTop) {

    /** The intervention whose effect is estimated. */
    public enum Patch {
        /** {@code hook_z} set to zero (the default; what the ablation ranking does). */
        ZERO,
        /** {@code hook_z} set to its mean over every position of every prompt of the run. */
        MEAN,
        /** {@code hook_z} taken from a corrupted prompt of the same length (activation patching). */
        CORRUPTED
    }

    /**
     * Checks each option.
     *
     * @throws IllegalArgumentException naming the option, its value and the allowed range
     */
    public AttributionOptions {
        if (patch == null || metric == null) {
            throw new IllegalArgumentException("patch and metric must not be null; got " + patch + ", " + metric);
        }
        if (verifyTop < 0) {
            throw new IllegalArgumentException("verifyTop " + verifyTop + " out of range [0, ∞)");
        }
    }

    /** Zero patch, logit difference, no GradDrop, 20 heads verified. */
    public static AttributionOptions defaults() {
        return new AttributionOptions(Patch.ZERO, AttributionMetric.LOGIT_DIFF, false, 20);
    }

    /** Sets the patch. */
    public AttributionOptions withPatch(Patch v) {
        return new AttributionOptions(v, metric, gradDrop, verifyTop);
    }

    /** Sets the metric. */
    public AttributionOptions withMetric(AttributionMetric v) {
        return new AttributionOptions(patch, v, gradDrop, verifyTop);
    }

    /** Switches GradDrop on or off. */
    public AttributionOptions withGradDrop(boolean v) {
        return new AttributionOptions(patch, metric, v, verifyTop);
    }

    /** Sets how many heads the verified screen truly ablates. */
    public AttributionOptions withVerifyTop(int v) {
        return new AttributionOptions(patch, metric, gradDrop, v);
    }

    /** {@code AttributionOptions[ZERO patch, LOGIT_DIFF, GradDrop off, verify top 20]}. */
    @Override
    public String toString() {
        return "AttributionOptions[" + patch + " patch, " + metric + ", GradDrop " + (gradDrop ? "on" : "off")
                + ", verify top " + verifyTop + "]";
    }
}
