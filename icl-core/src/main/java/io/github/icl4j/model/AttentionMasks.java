package io.github.icl4j.model;

import java.util.HashMap;
import java.util.Map;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

/** The additive attention masks of a forward: causal, per-block sliding windows, and padded keys. */
final class AttentionMasks {
    private AttentionMasks() {
    }

    /** The additive mask of every block {@code [b, 1, s, t]}, one tensor per distinct sliding window. */
    static Tensor[] of(ModelConfig cfg, Tensor keyMask, long past, long s) {
        Tensor[] out = new Tensor[cfg.nLayers()];
        Map<Integer, Tensor> byWindow = new HashMap<>();
        for (int l = 0; l < out.length; l++) {
            out[l] = byWindow.computeIfAbsent(cfg.windowAt(l), w -> mask(keyMask, past, s, w));
        }
        return out;
    }

    private static Tensor mask(Tensor keyMask, long past, long s, int window) {
        long t = past + s;
        var device = keyMask.device();
        TensorOptions longs = new TensorOptions(ScalarType.Long);
        Tensor qIdx = torch.arange(new Scalar(past), new Scalar(t), longs).to(device, ScalarType.Long).view(s, 1);
        Tensor kIdx = torch.arange(new Scalar(0L), new Scalar(t), longs).to(device, ScalarType.Long).view(1, t);
        Tensor allowed = kIdx.le(qIdx); // causal [s, t]
        if (window > 0) {
            allowed = allowed.logical_and(qIdx.sub(kIdx).lt(new Scalar((long) window)));
        }
        long b = keyMask.size(0);
        allowed = allowed.view(1, 1, s, t).logical_and(keyMask.view(b, 1, 1, t).ne(new Scalar(0L))); // [b, 1, s, t]
        // the most negative float rather than -inf: a fully masked (padding) row stays finite (uniform)
        return torch.zeros(new long[] {b, 1, s, t}, new TensorOptions(ScalarType.Float)).to(device, ScalarType.Float)
                .masked_fill(allowed.logical_not(), new Scalar(-Float.MAX_VALUE));
    }
}
