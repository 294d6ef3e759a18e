package io.github.icl4j;

/**
 * One quantity {@link Probe.Step#read} gathers; several share one forward pass.
 *
 * <pre>{@code
 * Readout r = Probe.on(model).prompts(prompts)
 *         .read(Read.labelProbabilities(), Read.attentionAtLabels(), Read.headOutputs());
 * }</pre>
 */
public sealed interface Read {
    /** Logits at each prompt's last position ({@link Readout#logits()}). */
    static Read logits() {
        return new Logits();
    }

    /** Label-word probabilities ({@link Readout#labelProbabilities()}); prompts must carry label token ids. */
    static Read labelProbabilities() {
        return new Labels();
    }

    /** Attention from each last position to these positions, every layer and head ({@link Readout#attention()}). */
    static Read attentionAt(int... positions) {
        return new Attention(positions.clone(), false);
    }

    /** Attention from each last position to the prompt's own label positions ({@link Readout#attention()}). */
    static Read attentionAtLabels() {
        return new Attention(new int[0], true);
    }

    /** Every head's output at each last position ({@link Readout#headOutputs()}). */
    static Read headOutputs() {
        return new Heads();
    }

    /**
     * The residual stream at each last position entering these layers ({@code nLayers}: the final residual)
     * ({@link Readout#residuals()}).
     */
    static Read residuals(int... layers) {
        return new Residuals(layers.clone());
    }

    /** See {@link #logits()}. */
    record Logits() implements Read {
    }

    /** See {@link #labelProbabilities()}. */
    record Labels() implements Read {
    }

    /** See {@link #attentionAt}. */
    record Attention(int[] positions, boolean atLabels) implements Read {
    }

    /** See {@link #headOutputs()}. */
    record Heads() implements Read {
    }

    /** See {@link #residuals}. */
    record Residuals(int[] layers) implements Read {
    }
}
