package io.github.icl4j.model;

import io.github.icl4j.model.ModelConfig.RotaryStyle;
import io.github.icl4j.model.RopeScaling.Type;
import io.github.icl4j.runtime.Tensors;
import java.util.List;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.LongOptional;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.ScalarOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * Rotary position embedding on the first {@link ModelConfig#rotaryWidth()} dimensions of each head, in either
 * pairing: halves ({@code [x1, x2] -> [x1 cos - x2 sin, x2 cos + x1 sin]}, Llama and NeoX) or interleaved pairs
 * ({@code (x0, x1), (x2, x3), ...}, GPT-J).
 *
 * <p>The inverse frequencies are computed with the same fp32 tensor operations, in the same order, as
 * {@code transformers}' {@code modeling_rope_utils} for every {@link RopeScaling.Type}, so the angles agree to
 * the last bit where the kernels do. Hugging Face's rotary {@code dim} ({@link ModelConfig#rotaryDim()}) sets
 * the exponents {@code 2i/dim} for {@code i < ceil(dim/2)}; an odd {@code dim} therefore rotates {@code dim + 1}
 * dimensions (GPT-NeoX with head size 12 and {@code partial_rotary_factor} 0.25 rotates 4 with frequencies
 * from 3). The type's attention factor multiplies cos and sin. Dynamic NTK and longrope pick their frequencies
 * per forward from the largest position it reaches, as {@code transformers} does on a fresh model (it keeps the
 * grown dynamic base across calls; this class recomputes it per call, which is the same for any one call).
 */
public final class Rotary {
    private final int dim;
    private final int width;
    private final RotaryStyle style;
    private final double base;
    private final RopeScaling scaling;
    private final int maxPositions;
    /** Frequencies for forwards that stay within the original context (all of them for the static types). */
    private final float[] invFreq;
    /** Longrope's frequencies for forwards that reach past the original context; null otherwise. */
    private final float[] longInvFreq;
    private final double attentionFactor;

    /** Rotary for a config ({@code cfg.hasRotary()} must hold). */
    public Rotary(ModelConfig cfg) {
        this.dim = cfg.rotaryDim();
        this.width = cfg.rotaryWidth();
        this.style = cfg.rotaryStyle();
        this.base = cfg.rotaryBase();
        this.scaling = cfg.ropeScaling();
        this.maxPositions = cfg.maxPositions();
        try (PointerScope scope = new PointerScope()) {
            this.invFreq = Tensors.toFloats(inverseFrequencies(0));
            this.longInvFreq = scaling.type() == Type.LONGROPE
                    ? Tensors.toFloats(inverseFrequencies(scaling.originalMaxPositions() + 1)) : null;
        }
        this.attentionFactor = attentionFactor(scaling, maxPositions);
        if (invFreq.length != width / 2) {
            throw new IllegalArgumentException("rotary scaling " + scaling + " gives " + invFreq.length
                    + " frequencies for a rotated width of " + width);
        }
    }

    /** Unscaled rotary on {@code rotaryDim} dimensions (even) with the given base. */
    public Rotary(int rotaryDim, double base, RotaryStyle style) {
        this(ModelConfig.builder("rotary", ModelConfig.Family.LLAMA).vocabSize(1).dModel(rotaryDim).nLayers(1)
                .nHeads(1).dHead(rotaryDim).dMlp(1).rotary(rotaryDim, base, style).build());
    }

    /** The scale the type puts on cos and sin (1 for most; yarn and longrope derive one from the factor). */
    static double attentionFactor(RopeScaling s, int maxPositions) {
        if (!Double.isNaN(s.attentionFactor())) {
            return s.attentionFactor();
        }
        switch (s.type()) {
            case YARN: {
                double factor = Double.isNaN(s.factor()) ? (double) maxPositions / s.originalMaxPositions() : s.factor();
                if (s.mscale() != 0 && s.mscaleAllDim() != 0) {
                    return yarnMscale(factor, s.mscale()) / yarnMscale(factor, s.mscaleAllDim());
                }
                return yarnMscale(factor, 1);
            }
            case LONGROPE: {
                double factor = Double.isNaN(s.factor()) ? (double) maxPositions / s.originalMaxPositions() : s.factor();
                return factor <= 1.0 ? 1.0 : Math.sqrt(1 + Math.log(factor) / Math.log(s.originalMaxPositions()));
            }
            default:
                return 1.0;
        }
    }

    private static double yarnMscale(double scale, double mscale) {
        return scale <= 1 ? 1.0 : 0.1 * mscale * Math.log(scale) + 1.0;
    }

    /** {@code base ** (arange(0, dim, 2, float32) / dim)}: {@code [ceil(dim/2)]}. */
    private Tensor powers(Tensor baseT) {
        Tensor exps = torch.arange(new Scalar(0L), new Scalar((long) dim), new Scalar(2L),
                new TensorOptions(ScalarType.Long)).to(ScalarType.Float).div(new Scalar((long) dim));
        return baseT == null ? torch.pow(new Scalar(base), exps) : torch.pow(baseT, exps);
    }

    /**
     * Hugging Face's {@code inv_freq} for a forward whose positions reach {@code seqLen - 1} (0 = the value made at
     * load), as fp32 {@code [ceil(dim/2)]}.
     */
    private Tensor inverseFrequencies(long seqLen) {
        Tensor inv;
        switch (scaling.type()) {
            case DEFAULT:
                inv = powers(null).reciprocal();
                break;
            case LINEAR:
                inv = powers(null).reciprocal().div(new Scalar(scaling.factor()));
                break;
            case DYNAMIC: {
                // base * ((factor * seq / max) - (factor - 1)) ** (dim / (dim - 2)), in fp32 tensors as HF does
                long seq = Math.max(seqLen, maxPositions);
                Tensor seqT = torch.full(new long[] {}, new Scalar(seq), new TensorOptions(ScalarType.Long));
                double factor = scaling.factor();
                Tensor grown = seqT.mul(new Scalar(factor)).div(new Scalar((long) maxPositions))
                        .sub(new Scalar(factor - 1)).pow(new Scalar((double) dim / (dim - 2))).mul(new Scalar(base));
                inv = powers(grown).reciprocal();
                break;
            }
            case LLAMA3:
                inv = llama3();
                break;
            case YARN:
                inv = yarn();
                break;
            case LONGROPE: {
                List<Double> f = seqLen > scaling.originalMaxPositions() ? scaling.longFactor() : scaling.shortFactor();
                float[] ext = new float[f.size()];
                for (int i = 0; i < ext.length; i++) {
                    ext[i] = f.get(i).floatValue();
                }
                Tensor p = powers(null);
                if (ext.length != p.size(0)) {
                    throw new IllegalArgumentException("longrope factors have " + ext.length + " values; the rotary "
                            + "dimension " + dim + " needs " + p.size(0));
                }
                inv = Tensors.fromFloats(ext, ext.length).mul(p).reciprocal();
                break;
            }
            default:
                throw new IllegalStateException(scaling.type().toString());
        }
        List<Float> ff = scaling.freqFactors();
        if (!ff.isEmpty()) {
            if (ff.size() != inv.size(0)) {
                throw new IllegalArgumentException("rope_freqs has " + ff.size() + " factors; the rotary dimension "
                        + dim + " has " + inv.size(0) + " frequencies");
            }
            float[] a = new float[ff.size()];
            for (int i = 0; i < a.length; i++) {
                a[i] = ff.get(i);
            }
            inv = inv.div(Tensors.fromFloats(a, a.length)); // llama.cpp: theta / freq_factor
        }
        return inv.contiguous();
    }

    private Tensor llama3() {
        Tensor inv = powers(null).reciprocal();
        double factor = scaling.factor();
        double low = scaling.lowFreqFactor();
        double high = scaling.highFreqFactor();
        int old = scaling.originalMaxPositions();
        double lowWavelen = old / low;
        double highWavelen = old / high;
        Tensor wavelen = inv.reciprocal().mul(new Scalar(2 * Math.PI)); // 2π / inv_freq
        Tensor scaled = torch.where(wavelen.gt(new Scalar(lowWavelen)), inv.div(new Scalar(factor)), inv);
        Tensor smooth = wavelen.reciprocal().mul(new Scalar((long) old)).sub(new Scalar(low))
                .div(new Scalar(high - low));
        Tensor smoothed = smooth.neg().add(new Scalar(1L)).mul(scaled).div(new Scalar(factor)).add(smooth.mul(scaled));
        Tensor medium = wavelen.lt(new Scalar(highWavelen)).logical_not()
                .logical_and(wavelen.gt(new Scalar(lowWavelen)).logical_not());
        return torch.where(medium, smoothed, scaled);
    }

    private Tensor yarn() {
        double factor = scaling.factor();
        int orig = scaling.originalMaxPositions();
        Tensor pos = powers(null);
        Tensor extrapolation = pos.reciprocal();
        Tensor interpolation = pos.mul(new Scalar(factor)).reciprocal();
        double lo = correctionDim(scaling.betaFast(), orig);
        double hi = correctionDim(scaling.betaSlow(), orig);
        if (scaling.truncate()) {
            lo = Math.floor(lo);
            hi = Math.ceil(hi);
        }
        lo = Math.max(lo, 0);
        hi = Math.min(hi, dim - 1);
        if (lo == hi) {
            hi += 0.001; // as HF: no division by zero
        }
        Tensor ramp = torch.arange(new Scalar((long) (dim / 2)), new TensorOptions(ScalarType.Float))
                .sub(new Scalar(lo)).div(new Scalar(hi - lo))
                .clamp(new ScalarOptional(new Scalar(0L)), new ScalarOptional(new Scalar(1L)));
        Tensor extraFactor = ramp.neg().add(new Scalar(1L)); // 1 - ramp
        return interpolation.mul(extraFactor.neg().add(new Scalar(1L))).add(extrapolation.mul(extraFactor));
    }

    private double correctionDim(double rotations, int maxPos) {
        return (dim * Math.log(maxPos / (rotations * 2 * Math.PI))) / (2 * Math.log(base));
    }

    /** cos and sin tables for the given positions, each {@code [b, s, 1, width]} in {@code dtype}. */
    public Tensor[] cosSin(Tensor positions, ScalarType dtype) {
        float[] f = invFreq;
        if (scaling.dependsOnLength() && positions.numel() > 0) {
            long seqLen = positions.max().item_long() + 1;
            if (scaling.type() == Type.LONGROPE) {
                f = seqLen > scaling.originalMaxPositions() ? longInvFreq : invFreq;
            } else if (seqLen > maxPositions) {
                try (PointerScope scope = new PointerScope()) {
                    f = Tensors.toFloats(inverseFrequencies(seqLen));
                }
            }
        }
        Tensor inv = Tensors.fromFloats(f, f.length).to(positions.device(), ScalarType.Float);
        // [b, s, 1] * [w/2] -> [b, s, w/2]
        Tensor freqs = positions.to(ScalarType.Float).unsqueeze(-1).mul(inv);
        Tensor emb = style == RotaryStyle.INTERLEAVED
                ? freqs.repeat_interleave(2, new LongOptional(-1), new LongOptional())
                : torch.cat(new TensorVector(freqs, freqs), -1); // [b, s, w]
        Tensor cos = emb.cos();
        Tensor sin = emb.sin();
        if (attentionFactor != 1.0) {
            cos = cos.mul(new Scalar(attentionFactor));
            sin = sin.mul(new Scalar(attentionFactor));
        }
        return new Tensor[] {cos.unsqueeze(2).to(dtype), sin.unsqueeze(2).to(dtype)};
    }

    /** Rotates {@code x} {@code [b, s, heads, e]} with tables from {@link #cosSin}. */
    public Tensor apply(Tensor x, Tensor[] cosSin) {
        long e = x.size(3);
        Tensor rot = Tensors.slice(x, 3, 0, width);
        Tensor out = rot.mul(cosSin[0]).add(rotated(rot).mul(cosSin[1]));
        if (width == e) {
            return out;
        }
        return torch.cat(new TensorVector(out, Tensors.slice(x, 3, width, e)), 3);
    }

    private Tensor rotated(Tensor r) {
        if (style == RotaryStyle.INTERLEAVED) {
            // (x0, x1, x2, x3, ...) -> (-x1, x0, -x3, x2, ...)
            Tensor even = r.slice(3, new LongOptional(0), new LongOptional(width), 2);
            Tensor odd = r.slice(3, new LongOptional(1), new LongOptional(width), 2);
            return torch.stack(new TensorVector(odd.neg(), even), -1).flatten(-2, -1); // [b, s, h, w/2, 2] -> [b, s, h, w]
        }
        int half = width / 2;
        // [x1, x2] -> [-x2, x1]
        return torch.cat(new TensorVector(Tensors.slice(r, 3, half, width).neg(), Tensors.slice(r, 3, 0, half)), 3);
    }

    /** Dimensions of each head that are rotated. */
    public int rotaryDim() {
        return width;
    }

    /** The fp32 inverse frequencies used within the original context ({@code [width / 2]}), for inspection. */
    public float[] inverseFrequencies() {
        return invFreq.clone();
    }

    /** The scale on cos and sin (1 unless yarn or longrope give one). */
    public double attentionFactor() {
        return attentionFactor;
    }
}
