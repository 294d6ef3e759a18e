package io.github.icl4j.gguf;

/**
 * Dequantisation kernels: little-endian blocks in a byte array to float32.
 *
 * <p>Each kernel reproduces llama.cpp's {@code dequantize_row_*} and gguf-py's {@code dequantize_blocks}
 * exactly, including the order of the float32 operations (Java never contracts {@code a * b + c} into a fused
 * multiply-add), so results match the reference bit for bit. Callers have checked the array bounds.
 */
final class Dequant {
    /** float32 value of every IEEE half-precision bit pattern (Java 17 has no Float.float16ToFloat). */
    private static final float[] HALF = new float[1 << 16];

    static {
        for (int h = 0; h < HALF.length; h++) {
            HALF[h] = halfToFloat(h);
        }
    }

    private Dequant() {
    }

    static float halfToFloat(int h) {
        int sign = (h >>> 15) & 1;
        int exp = (h >>> 10) & 0x1F;
        int mant = h & 0x3FF;
        float v;
        if (exp == 0) {
            v = mant * 0x1p-24f; // zero or subnormal: exact in float32
            return sign == 0 ? v : -v;
        }
        if (exp == 31) {
            return Float.intBitsToFloat((sign << 31) | 0x7F800000 | (mant << 13));
        }
        return Float.intBitsToFloat((sign << 31) | ((exp - 15 + 127) << 23) | (mant << 13));
    }

    private static float f16(byte[] b, int i) {
        return HALF[(b[i] & 0xFF) | ((b[i + 1] & 0xFF) << 8)];
    }

    private static int i32(byte[] b, int i) {
        return (b[i] & 0xFF) | ((b[i + 1] & 0xFF) << 8) | ((b[i + 2] & 0xFF) << 16) | (b[i + 3] << 24);
    }

    static void run(GgmlType type, byte[] src, int s, float[] dst, int o, int blocks) {
        switch (type) {
            case F32 -> f32(src, s, dst, o, blocks);
            case F16 -> f16(src, s, dst, o, blocks);
            case BF16 -> bf16(src, s, dst, o, blocks);
            case F64 -> f64(src, s, dst, o, blocks);
            case Q4_0 -> q4_0(src, s, dst, o, blocks);
            case Q4_1 -> q4_1(src, s, dst, o, blocks);
            case Q5_0 -> q5_0(src, s, dst, o, blocks);
            case Q5_1 -> q5_1(src, s, dst, o, blocks);
            case Q8_0 -> q8_0(src, s, dst, o, blocks);
            case Q2_K -> q2_k(src, s, dst, o, blocks);
            case Q3_K -> q3_k(src, s, dst, o, blocks);
            case Q4_K -> q4_k(src, s, dst, o, blocks);
            case Q5_K -> q5_k(src, s, dst, o, blocks);
            case Q6_K -> q6_k(src, s, dst, o, blocks);
            default -> throw new UnsupportedOperationException("dequantisation of ggml type " + type
                    + " is not supported");
        }
    }

    private static void f32(byte[] b, int s, float[] dst, int o, int n) {
        for (int i = 0; i < n; i++, s += 4) {
            dst[o + i] = Float.intBitsToFloat(i32(b, s));
        }
    }

    private static void f16(byte[] b, int s, float[] dst, int o, int n) {
        for (int i = 0; i < n; i++, s += 2) {
            dst[o + i] = f16(b, s);
        }
    }

    private static void bf16(byte[] b, int s, float[] dst, int o, int n) {
        for (int i = 0; i < n; i++, s += 2) {
            dst[o + i] = Float.intBitsToFloat(((b[s] & 0xFF) << 16) | ((b[s + 1] & 0xFF) << 24));
        }
    }

    private static void f64(byte[] b, int s, float[] dst, int o, int n) {
        for (int i = 0; i < n; i++, s += 8) {
            long bits = (i32(b, s) & 0xFFFFFFFFL) | ((long) i32(b, s + 4) << 32);
            dst[o + i] = (float) Double.longBitsToDouble(bits);
        }
    }

    /** Q4_0: {@code d: f16, qs[16]}; element j &lt; 16 is the low nibble of qs[j], j ≥ 16 the high nibble of qs[j−16]. */
    private static void q4_0(byte[] b, int s, float[] dst, int o, int n) {
        for (int blk = 0; blk < n; blk++, s += 18, o += 32) {
            float d = f16(b, s);
            for (int j = 0; j < 16; j++) {
                int x = b[s + 2 + j] & 0xFF;
                dst[o + j] = d * (float) ((x & 0x0F) - 8);
                dst[o + j + 16] = d * (float) ((x >>> 4) - 8);
            }
        }
    }

