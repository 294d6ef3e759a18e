package io.github.icl4j.model.arch;

import io.github.icl4j.model.LayerWeights;
import io.github.icl4j.model.ModelConfig;
import io.github.icl4j.model.ModelConfig.QkNorm;
import io.github.icl4j.model.TransformerWeights;
import java.util.Map;
import org.bytedeco.pytorch.Tensor;

/**
 * One tensor of the canonical layout ({@link TransformerWeights}, {@link LayerWeights}) that a checkpoint tensor
 * fills, with the shape a configuration gives it. Block slots are per layer; the others are the model's ends.
 */
public enum WeightSlot {
    /** Token embedding {@code [vocab, d]}. */
    EMBED,
    /** Learned position embedding {@code [maxPositions, d]}. */
    POS_EMBED,
    /** Final norm scale {@code [d]}. */
    FINAL_NORM_W,
    /** Final norm bias {@code [d]}. */
    FINAL_NORM_B,
    /** Unembedding {@code [vocab, d]}. */
    UNEMBED,
    /** Unembedding bias {@code [vocab]}. */
    UNEMBED_BIAS,
    /** Norm before attention, scale {@code [d]}. */
    LN1_W,
    /** Norm before attention, bias {@code [d]}. */
    LN1_B,
    /** Norm before the MLP, scale {@code [d]}. */
    LN2_W,
    /** Norm before the MLP, bias {@code [d]}. */
    LN2_B,
    /** Query projection {@code [nHeads*dHead, d]}. */
    Q_W,
    /** Query bias {@code [nHeads*dHead]}. */
    Q_B,
    /** Key projection {@code [nKvHeads*dHead, d]}. */
    K_W,
    /** Key bias {@code [nKvHeads*dHead]}. */
    K_B,
    /** Value projection {@code [nKvHeads*dHead, d]}. */
    V_W,
    /** Value bias {@code [nKvHeads*dHead]}. */
    V_B,
    /** Attention output projection {@code [d, nHeads*dHead]}. */
    O_W,
    /** Attention output bias {@code [d]}. */
    O_B,
    /** Gate projection {@code [dMlp, d]}. */
    GATE_W,
    /** Gate bias {@code [dMlp]}. */
    GATE_B,
    /** Up projection {@code [dMlp, d]}. */
    UP_W,
    /** Up bias {@code [dMlp]}. */
    UP_B,
    /** Down projection {@code [d, dMlp]}. */
    DOWN_W,
    /** Down bias {@code [d]}. */
    DOWN_B,
    /** Query RMSNorm scale: {@code [dHead]} per head, or {@code [nHeads*dHead]} over the projection. */
    Q_NORM_W,
    /** Key RMSNorm scale: {@code [dHead]} per head, or {@code [nKvHeads*dHead]} over the projection. */
    K_NORM_W,
    /** Norm on the attention output, scale {@code [d]}. */
    POST_ATTN_NORM_W,
    /** Norm on the MLP output, scale {@code [d]}. */
    POST_MLP_NORM_W;

    /** True for the per-layer slots of {@link LayerWeights}. */
    boolean inBlock() {
        return ordinal() >= LN1_W.ordinal();
    }

    /** The canonical shape of this slot under {@code m}. */
    long[] shape(ModelConfig m) {
        long d = m.dModel();
        long f = m.dMlp();
        long e = m.dHead();
        long q = (long) m.nHeads() * e;
        long kv = (long) m.nKvHeads() * e;
        boolean perHead = m.qkNorm() == QkNorm.PER_HEAD;
        return switch (this) {
            case EMBED, UNEMBED -> new long[] {m.vocabSize(), d};
            case POS_EMBED -> new long[] {m.maxPositions(), d};
            case UNEMBED_BIAS -> new long[] {m.vocabSize()};
            case FINAL_NORM_W, FINAL_NORM_B, LN1_W, LN1_B, LN2_W, LN2_B, O_B, DOWN_B, POST_ATTN_NORM_W,
                    POST_MLP_NORM_W -> new long[] {d};
            case Q_W -> new long[] {q, d};
            case Q_B -> new long[] {q};
            case K_W, V_W -> new long[] {kv, d};
            case K_B, V_B -> new long[] {kv};
            case O_W -> new long[] {d, q};
            case GATE_W, UP_W -> new long[] {f, d};
            case GATE_B, UP_B -> new long[] {f};
            case DOWN_W -> new long[] {d, f};
            case Q_NORM_W -> new long[] {perHead ? e : q};
            case K_NORM_W -> new long[] {perHead ? e : kv};
        };
    }

    /** This slot's tensor in {@code w} (a block slot reads layer {@code layer}), or null when absent. */
    Tensor of(TransformerWeights w, int layer) {
        if (!inBlock()) {
            return switch (this) {
                case EMBED -> w.embed();
                case POS_EMBED -> w.posEmbed();
                case FINAL_NORM_W -> w.finalNormW();
                case FINAL_NORM_B -> w.finalNormB();
                case UNEMBED -> w.unembed();
                default -> w.unembedBias();
            };
        }
        LayerWeights l = w.layers().get(layer);
        return switch (this) {
            case LN1_W -> l.ln1W();
            case LN1_B -> l.ln1B();
            case LN2_W -> l.ln2W();
            case LN2_B -> l.ln2B();
            case Q_W -> l.wQ();
            case Q_B -> l.bQ();
            case K_W -> l.wK();
            case K_B -> l.bK();
            case V_W -> l.wV();
            case V_B -> l.bV();
            case O_W -> l.wO();
            case O_B -> l.bO();
            case GATE_W -> l.wGate();
            case GATE_B -> l.bGate();
            case UP_W -> l.wUp();
            case UP_B -> l.bUp();
            case DOWN_W -> l.wDown();
            case DOWN_B -> l.bDown();
            case Q_NORM_W -> l.qNormW();
            case K_NORM_W -> l.kNormW();
            case POST_ATTN_NORM_W -> l.postAttnNormW();
            default -> l.postMlpNormW();
        };
    }

    /** The block whose slots {@code t} holds (absent slots are null). */
    static LayerWeights layer(Map<WeightSlot, Tensor> t) {
        return new LayerWeights(t.get(LN1_W), t.get(LN1_B), t.get(LN2_W), t.get(LN2_B), t.get(Q_W), t.get(Q_B),
                t.get(K_W), t.get(K_B), t.get(V_W), t.get(V_B), t.get(O_W), t.get(O_B), t.get(GATE_W), t.get(UP_W),
                t.get(UP_B), t.get(DOWN_W), t.get(DOWN_B), t.get(GATE_B), t.get(Q_NORM_W), t.get(K_NORM_W),
                t.get(POST_ATTN_NORM_W), null, t.get(POST_MLP_NORM_W), null);
    }
}
