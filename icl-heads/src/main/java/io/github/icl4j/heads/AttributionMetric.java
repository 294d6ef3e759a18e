package io.github.icl4j.heads;

import io.github.icl4j.LabelProbabilities;
import io.github.icl4j.PromptTokens;
import io.github.icl4j.engine.GradientMetric;
import io.github.icl4j.engine.HeadMath;
import io.github.icl4j.runtime.Tensors;
import java.util.List;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * The quantity attribution patching differentiates, per prompt, at its last position: both are functions of the
 * logits, so the same definition gives the gradient ({@link #gradient}) and the true effect of a real ablation from
 * its label outcome ({@link #of}). The calibrated readouts of METHOD §8 are not offered yet (a follow-up: they need
 * the batch-calibrated readout in core).
 */
public enum AttributionMetric {
    /**
     * The logit of the gold label word minus the other label word's (the default): the log-odds of the gold label
     * renormalised over the two label words, what accuracy under protocol (a) thresholds at 0.
     */
    LOGIT_DIFF,
    /** The log-probability of the gold label word under the full-vocabulary softmax (protocol (b)'s quantity). */
    LABEL_LOG_PROB;

    /**
     * The metric as a {@link GradientMetric} over prompts whose label words are {@code labelIds} ({foo, bar}) and
     * whose gold labels are 0 or 1.
     */
    public GradientMetric gradient(long[] labelIds) {
        long[] ids = labelIds.clone();
        return (logits, residual, prompts) -> {
            long[] gold = gold(prompts);
            if (this == LOGIT_DIFF) {
                Tensor pair = logits.index_select(1, HeadMath.longs(new int[] {(int) ids[0], (int) ids[1]}, logits));
                // [b, 2] -> [b]: foo − bar, its sign flipped where the gold label is bar
                float[] sign = new float[gold.length];
                for (int i = 0; i < gold.length; i++) {
                    sign[i] = gold[i] == 0 ? 1f : -1f;
                }
                Tensor diff = pair.select(1, 0).sub(pair.select(1, 1));
                return diff.mul(Tensors.fromFloats(sign, sign.length).to(logits.device(), ScalarType.Float));
            }
            long[] goldIds = new long[gold.length];
            for (int i = 0; i < gold.length; i++) {
                goldIds[i] = ids[(int) gold[i]];
            }
            Tensor idx = Tensors.fromLongs(goldIds, goldIds.length, 1).to(logits.device(), ScalarType.Long); // [b, 1]
            return torch.log_softmax(logits, 1).gather(1, idx).squeeze(1); // [b, vocab] -> [b]
        };
    }

    /** The metric of one label outcome (its gold label 0 or 1), from what an ablation pass reads. */
    public double of(LabelProbabilities.Row r) {
        int g = r.gold();
        if (g != 0 && g != 1) {
            throw new IllegalArgumentException("the metric needs a gold label 0 or 1; got " + g);
        }
        return this == LOGIT_DIFF ? Math.log(r.prob(g)) - Math.log(r.prob(1 - g)) : Math.log(r.rawProbs()[g]);
    }

    private static long[] gold(List<PromptTokens> prompts) {
        long[] g = new long[prompts.size()];
        for (int i = 0; i < g.length; i++) {
            int q = prompts.get(i).queryLabel();
            if (q != 0 && q != 1) {
                throw new IllegalArgumentException("prompt " + i + " has gold label " + q + "; attribution patching "
                        + "needs 0 (foo) or 1 (bar)");
            }
            g[i] = q;
        }
        return g;
    }
}
