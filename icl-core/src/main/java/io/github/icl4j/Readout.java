package io.github.icl4j;

import java.util.Map;
import java.util.TreeMap;

/**
 * What one {@link Probe.Step#read} pass gathered; a quantity not asked for is null.
 *
 * @param logits             {@code [prompt][vocab]} at each last position
 * @param labelProbabilities label-word probabilities, predictions and gold labels
 * @param attention          attention from each last position
 * @param headOutputs        every head's output at each last position
 * @param residuals          layer to {@code [prompt][d]} at each last position
 */
public record Readout(float[][] logits, LabelProbabilities labelProbabilities, AttentionMap attention,
        HeadOutputs headOutputs, Map<Integer, float[][]> residuals) {
    public Readout {
        residuals = residuals == null ? null : java.util.Collections.unmodifiableMap(new TreeMap<>(residuals));
    }

    @Override
    public String toString() {
        return "Readout[" + (logits == null ? "" : "logits of " + logits.length + " prompts, ")
                + (labelProbabilities == null ? "" : labelProbabilities + ", ")
                + (attention == null ? "" : "attention, ") + (headOutputs == null ? "" : headOutputs + ", ")
                + (residuals == null ? "" : "residuals at " + residuals.keySet()) + "]";
    }
}
