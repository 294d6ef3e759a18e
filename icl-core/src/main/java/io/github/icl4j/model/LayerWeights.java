package io.github.icl4j.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.bytedeco.pytorch.Tensor;

/**
 * The tensors of one block in the canonical layout every family is converted to on load. Optional ones are
 * {@code null}. Linear weights are {@code [out, in]} as in {@code torch.nn.Linear}.
 *
 * @param ln1W  first norm scale {@code [d]}
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
 */
public record LayerWeights(
        Tensor ln1W, Tensor ln1B, Tensor ln2W, Tensor ln2B,
        Tensor wQ, Tensor bQ, Tensor wK, Tensor bK, Tensor wV, Tensor bV, Tensor wO, Tensor bO,
        Tensor wGate, Tensor wUp, Tensor bUp, Tensor wDown, Tensor bDown) {

    public LayerWeights {
        Objects.requireNonNull(ln1W, "ln1W");
        Objects.requireNonNull(wQ, "wQ");
        Objects.requireNonNull(wK, "wK");
        Objects.requireNonNull(wV, "wV");
        Objects.requireNonNull(wO, "wO");
        Objects.requireNonNull(wUp, "wUp");
        Objects.requireNonNull(wDown, "wDown");
    }

    /** Every non-null tensor, in a fixed order. */
    public List<Tensor> tensors() {
        List<Tensor> out = new ArrayList<>();
        for (Tensor t : new Tensor[] {ln1W, ln1B, ln2W, ln2B, wQ, bQ, wK, bK, wV, bV, wO, bO, wGate, wUp, bUp, wDown,
            bDown}) {
            if (t != null) {
                out.add(t);
            }
        }
        return out;
    }
}
