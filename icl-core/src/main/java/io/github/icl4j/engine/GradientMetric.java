package io.github.icl4j.engine;

import io.github.icl4j.PromptTokens;
import java.util.List;
import org.bytedeco.pytorch.Tensor;

/**
 * The scalar per prompt that a gradient pass ({@link Reads#zGradients}) differentiates: made from the pass's own
 * tensors, which carry the autograd graph, so {@code ∂metric/∂hook_z} of every read layer comes from one backward
 * pass. Rows must not mix (each row's value depends on its own inputs only), so the gradient of the batch's sum is
 * each row's own gradient. Attribution patching in icl-heads uses it with the label logit difference or the gold
 * label's log-probability; a linear function of the final residual makes a head's effect exactly linear (tests).
 */
@FunctionalInterface
public interface GradientMetric {
    /**
     * The metric of each row, {@code [b]}, differentiable.
     *
     * @param lastLogits    {@code [b, vocab]} fp32 logits at each prompt's last position
     * @param finalResidual {@code [b, d]} the residual stream at each prompt's last position before the final norm
     *                      ({@code blocks.{n-1}.hook_resid_post})
     * @param prompts       the rows' prompts (label words, gold labels)
     */
    Tensor of(Tensor lastLogits, Tensor finalResidual, List<PromptTokens> prompts);
}
