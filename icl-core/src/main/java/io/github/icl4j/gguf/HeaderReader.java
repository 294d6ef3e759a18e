package io.github.icl4j.gguf;

import io.github.icl4j.checkpoint.InvalidCheckpointException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Buffered little-endian reads of a GGUF header. Every read checks the file size first, so a truncated file
 * gives a message naming the field and the offset instead of an EOF exception, and no length is trusted before
 * it is compared with the bytes left in the file.
 */
final class HeaderReader {
    private static final int CAPACITY = 1 << 16;

    private final Path path;
    private final FileChannel channel;
    private final long size;
    private final ByteBuffer buf = ByteBuffer.allocate(CAPACITY).order(ByteOrder.LITTLE_ENDIAN);
    /** File offset of buf[0]. */
    private long bufStart;

    HeaderReader(Path path, FileChannel channel, long size) {
        this.path = path;
        this.channel = channel;
        this.size = size;
        buf.limit(0);
    }

    long position() {
        return bufStart + buf.position();
    }

    long size() {
        return size;
    }

    /** Bytes between the current position and the end of the file. */
    long remaining() {
        return size - position();
    }

    private void ensure(int n, String what) {
        if (remaining() < n) {
            throw new InvalidCheckpointException(path + ": truncated: " + what + " needs " + n + " bytes at offset "
                    + position() + " but the file ends at " + size);
        }
        if (buf.remaining() >= n) {
            return;
        }
        bufStart += buf.position();
        buf.compact();
        try {
            while (buf.position() < n) {
                int r = channel.read(buf, bufStart + buf.position());
                if (r < 0) {
                    throw new InvalidCheckpointException(path + ": truncated while reading " + what + " at offset "
                            + position());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + path, e);
        }
        buf.flip();
    }

    int u8(String what) {
        ensure(1, what);
        return buf.get() & 0xFF;
    }

    int i8(String what) {
        ensure(1, what);
        return buf.get();
    }

    int u16(String what) {
        ensure(2, what);
        return buf.getShort() & 0xFFFF;
    }

    int i16(String what) {
        ensure(2, what);
        return buf.getShort();
    }

    long u32(String what) {
        ensure(4, what);
        return buf.getInt() & 0xFFFFFFFFL;
    }

    int i32(String what) {
        ensure(4, what);
        return buf.getInt();
    }

    /** A 64-bit value as raw bits (callers decide how to read the sign bit). */
    long i64(String what) {
        ensure(8, what);
        return buf.getLong();
    }

    float f32(String what) {
        ensure(4, what);
        return buf.getFloat();
    }

    double f64(String what) {
        ensure(8, what);
        return buf.getDouble();
    }

    /**
     * A GGUF string: uint64 length, then UTF-8 bytes (malformed sequences become U+FFFD). The length is checked
     * against {@code maxBytes} and against the bytes left in the file before anything is allocated.
     */
    String string(String what, long maxBytes) {
        long start = position();
        long len = i64("length of " + what);
        if (len < 0 || len > remaining()) {
            throw new InvalidCheckpointException(path + ": " + what + " at offset " + start + " has length "
                    + Long.toUnsignedString(len) + ", past the end of the file (" + remaining() + " bytes left)");
        }
        if (len > Math.min(maxBytes, GgufHeader.MAX_ARRAY_LENGTH)) {
            throw new InvalidCheckpointException(path + ": " + what + " at offset " + start + " has length " + len
                    + ", more than the " + Math.min(maxBytes, GgufHeader.MAX_ARRAY_LENGTH) + " allowed");
        }
        int n = (int) len;
        byte[] bytes = new byte[n];
        if (n <= CAPACITY) {
            ensure(n, what);
            buf.get(bytes);
        } else {
            int have = buf.remaining();
            buf.get(bytes, 0, have);
            ByteBuffer rest = ByteBuffer.wrap(bytes, have, n - have);
            long at = bufStart + buf.position();
            try {
                while (rest.hasRemaining()) {
                    int r = channel.read(rest, at);
                    if (r < 0) {
                        throw new InvalidCheckpointException(path + ": truncated inside " + what);
                    }
                    at += r;
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + path, e);
            }
            bufStart = at;
            buf.clear().limit(0);
        }
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /** Moves to an absolute offset inside the file. */
    void seek(long offset) {
        bufStart = offset;
        buf.clear().limit(0);
    }
}
