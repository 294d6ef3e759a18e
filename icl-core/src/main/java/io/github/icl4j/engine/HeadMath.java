package io.github.icl4j.engine;

import io.github.icl4j.model.ModelConfig;
import io.github.icl4j.runtime.Tensors;
import java.util.Arrays;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * The one home of the per-head arithmetic of METHOD §2: rows at the last position, per-head outputs
 * {@code o^{l,h} = z^h W_O^h}, value-output vectors {@code vo_p = v_p W_O^h} and their attention-weighted forms.
 * Tensors made belong to the caller's scope.
 */
public final class HeadMath {
    private HeadMath() {
    }

    /** {@code t[i, last[i], ...]} for each row: {@code [b, s, rest...] -> [b, rest...]}. */
    public static Tensor lastRows(Tensor t, int[] last) {
        long b = t.size(0);
        if (b != last.length) {
            throw new IllegalStateException("batch " + b + " but " + last.length + " last positions");
        }
        long[] l = new long[last.length];
        for (int i = 0; i < l.length; i++) {
            l[i] = last[i];
        }
        long[] viewShape = new long[(int) t.dim()];
        Arrays.fill(viewShape, 1);
        viewShape[0] = b;
        long[] expandShape = Tensors.shape(t);
        expandShape[1] = 1;
        // index [b, 1, 1...] expanded to [b, 1, rest...]; gather on dim 1 then drop it
        Tensor idx = Tensors.fromLongs(l, b).to(t.device(), ScalarType.Long).view(viewShape).expand(expandShape);
        return t.gather(1, idx).squeeze(1);
    }

    /** The output projection {@code W_O [d, h*e]} viewed per head: {@code [h, e, d]}. */
    public static Tensor headProjection(Tensor wO, ModelConfig c) {
        return wO.view(c.dModel(), c.nHeads(), c.dHead()).permute(1, 2, 0); // [d, h, e] -> [h, e, d]
    }

    /** Head outputs in model space from {@code z [b, h, e]} and {@code W_O} per head {@code [h, e, d]}: {@code [b, h, d]}. */
    public static Tensor headOutputs(Tensor z, Tensor wo) {
        return z.transpose(0, 1).bmm(wo.to(z.scalar_type().intern())).transpose(0, 1); // [h, b, e] x [h, e, d]
    }

    /**
     * The value-output vectors of head {@code h} of batch row {@code i} at {@code positions}: {@code [P, d]} fp32,
     * {@code v_p W_O^h}, times {@code α_p} when {@code weighted} (grouped-query attention: query head {@code h} reads
     * value head {@code h / (nHeads / nKvHeads)}).
     *
     * @param rows      {@code [b, h, t]} attention rows at the last position
     * @param v         {@code [b, t, kv, e]} values
     * @param positions {@code [P]} int64 key positions
     * @param wo        {@code [d, h*e]} the layer's output projection
     */
    public static Tensor valueOutputs(Tensor rows, Tensor v, int i, Tensor positions, int h, ModelConfig c, Tensor wo,
            boolean weighted) {
        int e = c.dHead();
        Tensor vh = v.select(0, i).select(1, h / c.groupSize()).index_select(0, positions).to(ScalarType.Float); // [P, e]
        Tensor woh = Tensors.slice(wo, 1, (long) h * e, (long) (h + 1) * e).to(ScalarType.Float); // [d, e]
        Tensor vo = vh.matmul(woh.t()); // [P, d]
        if (!weighted) {
            return vo;
        }
        Tensor alpha = rows.select(0, i).select(0, h).index_select(0, positions).to(ScalarType.Float); // [P]
        return vo.mul(alpha.unsqueeze(1));
    }

    /**
     * {@code Σ_p α_p vo_p} of head {@code h} of batch row {@code i} over {@code positions}: {@code [1, d]} fp32,
     * computed as {@code (Σ_p α_p v_p) W_O^h} (one product with W_O instead of P).
     *
     * @param rows {@code [b, h, t]} attention rows at the last position
     * @param v    {@code [b, t, kv, e]} values
     * @param wohT {@code W_O^h} {@code [d, e]} fp32
     */
    public static Tensor weightedValueSum(Tensor rows, Tensor v, int i, Tensor positions, int h, int groupSize,
            Tensor wohT) {
        Tensor alpha = rows.select(0, i).to(ScalarType.Float).index_select(1, positions); // [h, P]
        Tensor vi = v.select(0, i).index_select(0, positions).to(ScalarType.Float); // [P, kv, e]
        // [1, P] x [P, e] -> [1, e], then through W_O^h -> [1, d]
        return alpha.select(0, h).unsqueeze(0).matmul(vi.select(1, h / groupSize)).matmul(wohT.t());
    }

    /** {@code ints} as an int64 tensor on {@code like}'s device. */
    public static Tensor longs(int[] ints, Tensor like) {
        long[] l = new long[ints.length];
        for (int j = 0; j < ints.length; j++) {
            l[j] = ints[j];
        }
        return Tensors.fromLongs(l, l.length).to(like.device(), ScalarType.Long);
    }
}
