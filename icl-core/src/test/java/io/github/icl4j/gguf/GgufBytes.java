package io.github.icl4j.gguf;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Writes GGUF bytes field by field, so tests can build valid files and corrupt ones alike. */
final class GgufBytes {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    /** Magic, version 3, counts. */
    static GgufBytes header(long tensors, long kvs) {
        return new GgufBytes().raw("GGUF".getBytes(StandardCharsets.US_ASCII)).u32(3).u64(tensors).u64(kvs);
    }

    GgufBytes raw(byte[] b) {
        out.writeBytes(b);
        return this;
    }

    private GgufBytes le(int n, long v) {
        ByteBuffer b = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(v);
        out.write(b.array(), 0, n);
        return this;
    }

    GgufBytes u8(int v) {
        return le(1, v);
    }

    GgufBytes u16(int v) {
        return le(2, v);
    }

    GgufBytes u32(long v) {
        return le(4, v);
    }

    GgufBytes u64(long v) {
        return le(8, v);
    }

    GgufBytes f32(float v) {
        return le(4, Float.floatToRawIntBits(v));
    }

    GgufBytes f64(double v) {
        return le(8, Double.doubleToRawLongBits(v));
    }

    GgufBytes str(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        return u64(b.length).raw(b);
    }

    /** A key with a STRING value. */
    GgufBytes kvString(String key, String value) {
        return str(key).u32(GgufValueType.STRING.id()).str(value);
    }

    /** A key with a UINT32 value. */
    GgufBytes kvU32(String key, long value) {
        return str(key).u32(GgufValueType.UINT32.id()).u32(value);
    }

    /** A key with a FLOAT32 value. */
    GgufBytes kvF32(String key, float value) {
        return str(key).u32(GgufValueType.FLOAT32.id()).f32(value);
    }

    /** A tensor info: name, dims (GGUF order, innermost first), type, offset. */
    GgufBytes tensor(String name, GgmlType type, long offset, long... dims) {
        str(name).u32(dims.length);
        for (long d : dims) {
            u64(d);
        }
        return u32(type.id()).u64(offset);
    }

    /** Zero padding up to a multiple of {@code alignment}. */
    GgufBytes align(int alignment) {
        while (out.size() % alignment != 0) {
            out.write(0);
        }
        return this;
    }

    GgufBytes f32s(float... values) {
        for (float v : values) {
            f32(v);
        }
        return this;
    }

    GgufBytes zeros(int n) {
        out.writeBytes(new byte[n]);
        return this;
    }

    int size() {
        return out.size();
    }

    byte[] bytes() {
        return out.toByteArray();
    }

    /** Writes the bytes to {@code dir/name} and returns the path. */
    Path write(Path dir, String name) {
        try {
            return Files.write(dir.resolve(name), bytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
