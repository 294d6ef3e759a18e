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
 * @param ln1W  first norm scale {@code [d]}; null for a block with no norm before attention
 * @param ln1B  first norm bias {@code [d]} (LayerNorm only)
 * @param ln2W  second norm scale {@code [d]}; null when one norm feeds both (GPT-J)
 * @param ln2B  second norm bias
 * @param wQ    {@code [nHeads*dHead, d]}
 * @param bQ    {@code [nHeads*dHead]}
 * @param wK    {@code [nKvHeads*dHead, d]}
 * @param bK    {@code [nKvHeads*dHead]}
 * @param wV    {@code [nKvHeads*dHead, d]}
 * @param bV    {@code [nKvHeads*dHead]}
 * @param wO    {@code [d, nHeads*dHead]}; head h reads columns {@code [h*dHead, (h+1)*dHead)}
 * @param bO    {@code [d]}
 * @param wGate {@code [dMlp, d]} (gated MLP only)
 * @param wUp   {@code [dMlp, d]}
 * @param bUp   {@code [dMlp]}
 * @param wDown {@code [d, dMlp]}
 * @param bDown {@code [d]}
 * @param ln1PostW norm on the attention output {@code [d]} (Gemma 2/3 {@code post_attention_layernorm})
 * @param ln2PostW norm on the MLP output {@code [d]} (Gemma 2/3 {@code post_feedforward_layernorm})
 * @param qNormW   RMSNorm scale of the queries: {@code [dHead]} per head, or {@code [nHeads*dHead]} over all
 * @param kNormW   RMSNorm scale of the keys: {@code [dHead]} per head, or {@code [nKvHeads*dHead]} over all
 */
public record LayerWeights(
        Tensor ln1W, Tensor ln1B, Tensor ln2W, Tensor ln2B,
        Tensor wQ, Tensor bQ, Tensor wK, Tensor bK, Tensor wV, Tensor bV, Tensor wO, Tensor bO,
        Tensor wGate, Tensor wUp, Tensor bUp, Tensor wDown, Tensor bDown,
        Tensor ln1PostW, Tensor ln2PostW, Tensor qNormW, Tensor kNormW) {

    public LayerWeights {
        Objects.requireNonNull(wQ, "wQ");
        Objects.requireNonNull(wK, "wK");
        Objects.requireNonNull(wV, "wV");
        Objects.requireNonNull(wO, "wO");
        Objects.requireNonNull(wUp, "wUp");
        Objects.requireNonNull(wDown, "wDown");
    }

    /** A block without post norms or q/k norms (every family before Gemma 2). */
    public LayerWeights(Tensor ln1W, Tensor ln1B, Tensor ln2W, Tensor ln2B,
            Tensor wQ, Tensor bQ, Tensor wK, Tensor bK, Tensor wV, Tensor bV, Tensor wO, Tensor bO,
            Tensor wGate, Tensor wUp, Tensor bUp, Tensor wDown, Tensor bDown) {
        this(ln1W, ln1B, ln2W, ln2B, wQ, bQ, wK, bK, wV, bV, wO, bO, wGate, wUp, bUp, wDown, bDown, null, null, null,
                null);
    }

    /** The same block with every tensor replaced by {@code f(tensor)} (nulls stay null). */
    public LayerWeights map(UnaryOperator<Tensor> f) {
        UnaryOperator<Tensor> g = t -> t == null ? null : f.apply(t);
        return new LayerWeights(g.apply(ln1W), g.apply(ln1B), g.apply(ln2W), g.apply(ln2B), g.apply(wQ), g.apply(bQ),
                g.apply(wK), g.apply(bK), g.apply(wV), g.apply(bV), g.apply(wO), g.apply(bO), g.apply(wGate),
                g.apply(wUp), g.apply(bUp), g.apply(wDown), g.apply(bDown), g.apply(ln1PostW), g.apply(ln2PostW),
                g.apply(qNormW), g.apply(kNormW));
    }

    /** Every non-null tensor, in a fixed order. */
    public List<Tensor> tensors() {
        List<Tensor> out = new ArrayList<>();
        for (Tensor t : new Tensor[] {ln1W, ln1B, ln2W, ln2B, wQ, bQ, wK, bK, wV, bV, wO, bO, wGate, wUp, bUp, wDown,
            bDown, ln1PostW, ln2PostW, qNormW, kNormW}) {
            if (t != null) {
                out.add(t);
            }
        }
        return out;
    }
}