    /** Q4_1: {@code d: f16, m: f16, qs[16]}; x = d·q + m. */
    private static void q4_1(byte[] b, int s, float[] dst, int o, int n) {
        for (int blk = 0; blk < n; blk++, s += 20, o += 32) {
            float d = f16(b, s);
            float m = f16(b, s + 2);
            for (int j = 0; j < 16; j++) {
                int x = b[s + 4 + j] & 0xFF;
                dst[o + j] = d * (float) (x & 0x0F) + m;
                dst[o + j + 16] = d * (float) (x >>> 4) + m;
            }
        }
    }

    /** Q5_0: {@code d: f16, qh: u32, qs[16]}; bit j of qh is the fifth bit of element j. */
    private static void q5_0(byte[] b, int s, float[] dst, int o, int n) {
        for (int blk = 0; blk < n; blk++, s += 22, o += 32) {
            float d = f16(b, s);
            int qh = i32(b, s + 2);
            for (int j = 0; j < 16; j++) {
                int x = b[s + 6 + j] & 0xFF;
                int lo = (x & 0x0F) | (((qh >>> j) & 1) << 4);
                int hi = (x >>> 4) | (((qh >>> (j + 16)) & 1) << 4);
                dst[o + j] = d * (float) (lo - 16);
                dst[o + j + 16] = d * (float) (hi - 16);
            }
        }
    }

    /** Q5_1: {@code d: f16, m: f16, qh: u32, qs[16]}; x = d·q + m. */
    private static void q5_1(byte[] b, int s, float[] dst, int o, int n) {
        for (int blk = 0; blk < n; blk++, s += 24, o += 32) {
            float d = f16(b, s);
            float m = f16(b, s + 2);
            int qh = i32(b, s + 4);
            for (int j = 0; j < 16; j++) {
                int x = b[s + 8 + j] & 0xFF;
                int lo = (x & 0x0F) | (((qh >>> j) & 1) << 4);
                int hi = (x >>> 4) | (((qh >>> (j + 16)) & 1) << 4);
                dst[o + j] = d * (float) lo + m;
                dst[o + j + 16] = d * (float) hi + m;
            }
        }
    }

    /** Q8_0: {@code d: f16, qs[32]: int8}; x = d·q. */
    private static void q8_0(byte[] b, int s, float[] dst, int o, int n) {
        for (int blk = 0; blk < n; blk++, s += 34, o += 32) {
            float d = f16(b, s);
            for (int j = 0; j < 32; j++) {
                dst[o + j] = (float) b[s + 2 + j] * d;
            }
        }
    }

    /**
     * Q2_K: {@code scales[16], qs[64], d: f16, dmin: f16}. Sub-block k (16 elements) has scale
     * d·(scales[k] &amp; 15) and minimum dmin·(scales[k] &gt;&gt; 4); element i takes 2 bits of qs[(i/128)·32 + i%32]
     * at shift 2·((i%128)/32).
     */
    private static void q2_k(byte[] b, int s, float[] dst, int o, int n) {
        float[] dl = new float[16];
        float[] ml = new float[16];
        for (int blk = 0; blk < n; blk++, s += 84, o += 256) {
            float d = f16(b, s + 80);
            float dmin = f16(b, s + 82);
            for (int k = 0; k < 16; k++) {
                int sc = b[s + k] & 0xFF;
                dl[k] = d * (float) (sc & 0x0F);
                ml[k] = dmin * (float) (sc >>> 4);
            }
            int qs = s + 16;
            for (int i = 0; i < 256; i++) {
                int h = i >>> 7;
                int r = i & 127;
                int q = ((b[qs + h * 32 + (r & 31)] & 0xFF) >>> (2 * (r >>> 5))) & 3;
                int k = i >>> 4;
                dst[o + i] = dl[k] * (float) q - ml[k];
            }
        }
    }

    /**
     * Q3_K: {@code hmask[32], qs[64], scales[12], d: f16}. 16 signed 6-bit scales; element i takes 2 low bits
     * from qs like Q2_K and its high bit from hmask[i%32] bit i/32 (bit set means no −4 offset).
     */
    private static void q3_k(byte[] b, int s, float[] dst, int o, int n) {
        float[] dl = new float[16];
        for (int blk = 0; blk < n; blk++, s += 110, o += 256) {
            float d = f16(b, s + 108);
            int sc = s + 96;
            for (int k = 0; k < 16; k++) {
                int lo = k < 8 ? (b[sc + k] & 0x0F) : ((b[sc + k - 8] & 0xFF) >>> 4);
                int hi = ((b[sc + 8 + (k & 3)] & 0xFF) >>> (2 * (k >>> 2))) & 3;
                dl[k] = d * (float) ((lo | (hi << 4)) - 32);
            }
            int hm = s;
            int qs = s + 32;
            for (int i = 0; i < 256; i++) {
                int h = i >>> 7;
                int r = i & 127;
                int l = i & 31;
                int ql = ((b[qs + h * 32 + l] & 0xFF) >>> (2 * (r >>> 5))) & 3;
                int qh = ((b[hm + l] & 0xFF) >>> (i >>> 5)) & 1;
                int q = ql - ((qh ^ 1) << 2);
                dst[o + i] = dl[i >>> 4] * (float) q;
            }
        }
    }

