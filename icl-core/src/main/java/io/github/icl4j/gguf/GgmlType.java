package io.github.icl4j.gguf;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Element types of ggml tensors as stored in GGUF files, with their block geometry.
 *
 * <p>A ggml tensor is stored as a sequence of blocks along its innermost dimension: each block holds
 * {@link #blockSize()} elements in {@link #typeSize()} bytes. Every type llama.cpp currently writes is listed,
 * so a file holding any of them opens and its sizes are validated; {@link #canDequantize()} says which ones
 * this library can turn into floats (F32, F16, BF16, F64, Q4_0, Q4_1, Q5_0, Q5_1, Q8_0, Q2_K, Q3_K, Q4_K, Q5_K,
 * Q6_K). Dequantisation follows llama.cpp's reference kernels ({@code ggml-quants.c}) and gives the same float32
 * values, bit for bit, as the {@code gguf} Python package ({@code gguf.quants.dequantize}).
 */
public enum GgmlType {
    /** IEEE single precision. */
    F32(0, 1, 4, true),
    /** IEEE half precision. */
    F16(1, 1, 2, true),
    /** 32 elements: fp16 scale d, 32 4-bit values; x = d·(q − 8). */
    Q4_0(2, 32, 18, true),
    /** 32 elements: fp16 scale d and minimum m, 32 4-bit values; x = d·q + m. */
    Q4_1(3, 32, 20, true),
    /** 32 elements: fp16 scale d, 32 5-bit values; x = d·(q − 16). */
    Q5_0(6, 32, 22, true),
    /** 32 elements: fp16 scale d and minimum m, 32 5-bit values; x = d·q + m. */
    Q5_1(7, 32, 24, true),
    /** 32 elements: fp16 scale d, 32 signed bytes; x = d·q. */
    Q8_0(8, 32, 34, true),
    /** 32 elements: fp32 d and sum, 32 signed bytes (an intermediate type of matrix products). */
    Q8_1(9, 32, 40, false),
    /** 256-element super-blocks of 2-bit values with 4-bit scales and minima. */
    Q2_K(10, 256, 84, true),
    /** 256-element super-blocks of 3-bit values with 6-bit scales. */
    Q3_K(11, 256, 110, true),
    /** 256-element super-blocks of 4-bit values with 6-bit scales and minima. */
    Q4_K(12, 256, 144, true),
    /** 256-element super-blocks of 5-bit values with 6-bit scales and minima. */
    Q5_K(13, 256, 176, true),
    /** 256-element super-blocks of 6-bit values with 8-bit scales. */
    Q6_K(14, 256, 210, true),
    /** 256-element super-blocks of bytes (an intermediate type of matrix products). */
    Q8_K(15, 256, 292, false),
    /** Importance-matrix 2-bit quantisation (2.06 bits per weight); not dequantised yet. */
    IQ2_XXS(16, 256, 66, false),
    /** Importance-matrix 2-bit quantisation (2.31 bits per weight); not dequantised yet. */
    IQ2_XS(17, 256, 74, false),
    /** Importance-matrix 3-bit quantisation (3.06 bits per weight); not dequantised yet. */
    IQ3_XXS(18, 256, 98, false),
    /** Importance-matrix 1-bit quantisation (1.56 bits per weight); not dequantised yet. */
    IQ1_S(19, 256, 50, false),
    /** 4-bit non-linear quantisation, 32-element blocks; not dequantised yet. */
    IQ4_NL(20, 32, 18, false),
    /** Importance-matrix 3-bit quantisation (3.44 bits per weight); not dequantised yet. */
    IQ3_S(21, 256, 110, false),
    /** Importance-matrix 2-bit quantisation (2.5 bits per weight); not dequantised yet. */
    IQ2_S(22, 256, 82, false),
    /** 4-bit non-linear quantisation, 256-element super-blocks; not dequantised yet. */
    IQ4_XS(23, 256, 136, false),
    /** 8-bit signed integers. */
    I8(24, 1, 1, false),
    /** 16-bit signed integers. */
    I16(25, 1, 2, false),
    /** 32-bit signed integers. */
    I32(26, 1, 4, false),
    /** 64-bit signed integers. */
    I64(27, 1, 8, false),
    /** IEEE double precision (rounded to float32 when dequantised). */
    F64(28, 1, 8, true),
    /** Importance-matrix 1-bit quantisation (1.75 bits per weight); not dequantised yet. */
    IQ1_M(29, 256, 56, false),
    /** bfloat16. */
    BF16(30, 1, 2, true),
    /** Ternary quantisation (1.69 bits per weight); not dequantised yet. */
    TQ1_0(34, 256, 54, false),
    /** Ternary quantisation (2.06 bits per weight); not dequantised yet. */
    TQ2_0(35, 256, 66, false),
    /** Microscaling 4-bit floats, 32-element blocks; not dequantised yet. */
    MXFP4(39, 32, 17, false),
    /** NVIDIA 4-bit floats, 64-element blocks; not dequantised yet. */
    NVFP4(40, 64, 36, false),
    /** 1-bit quantisation, 128-element blocks; not dequantised yet. */
    Q1_0(41, 128, 18, false);

    private static final GgmlType[] BY_ID = new GgmlType[64];

    static {
        for (GgmlType t : values()) {
            BY_ID[t.id] = t;
        }
    }

    private final int id;
    private final int blockSize;
    private final int typeSize;
    private final boolean dequantizable;

    GgmlType(int id, int blockSize, int typeSize, boolean dequantizable) {
        this.id = id;
        this.blockSize = blockSize;
        this.typeSize = typeSize;
        this.dequantizable = dequantizable;
    }

    /** The numeric id stored in GGUF tensor infos ({@code enum ggml_type}). */
    public int id() {
        return id;
    }

    /** Elements per block (1 for plain types). */
    public int blockSize() {
        return blockSize;
    }

    /** Bytes per block. */
    public int typeSize() {
        return typeSize;
    }

    /** True when {@link #dequantize} supports this type. */
    public boolean canDequantize() {
        return dequantizable;
    }

    /** True for the block-quantised types (block size above 1). */
    public boolean isQuantized() {
        return blockSize > 1;
    }

    /** The type with ggml id {@code id}, if it is one llama.cpp defines. */
    public static Optional<GgmlType> byId(long id) {
        if (id < 0 || id >= BY_ID.length) {
            return Optional.empty();
        }
        return Optional.ofNullable(BY_ID[(int) id]);
    }

    /** The types that {@link #dequantize} supports. */
    public static List<GgmlType> dequantizable() {
        List<GgmlType> out = new ArrayList<>();
        for (GgmlType t : values()) {
            if (t.dequantizable) {
                out.add(t);
            }
        }
        return out;
    }

    /**
     * Bytes taken by {@code numel} elements, which must be a whole number of blocks.
     *
     * @throws IllegalArgumentException when {@code numel} is not a multiple of the block size
     * @throws ArithmeticException      on overflow
     */
    public long bytesFor(long numel) {
        if (numel < 0 || numel % blockSize != 0) {
            throw new IllegalArgumentException(numel + " elements are not a whole number of " + name() + " blocks of "
                    + blockSize);
        }
        return Math.multiplyExact(numel / blockSize, (long) typeSize);
    }

    /**
     * Dequantises {@code blocks} consecutive blocks, read little-endian from {@code src} at {@code srcOffset},
     * into {@code blocks × blockSize()} floats written to {@code dst} at {@code dstOffset}.
     *
     * @throws UnsupportedOperationException when {@link #canDequantize()} is false
     * @throws IndexOutOfBoundsException     when either array is too short
     */
    public void dequantize(byte[] src, int srcOffset, float[] dst, int dstOffset, int blocks) {
        if (!dequantizable) {
            throw new UnsupportedOperationException("dequantisation of ggml type " + name() + " is not supported; "
                    + "supported: " + dequantizable());
        }
        if (blocks < 0 || srcOffset < 0 || dstOffset < 0
                || (long) srcOffset + (long) blocks * typeSize > src.length
                || (long) dstOffset + (long) blocks * blockSize > dst.length) {
            throw new IndexOutOfBoundsException(blocks + " " + name() + " blocks do not fit src[" + src.length + "] at "
                    + srcOffset + " / dst[" + dst.length + "] at " + dstOffset);
        }
        Dequant.run(this, src, srcOffset, dst, dstOffset, blocks);
    }
}
