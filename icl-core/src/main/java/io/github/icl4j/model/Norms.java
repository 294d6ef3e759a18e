package io.github.icl4j.model;

import io.github.icl4j.model.ModelConfig.NormKind;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.ScalarTypeOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * The normalisations of a {@link Transformer} under one config: the block norm (LayerNorm, or RMSNorm in fp32 in
 * Hugging Face's order of operations, with Gemma's {@code 1 + w} scale), the q/k norms, and the post-sublayer norms
 * split into a divisor (hookable) and a frozen-divisor norm that is linear in its input.
 */
final class Norms {
    private final ModelConfig cfg;

    Norms(ModelConfig cfg) {
        this.cfg = cfg;
    }

    /** The q/k RMSNorm ({@link ModelConfig.QkNorm}) of a projection {@code [b, s, heads*e]}, as {@code [b, s, heads, e]}. */
    Tensor qkNorm(Tensor proj, Tensor weight, long heads) {
        long b = proj.size(0);
        long s = proj.size(1);
        long e = cfg.dHead();
        return switch (cfg.qkNorm()) {
            case NONE -> proj.view(b, s, heads, e);
            case WHOLE -> rms(proj, weight).view(b, s, heads, e); // over all heads at once (OLMo-2)
            case PER_HEAD -> rms(proj.view(b, s, heads, e), weight); // over each head, one [e] scale (Qwen3)
        };
    }

    /**
     * The divisor {@code sqrt(mean(x²) + ε)} (RMSNorm) or {@code sqrt(var(x) + ε)} (LayerNorm) of a post-norm over
     * {@code x [..., d]}, fp32 {@code [..., 1]}.
     */
    Tensor postNormDivisor(Tensor x) {
        Tensor xf = x.to(ScalarType.Float);
        if (cfg.norm() == NormKind.LAYER_NORM) {
            xf = xf.sub(xf.mean(new long[] {-1}, true, new ScalarTypeOptional()));
        }
        return xf.pow(new Scalar(2.0)).mean(new long[] {-1}, true, new ScalarTypeOptional())
                .add(new Scalar(cfg.normEps())).sqrt();
    }

    /**
     * {@code part} through the block's norm with a frozen divisor (broadcast over it) and no norm bias: linear in
     * {@code part}, so parts normed this way sum to the norm of their sum (less the bias).
     */
    Tensor frozenNorm(Tensor part, Tensor divisor, Tensor weight) {
        Tensor pf = part.to(ScalarType.Float);
        if (cfg.norm() == NormKind.LAYER_NORM) {
            pf = pf.sub(pf.mean(new long[] {-1}, true, new ScalarTypeOptional()));
        }
        return scaled(pf.div(divisor.to(pf.device(), ScalarType.Float)), weight, part.scalar_type());
    }

    /** A normalised fp32 tensor times the norm weight ({@code offset + w} in fp32 for Gemma), in {@code dtype}. */
    private Tensor scaled(Tensor normalized, Tensor weight, ScalarType dtype) {
        if (cfg.normWeightOffset() != 0) {
            return normalized.mul(weight.to(ScalarType.Float).add(new Scalar(cfg.normWeightOffset()))).to(dtype);
        }
        return weight.mul(normalized.to(dtype));
    }

    /** The block's normalisation (LayerNorm, or RMSNorm in fp32 like Hugging Face). */
    Tensor norm(Tensor x, Tensor weight, Tensor bias) {
        if (cfg.norm() == NormKind.LAYER_NORM) {
            return torch.layer_norm(x, new long[] {cfg.dModel()}, new TensorOptional(weight),
                    bias == null ? new TensorOptional() : new TensorOptional(bias), cfg.normEps(), false);
        }
        return rms(x, weight);
    }

    /** RMSNorm over the last dimension in fp32, scaled by {@code weight} (Hugging Face's order of operations). */
    private Tensor rms(Tensor x, Tensor weight) {
        Tensor xf = x.to(ScalarType.Float);
        Tensor var = xf.pow(new Scalar(2.0)).mean(new long[] {-1}, true, new ScalarTypeOptional());
        return scaled(xf.mul(var.add(new Scalar(cfg.normEps())).rsqrt()), weight, x.scalar_type());
    }
}
