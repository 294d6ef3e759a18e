package io.github.icl4j.heads;

import static io.github.icl4j.OptionChecks.atLeast;
import static io.github.icl4j.OptionChecks.nonNull;

import io.soabase.recordbuilder.core.RecordBuilder;

/**
 * The choices of attribution patching (AtP: Nanda 2023; AtP*: Kramár et al. 2024), used by
 * {@link InContextHeads#attribution} and by the ablation ranking's AtP screens ({@link AblationScreen}), held in
 * {@link HeadOptions#attribution()}. Immutable: the generated {@code AttributionOptionsBuilder} gives a builder and a
 * {@code with…} per component that returns a copy.
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
@RecordBuilder
public record AttributionOptions(Patch patch, AttributionMetric metric, boolean gradDrop, int verifyTop)
        implements AttributionOptionsBuilder.With {

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
        nonNull("patch", patch);
        nonNull("metric", metric);
        atLeast("verifyTop", verifyTop, 0);
    }

    /** Zero patch, logit difference, no GradDrop, 20 heads verified. */
    public static AttributionOptions defaults() {
        return new AttributionOptions(Patch.ZERO, AttributionMetric.LOGIT_DIFF, false, 20);
    }

    /** {@code AttributionOptions[ZERO patch, LOGIT_DIFF, GradDrop off, verify top 20]}. */
    @Override
    public String toString() {
        return "AttributionOptions[" + patch + " patch, " + metric + ", GradDrop " + (gradDrop ? "on" : "off")
                + ", verify top " + verifyTop + "]";
    }
}
