package io.github.icl4j.runtime;

import io.github.icl4j.DType;
import io.github.icl4j.DeviceSpec;
import java.util.Arrays;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.LongPointer;
import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.LongOptional;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.ScalarTypeOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * Small helpers that hide JavaCPP's verbosity: Java arrays in and out of tensors, shapes, slices.
 *
 * <p>Every tensor made here belongs to the innermost open {@code PointerScope}.
 */
public final class Tensors {
    private Tensors() {
    }

    /** The shape as a Java array. */
    public static long[] shape(Tensor t) {
        long[] s = new long[(int) t.dim()];
        for (int i = 0; i < s.length; i++) {
            s[i] = t.size(i);
        }
        return s;
    }

    /** {@code [2, 9, 48]}. */
    public static String shapeString(Tensor t) {
        return Arrays.toString(shape(t));
    }

    /** Copies any floating tensor (any device) into a new row-major float array. */
    public static float[] toFloats(Tensor t) {
        Tensor c = t.detach().to(new Device("cpu"), ScalarType.Float).contiguous();
        float[] out = new float[Math.toIntExact(c.numel())];
        new FloatPointer(c.data_ptr_float()).capacity(out.length).get(out);
        return out;
    }

    /** Copies an integer tensor into a new row-major long array. */
    public static long[] toLongs(Tensor t) {
        Tensor c = t.detach().to(new Device("cpu"), ScalarType.Long).contiguous();
        long[] out = new long[Math.toIntExact(c.numel())];
        new LongPointer(c.data_ptr_long()).capacity(out.length).get(out);
        return out;
    }

    /** A new fp32 CPU tensor holding a copy of {@code data}. */
    public static Tensor fromFloats(float[] data, long... shape) {
        checkCount(data.length, shape);
        FloatPointer p = new FloatPointer(data);
        return torch.from_blob(p, shape, new TensorOptions(ScalarType.Float)).clone();
    }

    /** A new int64 CPU tensor holding a copy of {@code data}. */
    public static Tensor fromLongs(long[] data, long... shape) {
        checkCount(data.length, shape);
        LongPointer p = new LongPointer(data);
        return torch.from_blob(p, shape, new TensorOptions(ScalarType.Long)).clone();
    }

    private static void checkCount(int n, long[] shape) {
        long count = 1;
        for (long s : shape) {
            count *= s;
        }
        if (count != n) {
            throw new IllegalArgumentException(
                    "array of " + n + " elements does not fill shape " + Arrays.toString(shape) + " (" + count + ")");
        }
    }

    /** Moves and casts; returns {@code t} itself when nothing changes. */
    public static Tensor to(Tensor t, DeviceSpec device, DType dtype) {
        return t.to(device(device), dtype.scalarType());
    }

    /** {@code t} on {@code device} in its own dtype; {@code t} itself (the same object) when it is there already. */
    public static Tensor onDevice(Tensor t, DeviceSpec device) {
        return t.device().str().getString().equals(device.toString()) ? t : t.to(device(device), t.scalar_type());
    }

    /** The LibTorch device for a spec. */
    public static Device device(DeviceSpec spec) {
        return new Device(spec.toString());
    }

    /** A scalar. */
    public static Scalar scalar(double v) {
        return new Scalar(v);
    }

    /** {@code t[..., from:to]} along {@code dim} (a view). */
    public static Tensor slice(Tensor t, long dim, long from, long to) {
        return t.slice(dim, new LongOptional(from), new LongOptional(to), 1);
    }

    /** Concatenation along {@code dim}. */
    public static Tensor cat(long dim, Tensor... parts) {
        return torch.cat(new TensorVector(parts), dim);
    }

    /** Softmax over {@code dim} computed in fp32. */
    public static Tensor softmaxFloat(Tensor t, long dim) {
        return t.softmax(dim, new ScalarTypeOptional(ScalarType.Float));
    }

    /** Max absolute difference, in fp32, of two tensors of one shape. */
    public static double maxAbsDiff(Tensor a, Tensor b) {
        return a.to(ScalarType.Float).sub(b.to(ScalarType.Float)).abs().max().item_double();
    }
}
