package io.github.icl4j.checkpoint;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.icl4j.DType;
import io.github.icl4j.DeviceSpec;
import io.github.icl4j.runtime.Tensors;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;

/**
 * One {@code .safetensors} file, validated on open and read by memory map.
 *
 * <p>The header (an 8-byte little-endian length, then JSON) is checked completely before any tensor is
 * touched: a sane header length inside the file, JSON of the expected form, known dtypes, offsets inside
 * the data section, byte lengths equal to shape × element size, and no overlapping tensors. The file is opened
 * read-only and each tensor is copied into memory LibTorch owns: a loaded tensor is a snapshot of the file, and a
 * file rewritten while it is being read is refused (its size and modification time are checked around every read).
 */
public final class SafetensorsFile implements WeightSource {
    /** Headers larger than this are refused: the reference implementation's limit (100,000,000 bytes). */
    static final long MAX_HEADER = 100_000_000L;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path path;
    private final FileChannel channel;
    private final long dataStart;
    private final Map<String, Entry> entries;
    private final Map<String, String> metadata;
    private final FileStamp stamp;
    private volatile boolean closed;

    private record Entry(TensorInfo info, StoredType type, long begin, long end) {
    }

    private SafetensorsFile(Path path, FileChannel channel, long dataStart, Map<String, Entry> entries,
            Map<String, String> metadata, FileStamp stamp) {
        this.stamp = stamp;
        this.path = path;
        this.channel = channel;
        this.dataStart = dataStart;
        this.entries = entries;
        this.metadata = metadata;
    }

    /**
     * Opens and validates a safetensors file.
     *
     * @throws InvalidCheckpointException naming the file and what is wrong
     * @throws UncheckedIOException       when the file cannot be read
     */
    public static SafetensorsFile open(Path path) {
        FileChannel ch;
        try {
            // read-only: a model file need not be writable, and loading never writes
            ch = FileChannel.open(path, StandardOpenOption.READ);
        } catch (NoSuchFileException e) {
            throw new InvalidCheckpointException(path + ": no such file");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open " + path, e);
        }
        try {
            return parse(path, ch);
        } catch (RuntimeException e) {
            closeQuietly(ch);
            throw e;
        }
    }

