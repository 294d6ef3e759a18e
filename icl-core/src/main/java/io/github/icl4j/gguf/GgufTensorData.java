package io.github.icl4j.gguf;

import io.github.icl4j.checkpoint.InvalidCheckpointException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.stream.IntStream;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * The data section of an open GGUF file: a tensor's stored bytes, and its values dequantised to float32 exactly as
 * llama.cpp does. The file's bytes are mapped per tensor (at most {@link #maxMapping} bytes per mapping) and only ever
 * read by Java code, never handed to LibTorch, so LibTorch tensors never alias the file.
 */
final class GgufTensorData {
    /** Elements dequantised per task (tests lower it to exercise chunking). */
    static int chunkElements = 1 << 16;
    /** Largest byte range mapped at once (tests lower it to exercise several mappings per tensor). */
    static long maxMapping = 1L << 30;

    private final Path path;
    private final FileChannel channel;
    private final long fileSize;
    private final long dataStart;

    GgufTensorData(Path path, FileChannel channel, long fileSize, long dataStart) {
        this.path = path;
        this.channel = channel;
        this.fileSize = fileSize;
        this.dataStart = dataStart;
    }

    /** The stored bytes of {@code t}: a read-only little-endian view of a memory map of the file. */
    ByteBuffer bytes(GgufTensorInfo t) {
        if (t.byteSize() > Integer.MAX_VALUE) {
            throw new InvalidCheckpointException(path + ": tensor '" + t.name() + "' holds " + t.byteSize()
                    + " bytes, more than one buffer can map; use load()");
        }
        return map(dataStart + t.offset(), t.byteSize()).asReadOnlyBuffer().order(ByteOrder.LITTLE_ENDIAN);
    }

    private ByteBuffer map(long at, long len) {
        try {
            return channel.map(FileChannel.MapMode.READ_ONLY, at, len).order(ByteOrder.LITTLE_ENDIAN);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot map " + len + " bytes at offset " + at + " of " + path, e);
        }
    }

    /** {@code t} dequantised into a new float array (row-major, PyTorch order). */
    float[] dequantize(GgufTensorInfo t) {
        if (t.numel() > GgufHeader.MAX_ARRAY_LENGTH) {
            throw new InvalidCheckpointException(path + ": tensor '" + t.name() + "' has " + t.numel()
                    + " elements, more than a Java array holds; use load()");
        }
        float[] out = new float[(int) t.numel()];
        decode(t, (at, values, n) -> System.arraycopy(values, 0, out, (int) at, n));
        return out;
    }

    /** {@code t} dequantised into a new float32 CPU tensor (PyTorch-order shape). */
    Tensor loadFloat(GgufTensorInfo t) {
        checkDequantizable(t);
        Tensor out = torch.empty(t.shape(), new TensorOptions(ScalarType.Float), null);
        if (t.numel() == 0) {
            return out;
        }
        FloatPointer base = new FloatPointer(out.data_ptr_float()).capacity(t.numel());
        decode(t, (at, values, n) -> base.getPointer(at).put(values, 0, n));
        return out;
    }

    private void checkDequantizable(GgufTensorInfo t) {
        if (!t.type().canDequantize()) {
            throw new InvalidCheckpointException(path + ": tensor '" + t.name() + "' is stored as ggml type "
                    + t.type() + ", which cannot be dequantised yet; supported: " + GgmlType.dequantizable());
        }
    }

    /** Receives dequantised floats: {@code n} values for elements {@code at, at + 1, ...}. */
    @FunctionalInterface
    private interface Sink {
        void accept(long at, float[] values, int n);
    }

    private static final class Scratch {
        byte[] bytes = new byte[0];
        float[] floats = new float[0];
    }

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    /**
     * Dequantises a tensor chunk by chunk (in parallel on the common pool), mapping at most 1 GiB at a time.
     * Chunks write disjoint element ranges, so the sink needs no locking.
     */
    private void decode(GgufTensorInfo t, Sink sink) {
        checkDequantizable(t);
        checkStillThere(t);
        try {
            decodeMapped(t, sink);
        } catch (InternalError e) {
            // a read from a map of a file truncated meanwhile: Java reports the SIGBUS as an InternalError
            throw new InvalidCheckpointException(path + ": tensor '" + t.name() + "' could not be read: the file "
                    + "changed (was truncated?) while being loaded", e);
        }
    }

    /** Refuses to map a tensor past the current end of the file (a map of a truncated file faults when read). */
    private void checkStillThere(GgufTensorInfo t) {
        long now;
        try {
            now = channel.size();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + path, e);
        }
        if (now != fileSize) {
            throw new InvalidCheckpointException(path + ": changed while being loaded (" + fileSize
                    + " bytes when opened, "
                    + now + " now); load it again once it is written");
        }
    }

    private void decodeMapped(GgufTensorInfo t, Sink sink) {
        GgmlType type = t.type();
        long totalBlocks = t.byteSize() / type.typeSize();
        int blocksPerChunk = Math.max(1, chunkElements / type.blockSize());
        long chunkBytes = (long) blocksPerChunk * type.typeSize();
        long chunksPerMap = Math.max(1, maxMapping / chunkBytes);
        long totalChunks = (totalBlocks + blocksPerChunk - 1) / blocksPerChunk;
        for (long firstChunk = 0; firstChunk < totalChunks; firstChunk += chunksPerMap) {
            long firstBlock = firstChunk * blocksPerChunk;
            long blocks = Math.min(totalBlocks - firstBlock, chunksPerMap * blocksPerChunk);
            ByteBuffer mapped = map(dataStart + t.offset() + firstBlock * type.typeSize(), blocks * type.typeSize());
            int chunks = (int) ((blocks + blocksPerChunk - 1) / blocksPerChunk);
            IntStream range = IntStream.range(0, chunks);
            (chunks > 1 ? range.parallel() : range).forEach(c -> {
                int nBlocks = (int) Math.min(blocksPerChunk, blocks - (long) c * blocksPerChunk);
                int nBytes = nBlocks * type.typeSize();
                int nFloats = nBlocks * type.blockSize();
                Scratch s = SCRATCH.get();
                if (s.bytes.length < nBytes) {
                    s.bytes = new byte[nBytes];
                }
                if (s.floats.length < nFloats) {
                    s.floats = new float[nFloats];
                }
                mapped.get((int) ((long) c * chunkBytes), s.bytes, 0, nBytes);
                Dequant.run(type, s.bytes, 0, s.floats, 0, nBlocks);
                sink.accept((firstBlock + (long) c * blocksPerChunk) * type.blockSize(), s.floats, nFloats);
            });
        }
    }
}
