package io.github.icl4j.engine;

import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.TreeSet;

/**
 * What one {@link Pass} reads, all gathered in the same forward pass. Immutable; each method returns a copy with
 * one more read. Reads "at the last position" keep only each prompt's last row, so a pass over long prompts holds
 * little; only the logits of the last positions are ever computed ({@link #lastLogits()}).
 *
 * <pre>{@code
 * Reads r = Reads.none().lastLogits().attentionRows(3, 4).headOutputs(4).residuals(0, nLayers);
 * }</pre>
 */
public final class Reads {
    private static final Reads NONE = new Reads(false, Set.of(), Set.of(), Set.of(), Set.of(), Set.of(), null,
            Set.of());

    private final boolean lastLogits;
    private final Set<Integer> residuals;
    private final Set<Integer> headOutputs;
    private final Set<Integer> attentionRows;
    private final Set<Integer> attentionState;
    private final Set<String> activations;
    private final GradientMetric gradientMetric;
    private final Set<Integer> zGradients;

    private Reads(boolean lastLogits, Set<Integer> residuals, Set<Integer> headOutputs, Set<Integer> attentionRows,
            Set<Integer> attentionState, Set<String> activations, GradientMetric gradientMetric,
            Set<Integer> zGradients) {
        this.lastLogits = lastLogits;
        this.residuals = residuals;
        this.headOutputs = headOutputs;
        this.attentionRows = attentionRows;
        this.attentionState = attentionState;
        this.activations = activations;
        this.gradientMetric = gradientMetric;
        this.zGradients = zGradients;
    }

    /** Nothing read (the pass only runs, e.g. to apply interventions). */
    public static Reads none() {
        return NONE;
    }

    /** The logits {@code [b, vocab]} (fp32) at each prompt's last position; no other position is unembedded. */
    public Reads lastLogits() {
        return new Reads(true, residuals, headOutputs, attentionRows, attentionState, activations,
                gradientMetric, zGradients);
    }

    /**
     * The residual stream {@code [b, d]} at each prompt's last position entering each of {@code layers}
     * ({@code blocks.{l}.hook_resid_pre}); layer {@code nLayers} is the final residual, just before the final norm.
     */
    public Reads residuals(int... layers) {
        return new Reads(lastLogits, plus(residuals, layers), headOutputs, attentionRows, attentionState, activations,
                gradientMetric, zGradients);
    }

    /**
     * Each head's output in model space {@code [b, h, d]} at the last position ({@code hook_z} through its W_O slice,
     * then under a post-attention norm through it with the real scale: {@code hook_result}'s rows).
     */
    public Reads headOutputs(int... layers) {
        return new Reads(lastLogits, residuals, plus(headOutputs, layers), attentionRows, attentionState, activations,
                gradientMetric, zGradients);
    }

    /** The attention pattern's row at each prompt's last position {@code [b, h, t]} (every key position). */
    public Reads attentionRows(int... layers) {
        return new Reads(lastLogits, residuals, headOutputs, plus(attentionRows, layers), attentionState, activations,
                gradientMetric, zGradients);
    }

    /**
     * The attention's inputs over the whole sequence: {@code q} and {@code rot_q} {@code [b, s, h, e]} (this pass's
     * positions), {@code k}, {@code rot_k} and {@code v} {@code [b, t, kv, e]} (every key position, a reused prefix
     * included).
     */
    public Reads attentionState(int... layers) {
        return new Reads(lastLogits, residuals, headOutputs, attentionRows, plus(attentionState, layers), activations,
                gradientMetric, zGradients);
    }

    /** Whole activations at hook points ({@code blocks.2.ln1.hook_normalized}, ...), as the forward made them. */
    public Reads activations(String... hookNames) {
        Set<String> s = new LinkedHashSet<>(activations);
        s.addAll(java.util.List.of(hookNames));
        return new Reads(lastLogits, residuals, headOutputs, attentionRows, attentionState,
                Collections.unmodifiableSet(s), gradientMetric, zGradients);
    }

    /**
     * A gradient pass: autograd on for this forward, {@code hook_z} of each of {@code layers} kept over the whole
     * sequence with {@code ∂metric/∂hook_z} ({@link Chunk#z}, {@link Chunk#zGradient}, {@link Chunk#metric}), from
     * one backward pass of the batch's summed metric. The gradient is the total derivative through every later
     * layer. Under a post-attention norm (Gemma 2/3, OLMo-2) the norm's divisor is held at the real forward's value
     * in the backward pass, the frozen-scale rule of {@code Transformer#throughAttentionPostNorm}: a head's output
     * then reaches the residual linearly, as in head scores and {@code hook_result}. The autograd graph lives only
     * inside the forward; the kept tensors have none. Whole-sequence, so no prefix reuse.
     *
     * @throws IllegalArgumentException for a null metric or no layers
     */
    public Reads zGradients(GradientMetric metric, int... layers) {
        if (metric == null) {
            throw new IllegalArgumentException("a gradient read needs a metric; got null");
        }
        if (layers.length == 0) {
            throw new IllegalArgumentException("a gradient read needs at least one layer; got none");
        }
        return new Reads(lastLogits, residuals, headOutputs, attentionRows, attentionState, activations, metric,
                plus(zGradients, layers));
    }

    /** The metric of a gradient pass, or null when the pass has none ({@link #zGradients}). */
    public GradientMetric gradientMetric() {
        return gradientMetric;
    }

    /** The layers whose {@code hook_z} gradient is read. */
    public Set<Integer> zGradients() {
        return zGradients;
    }

    public boolean hasLastLogits() {
        return lastLogits;
    }

    public Set<Integer> residuals() {
        return residuals;
    }

    public Set<Integer> headOutputs() {
        return headOutputs;
    }

    public Set<Integer> attentionRows() {
        return attentionRows;
    }

    public Set<Integer> attentionState() {
        return attentionState;
    }

    public Set<String> activations() {
        return activations;
    }

    /** True when every read is at the last position (so a shared prefix may be computed once). */
    public boolean lastPositionOnly() {
        return activations.isEmpty() && gradientMetric == null;
    }

    private static Set<Integer> plus(Set<Integer> s, int... layers) {
        Set<Integer> out = new TreeSet<>(s);
        for (int l : layers) {
            out.add(l);
        }
        return Collections.unmodifiableSet(out);
    }

    @Override
    public String toString() {
        return "Reads[" + (lastLogits ? "lastLogits " : "") + "residuals " + residuals + ", headOutputs " + headOutputs
                + ", attentionRows " + attentionRows + ", attentionState " + attentionState + ", activations "
                + activations + (gradientMetric == null ? "" : ", zGradients " + zGradients) + "]";
    }
}