    /** The 6-bit scale and minimum of sub-block j of a Q4_K/Q5_K super-block ({@code get_scale_min_k4}). */
    private static void scaleMinK4(byte[] b, int sc, int j, int[] out) {
        if (j < 4) {
            out[0] = b[sc + j] & 63;
            out[1] = b[sc + j + 4] & 63;
        } else {
            int x = b[sc + j + 4] & 0xFF;
            out[0] = (x & 0x0F) | (((b[sc + j - 4] & 0xFF) >>> 6) << 4);
            out[1] = (x >>> 4) | (((b[sc + j] & 0xFF) >>> 6) << 4);
        }
    }

    /**
     * Q4_K: {@code d: f16, dmin: f16, scales[12], qs[128]}. 8 sub-blocks of 32; sub-block j has scale d·sc_j and
     * minimum dmin·m_j; its element l is nibble (j%2) of qs[(j/2)·32 + l]; x = scale·q − min.
     */
    private static void q4_k(byte[] b, int s, float[] dst, int o, int n) {
        int[] sm = new int[2];
        for (int blk = 0; blk < n; blk++, s += 144, o += 256) {
            float d = f16(b, s);
            float dmin = f16(b, s + 2);
            int qs = s + 16;
            for (int j = 0; j < 8; j++) {
                scaleMinK4(b, s + 4, j, sm);
                float d1 = d * (float) sm[0];
                float m1 = dmin * (float) sm[1];
                int shift = 4 * (j & 1);
                int q0 = qs + (j >>> 1) * 32;
                int out = o + j * 32;
                for (int l = 0; l < 32; l++) {
                    dst[out + l] = d1 * (float) (((b[q0 + l] & 0xFF) >>> shift) & 0x0F) - m1;
                }
            }
        }
    }

    /** Q5_K: {@code d, dmin, scales[12], qh[32], qs[128]}; like Q4_K with bit j of qh[l] as the fifth bit. */
    private static void q5_k(byte[] b, int s, float[] dst, int o, int n) {
        int[] sm = new int[2];
        for (int blk = 0; blk < n; blk++, s += 176, o += 256) {
            float d = f16(b, s);
            float dmin = f16(b, s + 2);
            int qh = s + 16;
            int qs = s + 48;
            for (int j = 0; j < 8; j++) {
                scaleMinK4(b, s + 4, j, sm);
                float d1 = d * (float) sm[0];
                float m1 = dmin * (float) sm[1];
                int shift = 4 * (j & 1);
                int q0 = qs + (j >>> 1) * 32;
                int out = o + j * 32;
                for (int l = 0; l < 32; l++) {
                    int q = (((b[q0 + l] & 0xFF) >>> shift) & 0x0F) | ((((b[qh + l] & 0xFF) >>> j) & 1) << 4);
                    dst[out + l] = d1 * (float) q - m1;
                }
            }
        }
    }

    /**
     * Q6_K: {@code ql[128], qh[64], scales[16]: int8, d: f16}. Element i (h = i/128, r = i%128): low 4 bits are
     * nibble r/64 of ql[h·64 + r%64], high 2 bits are bits 2·(r/32) of qh[h·32 + r%32]; x = (d·scale)·(q − 32).
     */
    private static void q6_k(byte[] b, int s, float[] dst, int o, int n) {
        float[] dl = new float[16];
        for (int blk = 0; blk < n; blk++, s += 210, o += 256) {
            float d = f16(b, s + 208);
            for (int k = 0; k < 16; k++) {
                dl[k] = d * (float) b[s + 192 + k];
            }
            for (int h = 0; h < 2; h++) {
                int ql = s + h * 64;
                int qh = s + 128 + h * 32;
                int out = o + h * 128;
                for (int l = 0; l < 32; l++) {
                    int a = b[ql + l] & 0xFF;
                    int c = b[ql + l + 32] & 0xFF;
                    int hb = b[qh + l] & 0xFF;
                    int q1 = ((a & 0x0F) | ((hb & 3) << 4)) - 32;
                    int q2 = ((c & 0x0F) | (((hb >>> 2) & 3) << 4)) - 32;
                    int q3 = ((a >>> 4) | (((hb >>> 4) & 3) << 4)) - 32;
                    int q4 = ((c >>> 4) | (((hb >>> 6) & 3) << 4)) - 32;
                    int i = h * 128 + l;
                    dst[out + l] = dl[i >>> 4] * (float) q1;
                    dst[out + l + 32] = dl[(i + 32) >>> 4] * (float) q2;
                    dst[out + l + 64] = dl[(i + 64) >>> 4] * (float) q3;
                    dst[out + l + 96] = dl[(i + 96) >>> 4] * (float) q4;
                }
            }
        }
    }
}