    private static SafetensorsFile parse(Path path, FileChannel ch) {
        try {
            long size = ch.size();
            if (size < 8) {
                throw new InvalidCheckpointException(path + ": truncated: " + size + " bytes, a safetensors file "
                        + "starts with an 8-byte header length");
            }
            ByteBuffer lenBuf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            readFully(ch, lenBuf, 0);
            long headerLen = lenBuf.flip().getLong();
            if (headerLen < 2 || headerLen > MAX_HEADER) {
                throw new InvalidCheckpointException(path + ": header length " + Long.toUnsignedString(headerLen)
                        + " out of range [2, " + MAX_HEADER + "]");
            }
            if (8 + headerLen > size) {
                throw new InvalidCheckpointException(path + ": header length " + headerLen
                        + " runs past the end of the file (" + size + " bytes)");
            }
            ByteBuffer header = ByteBuffer.allocate((int) headerLen);
            readFully(ch, header, 8);
            long dataStart = 8 + headerLen;
            long dataLen = size - dataStart;
            Map<String, Entry> entries = new LinkedHashMap<>();
            Map<String, String> metadata = new LinkedHashMap<>();
            // Streamed one tensor at a time: a tree of a header near the 100 MB limit took ~2 GB of heap.
            try (JsonParser p = JSON.createParser(header.array())) {
                if (p.nextToken() != JsonToken.START_OBJECT) {
                    throw new InvalidCheckpointException(path + ": header is not a JSON object");
                }
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String key = p.currentName();
                    p.nextToken();
                    JsonNode value = p.readValueAsTree();
                    if (key.equals("__metadata__")) {
                        value.fields().forEachRemaining(m -> metadata.put(m.getKey(), m.getValue().asText()));
                    } else {
                        entries.put(key, parseEntry(path, key, value, dataLen));
                    }
                }
                if (p.nextToken() != null) {
                    throw new InvalidCheckpointException(path + ": header has content after its JSON object");
                }
            } catch (JsonProcessingException e) {
                throw new InvalidCheckpointException(path + ": header is not valid JSON: " + e.getOriginalMessage(), e);
            }
            checkOverlaps(path, entries);
            return new SafetensorsFile(path, ch, dataStart, Collections.unmodifiableMap(entries),
                    Collections.unmodifiableMap(metadata), FileStamp.of(path, size));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + path, e);
        }
    }

    private static Entry parseEntry(Path path, String name, JsonNode node, long dataLen) {
        String where = path + ": tensor '" + name + "'";
        if (!node.isObject()) {
            throw new InvalidCheckpointException(where + ": expected an object with dtype, shape, data_offsets");
        }
        JsonNode dt = node.get("dtype");
        JsonNode shapeNode = node.get("shape");
        JsonNode offsets = node.get("data_offsets");
        if (dt == null || !dt.isTextual() || shapeNode == null || !shapeNode.isArray() || offsets == null
                || !offsets.isArray() || offsets.size() != 2) {
            throw new InvalidCheckpointException(where + ": expected dtype (text), shape (array) and data_offsets "
                    + "([begin, end]), found " + node);
        }
        StoredType type = StoredType.of(dt.asText()).orElseThrow(() -> new InvalidCheckpointException(
                where + ": dtype '" + dt.asText() + "' is not supported; expected one of "
                        + Arrays.toString(StoredType.values())));
        long[] shape = new long[shapeNode.size()];
        long numel = 1;
        for (int i = 0; i < shape.length; i++) {
            JsonNode s = shapeNode.get(i);
            if (!s.canConvertToLong() || s.asLong() < 0) {
                throw new InvalidCheckpointException(where + ": shape " + shapeNode + " has a bad dimension " + s);
            }
            shape[i] = s.asLong();
            try {
                numel = Math.multiplyExact(numel, shape[i]);
            } catch (ArithmeticException e) {
                throw new InvalidCheckpointException(where + ": shape " + shapeNode + " has more than 2^63 elements",
                        e);
            }
        }
        long begin = offsets.get(0).asLong(-1);
        long end = offsets.get(1).asLong(-1);
        if (!offsets.get(0).canConvertToLong() || !offsets.get(1).canConvertToLong() || begin < 0 || end < begin
                || end > dataLen) {
            throw new InvalidCheckpointException(where + ": data_offsets " + offsets
                    + " outside the data section [0, " + dataLen + "]");
        }
        long expected;
        try {
            expected = Math.multiplyExact(numel, type.bytes());
        } catch (ArithmeticException e) {
            throw new InvalidCheckpointException(where + ": shape " + shapeNode + " × " + type + " ("
                    + type.bytes() + " bytes) is more than 2^63 bytes", e);
        }
        if (end - begin != expected) {
            throw new InvalidCheckpointException(where + ": " + (end - begin) + " bytes stored but shape "
                    + shapeNode + " × " + type + " (" + type.bytes() + " bytes) needs " + expected);
        }
        return new Entry(new TensorInfo(name, type.name(), shape), type, begin, end);
    }

    private static void checkOverlaps(Path path, Map<String, Entry> entries) {
        List<Entry> sorted = new ArrayList<>(entries.values());
        sorted.sort(Comparator.comparingLong(Entry::begin).thenComparingLong(Entry::end));
        for (int i = 1; i < sorted.size(); i++) {
            Entry a = sorted.get(i - 1);
            Entry b = sorted.get(i);
            if (b.begin < a.end && b.end > b.begin) {
                throw new InvalidCheckpointException(path + ": tensors '" + a.info.name() + "' [" + a.begin + ", "
                        + a.end + ") and '" + b.info.name() + "' [" + b.begin + ", " + b.end + ") overlap");
            }
        }
    }

    private static void readFully(FileChannel ch, ByteBuffer buf, long pos) throws IOException {
        while (buf.hasRemaining()) {
            int n = ch.read(buf, pos);
            if (n < 0) {
                throw new EOFException("unexpected end of file");
            }
            pos += n;
        }
    }

    private static void closeQuietly(FileChannel ch) {
        try {
            ch.close();
        } catch (IOException ignored) {
            // nothing to do: the open already failed
        }
    }

    @Override
    public Path origin() {
        return path;
    }

    @Override
    public Set<String> names() {
        return entries.keySet();
    }

    /** The free-form {@code __metadata__} strings. */
    public Map<String, String> metadata() {
        return metadata;
    }

    @Override
    public TensorInfo info(String name) {
        return entry(name).info;
    }

    private Entry entry(String name) {
        if (closed) {
            throw new IllegalStateException(path + " is closed");
        }
        Entry e = entries.get(name);
        if (e == null) {
            throw new InvalidCheckpointException(path + ": no tensor named '" + name + "'");
        }
        return e;
    }

    /**
     * Reads a tensor in its stored type on the CPU. The bytes are copied out of the file (never mapped), so the
     * tensor is a snapshot: rewriting, truncating or deleting the file later cannot change it or crash the JVM.
     *
     * @throws InvalidCheckpointException when the file changed (size or modification time) since it was opened,
     *                                    or ends before the tensor's data
     */
    public Tensor loadStored(String name) {
        Entry e = entry(name);
        long len = e.end - e.begin;
        stamp.check(path, channel);
        Tensor t = torch.empty(e.info.shape(), new TensorOptions(e.type.scalarType()), null);
        if (len == 0) {
            return t;
        }
        BytePointer dst = new BytePointer(t.data_ptr());
        long done = 0;
        try {
            // Java buffers hold at most 2 GiB: copy in chunks
            while (done < len) {
                int chunk = (int) Math.min(len - done, 1 << 30);
                ByteBuffer view = dst.position(done).limit(done + chunk).asBuffer();
                readFully(channel, view, dataStart + e.begin + done);
                done += chunk;
            }
        } catch (EOFException ex) {
            throw new InvalidCheckpointException(path + ": tensor '" + name + "' ends past the end of the file: the "
                    + "file was truncated after it was opened", ex);
        } catch (IOException ex) {
            throw new UncheckedIOException("cannot read tensor '" + name + "' from " + path, ex);
        }
        stamp.check(path, channel);
        return t;
    }

    @Override
    public Tensor load(String name, DType dtype, DeviceSpec device) {
        Tensor stored = loadStored(name);
        if (stored.scalar_type().intern() == dtype.scalarType() && !device.isCuda()) {
            return stored;
        }
        return Tensors.to(stored, device, dtype);
    }

    @Override
    public void close() {
        closed = true;
        closeQuietly(channel);
    }

    @Override
    public String toString() {
        return "SafetensorsFile[" + path + ", " + entries.size() + " tensors]";
    }

    /** True when the path names a regular file. */
    static boolean exists(Path p) {
        return Files.isRegularFile(p);
    }
}
