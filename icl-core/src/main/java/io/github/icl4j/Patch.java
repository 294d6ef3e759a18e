package io.github.icl4j;

import java.util.List;
import java.util.Objects;

/**
 * What {@link Probe.Step#patchHeads} does to each chosen head's output ({@code hook_z}, before the output
 * projection, where heads are separable).
 *
 * <ul>
 *   <li>{@link #zero()}: remove the head (the paper's ablation).</li>
 *   <li>{@link #scale(double)}: multiply its output.</li>
 *   <li>{@link #mean(List)}: replace it by its mean output over other prompts (mean ablation).</li>
 *   <li>{@link #from(ActivationCache)}: replace it by its output in another run (activation patching).</li>
 * </ul>
 * By default a patch acts at every position; {@link #atLastPosition()} restricts it to the final token.
 */
public final class Patch {
    /** The kinds of patch. */
    public enum Kind { ZERO, SCALE, MEAN, FROM }

    private final Kind kind;
    private final double factor;
    private final List<? extends PromptTokens> meanOver;
    private final ActivationCache source;
    private final boolean lastOnly;

    private Patch(Kind kind, double factor, List<? extends PromptTokens> meanOver, ActivationCache source,
            boolean lastOnly) {
        this.kind = kind;
        this.factor = factor;
        this.meanOver = meanOver;
        this.source = source;
        this.lastOnly = lastOnly;
    }

    /** Zero the head's output. */
    public static Patch zero() {
        return new Patch(Kind.ZERO, 0, null, null, false);
    }

    /**
     * Multiply the head's output by {@code factor}.
     *
     * @throws IllegalArgumentException for a non-finite factor
     */
    public static Patch scale(double factor) {
        if (!Double.isFinite(factor)) {
            throw new IllegalArgumentException("scale factor " + factor + " must be finite");
        }
        return new Patch(Kind.SCALE, factor, null, null, false);
    }

    /**
     * Replace the head's output by its mean over every real position of {@code prompts}.
     *
     * @throws IllegalArgumentException when {@code prompts} is empty
     */
    public static Patch mean(List<? extends PromptTokens> prompts) {
        if (prompts == null || prompts.isEmpty()) {
            throw new IllegalArgumentException("mean patch needs at least one prompt to average over; got none");
        }
        return new Patch(Kind.MEAN, 0, List.copyOf(prompts), null, false);
    }

    /**
     * Replace the head's output by the {@code hook_z} recorded in {@code otherRun} (same batch shape; with
     * {@link #atLastPosition()}, only the last position of each prompt is copied, so lengths may differ).
     */
    public static Patch from(ActivationCache otherRun) {
        return new Patch(Kind.FROM, 0, null, Objects.requireNonNull(otherRun, "otherRun"), false);
    }

    /** The same patch at each prompt's last position only. */
    public Patch atLastPosition() {
        return new Patch(kind, factor, meanOver, source, true);
    }

    public Kind kind() {
        return kind;
    }

    public double factor() {
        return factor;
    }

    /** The prompts a {@link Kind#MEAN} patch averages over (null for other kinds). */
    public List<? extends PromptTokens> meanOver() {
        return meanOver;
    }

    /** The other run a {@link Kind#FROM} patch copies from (null for other kinds). */
    public ActivationCache source() {
        return source;
    }

    public boolean lastOnly() {
        return lastOnly;
    }

    @Override
    public String toString() {
        String base = switch (kind) {
            case ZERO -> "zero";
            case SCALE -> "scale(" + factor + ")";
            case MEAN -> "mean(" + meanOver.size() + " prompts)";
            case FROM -> "from(other run)";
        };
        return "Patch." + base + (lastOnly ? ".atLastPosition()" : "");
    }
}
