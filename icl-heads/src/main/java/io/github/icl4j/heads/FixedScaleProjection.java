package io.github.icl4j.heads;

import io.github.icl4j.Model;
import io.github.icl4j.model.ModelConfig;
import io.github.icl4j.model.ModelConfig.NormKind;
import io.github.icl4j.model.TransformerWeights;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.ScalarTypeOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * METHOD §2 "vocabulary projection with a fixed scale" (the authors' code): a vector {@code v} read for one prompt
 * is projected with the final norm's scale taken from that prompt's <em>real final residual at the last
 * position</em>, not from {@code v}:
 * <ul>
 *   <li>RMSNorm: {@code proj(v) = W_U (g ⊙ v / sqrt(mean(h_final²) + ε))}</li>
 *   <li>LayerNorm: {@code proj(v) = W_U (γ ⊙ (v − mean(v)) / sqrt(var(h_final) + ε))}, no LayerNorm bias</li>
 * </ul>
 * plus the unembedding bias when {@link HeadOptions#unembedBias()} asks for it. All tensors are fp32 and belong to
 * the caller's {@code PointerScope}.
 */
final class FixedScaleProjection {
    private final Tensor unembed; // [V, d] fp32
    private final Tensor bias; // [V] or null
    private final Tensor gamma; // [d] fp32
    private final boolean layerNorm;
    private final double eps;

    private FixedScaleProjection(Tensor unembed, Tensor bias, Tensor gamma, boolean layerNorm, double eps) {
        this.unembed = unembed;
        this.bias = bias;
        this.gamma = gamma;
        this.layerNorm = layerNorm;
        this.eps = eps;
    }

    /** The projection of a model, inside the caller's scope. */
    static FixedScaleProjection of(Model model, boolean withBias) {
        ModelConfig c = model.config();
        TransformerWeights w = model.transformer().weights();
        Tensor b = withBias && w.unembedBias() != null ? w.unembedBias().to(ScalarType.Float) : null;
        return new FixedScaleProjection(w.unembed().to(ScalarType.Float), b, w.finalNormW().to(ScalarType.Float),
                c.norm() == NormKind.LAYER_NORM, c.normEps());
    }

    /**
     * The fixed inverse scale of each prompt, {@code 1 / sqrt(mean(h²) + ε)} (RMSNorm) or
     * {@code 1 / sqrt(var(h) + ε)} (LayerNorm, biased variance as the norm computes it), from the final residual
     * at the last position {@code [b, d]}; returns {@code [b]}.
     */
    Tensor inverseScale(Tensor finalResidual) {
        Tensor h = finalResidual.to(ScalarType.Float);
        Tensor m = layerNorm
                ? h.var(new long[] {-1}, false, false)
                : h.pow(new Scalar(2.0)).mean(new long[] {-1}, false, new ScalarTypeOptional());
        return m.add(new Scalar(eps)).rsqrt();
    }

    /**
     * Logits {@code [..., V]} of vectors {@code v [..., d]}, each scaled by {@code invScale}, which broadcasts
     * against {@code v} without its last dimension (e.g. {@code [b, 1]} for {@code v [b, n, d]}).
     */
    Tensor logits(Tensor v, Tensor invScale) {
        Tensor x = v.to(ScalarType.Float);
        if (layerNorm) {
            x = x.sub(x.mean(new long[] {-1}, true, new ScalarTypeOptional()));
        }
        x = x.mul(invScale.unsqueeze(-1)).mul(gamma);
        Tensor out = x.matmul(unembed.t());
        return bias == null ? out : out.add(bias);
    }

    /** Log-probabilities {@code [..., V]}. */
    Tensor logProbs(Tensor v, Tensor invScale) {
        return logits(v, invScale).log_softmax(-1, new ScalarTypeOptional(ScalarType.Float));
    }

    /** Log-probability of each of {@code ids [k]} under each vector: {@code [..., k]}, without the full softmax. */
    Tensor logProbsOf(Tensor v, Tensor invScale, Tensor ids) {
        Tensor lg = logits(v, invScale);
        Tensor lse = lg.logsumexp(new long[] {-1}, true);
        return lg.index_select(-1, ids).sub(lse);
    }
}
