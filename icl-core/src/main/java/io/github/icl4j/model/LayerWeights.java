package io.github.icl4j.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.UnaryOperator;
import org.bytedeco.pytorch.Tensor;

/**
 * The tensors of one block in the canonical layout every family is converted to on load. Optional ones are
 * {@code null}. Linear weights are {@code [out, in]} as in {@code torch.nn.Linear}.
 *
 * @param ln1W          norm before attention, scale {@code [d]}; null when the block has no pre-norms (OLMo-2)
 * @param ln1B          its bias {@code [d]} (LayerNorm only)
 * @param ln2W          norm before the MLP, scale {@code [d]}; null when one norm feeds both (GPT-J) or there are
 *                      no pre-norms
 * @param ln2B          its bias
 * @param wQ            {@code [nHeads*dHead, d]}
 * @param bQ            {@code [nHeads*dHead]}
 * @param wK            {@code [nKvHeads*dHead, d]}
 * @param bK            {@code [nKvHeads*dHead]}
 * @param wV            {@code [nKvHeads*dHead, d]}
 * @param bV            {@code [nKvHeads*dHead]}
 * @param wO            {@code [d, nHeads*dHead]}; head h reads columns {@code [h*dHead, (h+1)*dHead)}
 * @param bO            {@code [d]}
 * @param wGate         {@code [dMlp, d]} (gated MLP only)
 * @param wUp           {@code [dMlp, d]}
 * @param bUp           {@code [dMlp]}
 * @param wDown         {@code [d, dMlp]}
 * @param bDown         {@code [d]}
 * @param bGate         {@code [dMlp]} (gated MLP with {@code mlp_bias})
 * @param qNormW        query RMSNorm scale: {@code [dHead]} per head, or {@code [nHeads*dHead]} over the whole
 *                      projection (see {@link ModelConfig.QkNorm}); null without q/k norm
 * @param kNormW        key RMSNorm scale: {@code [dHead]} or {@code [nKvHeads*dHead]}
 * @param postAttnNormW norm on the attention output before the residual add, scale {@code [d]} (OLMo-2, Gemma 2/3)
 * @param postAttnNormB its bias (LayerNorm only)
 * @param postMlpNormW  norm on the MLP output before the residual add, scale {@code [d]}
 * @param postMlpNormB  its bias (LayerNorm only)
 */
public record LayerWeights(
        Tensor ln1W, Tensor ln1B, Tensor ln2W, Tensor ln2B,
        Tensor wQ, Tensor bQ, Tensor wK, Tensor bK, Tensor wV, Tensor bV, Tensor wO, Tensor bO,
        Tensor wGate, Tensor wUp, Tensor bUp, Tensor wDown, Tensor bDown,
        Tensor bGate, Tensor qNormW, Tensor kNormW,
        Tensor postAttnNormW, Tensor postAttnNormB, Tensor postMlpNormW, Tensor postMlpNormB) {

    public LayerWeights {
        Objects.requireNonNull(wQ, "wQ");
        Objects.requireNonNull(wK, "wK");
        Objects.requireNonNull(wV, "wV");
        Objects.requireNonNull(wO, "wO");
        Objects.requireNonNull(wUp, "wUp");
        Objects.requireNonNull(wDown, "wDown");
        if (ln1W == null && postAttnNormW == null) {
            throw new NullPointerException("ln1W: a block needs a norm before or after attention");
        }
    }

    /** A pre-norm block without gate bias, q/k norm or post-norms (the GPT-2 … Qwen2 layout). */
    public LayerWeights(Tensor ln1W, Tensor ln1B, Tensor ln2W, Tensor ln2B,
            Tensor wQ, Tensor bQ, Tensor wK, Tensor bK, Tensor wV, Tensor bV, Tensor wO, Tensor bO,
            Tensor wGate, Tensor wUp, Tensor bUp, Tensor wDown, Tensor bDown) {
        this(ln1W, ln1B, ln2W, ln2B, wQ, bQ, wK, bK, wV, bV, wO, bO, wGate, wUp, bUp, wDown, bDown,
                null, null, null, null, null, null, null);
    }

    /** Every tensor passed through {@code f} (nulls stay null), e.g. to copy or move the block. */
    public LayerWeights map(UnaryOperator<Tensor> f) {
        UnaryOperator<Tensor> g = t -> t == null ? null : f.apply(t);
        return new LayerWeights(g.apply(ln1W), g.apply(ln1B), g.apply(ln2W), g.apply(ln2B), g.apply(wQ),
                g.apply(bQ), g.apply(wK), g.apply(bK), g.apply(wV), g.apply(bV), g.apply(wO), g.apply(bO),
                g.apply(wGate), g.apply(wUp), g.apply(bUp), g.apply(wDown), g.apply(bDown), g.apply(bGate),
                g.apply(qNormW), g.apply(kNormW), g.apply(postAttnNormW), g.apply(postAttnNormB),
                g.apply(postMlpNormW), g.apply(postMlpNormB));
    }

    /** Every non-null tensor, in a fixed order. */
    public List<Tensor> tensors() {
        List<Tensor> out = new ArrayList<>();
        for (Tensor t : new Tensor[] {ln1W, ln1B, ln2W, ln2B, wQ, bQ, wK, bK, wV, bV, wO, bO, wGate, wUp, bUp, wDown,
            bDown, bGate, qNormW, kNormW, postAttnNormW, postAttnNormB, postMlpNormW, postMlpNormB}) {
            if (t != null) {
                out.add(t);
            }
        }
        return out;
    }
}
