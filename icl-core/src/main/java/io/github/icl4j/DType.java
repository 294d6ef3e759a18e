package io.github.icl4j;

import java.util.Locale;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * Floating-point type in which a model's weights are held and its forward pass is computed.
 *
 * <p>Attention softmax and normalisation statistics are always computed in fp32, as Hugging Face eager
 * attention does, whatever the model dtype.
 */
public enum DType {
    /** IEEE 754 single precision; the reference for parity. */
    FP32("fp32", ScalarType.Float, 4),
    /** bfloat16: fp32's range with 8 bits of mantissa. */
    BF16("bf16", ScalarType.BFloat16, 2),
    /** IEEE 754 half precision. */
    FP16("fp16", ScalarType.Half, 2);

    private final String label;
    private final ScalarType scalarType;
    private final int bytes;

    DType(String label, ScalarType scalarType, int bytes) {
        this.label = label;
        this.scalarType = scalarType;
        this.bytes = bytes;
    }

    /** The LibTorch scalar type. */
    public ScalarType scalarType() {
        return scalarType;
    }

    /** Bytes per element. */
    public int bytes() {
        return bytes;
    }

    /**
     * Parses {@code fp32}, {@code float32}, {@code bf16}, {@code bfloat16}, {@code fp16}, {@code float16}
     * (case-insensitive).
     *
     * @throws IllegalArgumentException naming the bad value and the accepted ones
     */
    public static DType parse(String text) {
        String t = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
        return switch (t) {
            case "fp32", "float32", "f32", "float" -> FP32;
            case "bf16", "bfloat16" -> BF16;
            case "fp16", "float16", "f16", "half" -> FP16;
            default -> throw new IllegalArgumentException(
                    "dtype '" + text + "' is not supported; expected one of fp32, bf16, fp16");
        };
    }

    @Override
    public String toString() {
        return label;
    }
}
