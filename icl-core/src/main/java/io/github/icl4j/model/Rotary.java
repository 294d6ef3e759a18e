package io.github.icl4j.model;

import io.github.icl4j.model.ModelConfig.RotaryStyle;
import io.github.icl4j.runtime.Tensors;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * Rotary position embedding on the first {@code rotaryDim} dimensions of each head, in either pairing:
 * halves ({@code [x1, x2] -> [x1 cos - x2 sin, x2 cos + x1 sin]}, Llama and NeoX) or interleaved pairs
 * ({@code (x0, x1), (x2, x3), ...}, GPT-J). Angles are computed in fp32 from the position ids, as
 * Hugging Face does.
 */
public final class Rotary {
    private final int rotaryDim;
    private final RotaryStyle style;
    private final float[] invFreq;

    public Rotary(int rotaryDim, double base, RotaryStyle style) {
        this.rotaryDim = rotaryDim;
        this.style = style;
        this.invFreq = new float[rotaryDim / 2];
        for (int i = 0; i < invFreq.length; i++) {
            // 1 / base^(2i / dim), rounded through fp32 like torch's fp32 pow
            float exponent = (float) (2 * i) / rotaryDim;
            invFreq[i] = (float) (1.0 / (float) Math.pow(base, exponent));
        }
    }

    /** cos and sin tables for the given positions, each {@code [b, s, 1, rotaryDim]} in {@code dtype}. */
    public Tensor[] cosSin(Tensor positions, ScalarType dtype) {
        Tensor inv = Tensors.fromFloats(invFreq, invFreq.length).to(positions.device(), ScalarType.Float);
        // [b, s, 1] * [rd/2] -> [b, s, rd/2]
        Tensor freqs = positions.to(ScalarType.Float).unsqueeze(-1).mul(inv);
        Tensor emb = style == RotaryStyle.INTERLEAVED
                ? freqs.repeat_interleave(2, new org.bytedeco.pytorch.LongOptional(-1), new org.bytedeco.pytorch.LongOptional())
                : torch.cat(new TensorVector(freqs, freqs), -1); // [b, s, rd]
        return new Tensor[] {emb.cos().unsqueeze(2).to(dtype), emb.sin().unsqueeze(2).to(dtype)};
    }

    /** Rotates {@code x} {@code [b, s, heads, e]} with tables from {@link #cosSin}. */
    public Tensor apply(Tensor x, Tensor[] cosSin) {
        long e = x.size(3);
        Tensor rot = Tensors.slice(x, 3, 0, rotaryDim);
        Tensor out = rot.mul(cosSin[0]).add(rotated(rot).mul(cosSin[1]));
        if (rotaryDim == e) {
            return out;
        }
        return torch.cat(new TensorVector(out, Tensors.slice(x, 3, rotaryDim, e)), 3);
    }

    private Tensor rotated(Tensor r) {
        if (style == RotaryStyle.INTERLEAVED) {
            // (x0, x1, x2, x3, ...) -> (-x1, x0, -x3, x2, ...)
            Tensor even = r.slice(3, new org.bytedeco.pytorch.LongOptional(0), new org.bytedeco.pytorch.LongOptional(rotaryDim), 2);
            Tensor odd = r.slice(3, new org.bytedeco.pytorch.LongOptional(1), new org.bytedeco.pytorch.LongOptional(rotaryDim), 2);
            return torch.stack(new TensorVector(odd.neg(), even), -1).flatten(-2, -1); // [b, s, h, rd/2, 2] -> [b, s, h, rd]
        }
        int half = rotaryDim / 2;
        // [x1, x2] -> [-x2, x1]
        return torch.cat(new TensorVector(Tensors.slice(r, 3, half, rotaryDim).neg(), Tensors.slice(r, 3, 0, half)), 3);
    }

    public int rotaryDim() {
        return rotaryDim;
    }

    static TensorOptions floatOptions() {
        return new TensorOptions(ScalarType.Float);
    }
}
