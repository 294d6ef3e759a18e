package io.github.icl4j.gguf;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.icl4j.DType;
import io.github.icl4j.DeviceSpec;
import io.github.icl4j.checkpoint.InvalidCheckpointException;
import io.github.icl4j.runtime.Tensors;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.IntStream;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * A GGUF file (llama.cpp's checkpoint format, versions 2 and 3), validated on open and read by memory map.
 *
 * <p>Layout: the magic {@code GGUF}, a uint32 version, uint64 tensor and metadata counts, the metadata
 * key/value pairs, the tensor infos (name, dimensions innermost first, ggml type, offset), padding to
 * {@code general.alignment} (default 32), then the data section. Everything is little-endian.
 *
 * <p>{@link #open} checks the whole header before any tensor is touched: every count, string length and array
 * length is compared with the bytes left in the file before anything is allocated (a corrupt count cannot cause
 * a huge allocation); value types and ggml types must be known; tensors must have at most 4 dimensions, rows
 * that are whole blocks, aligned offsets, data inside the file and no overlaps. Every failure is an
 * {@link InvalidCheckpointException} whose message names the file, the key or tensor, the bad value and what
 * was expected.
 *
 * <p>Tensors are dequantised into new float32 memory ({@link #load}, {@link #dequantize}); the file's bytes are
 * mapped per tensor (at most 1 GiB per mapping) and only ever read by Java code, never handed to LibTorch, so
 * LibTorch tensors never alias the file. (The mapping is {@code READ_ONLY}: Java allows copy-on-write
 * {@code PRIVATE} mappings only of channels opened for writing, which a model file need not permit.)
 *
 * <p>Metadata values are boxed as: UINT8, INT8, UINT16, INT16, INT32 → {@link Integer}; UINT32, INT64, UINT64 →
 * {@link Long} (UINT64 as raw bits); FLOAT32 → {@link Float}; FLOAT64 → {@link Double}; BOOL → {@link Boolean};
 * STRING → {@link String}; ARRAY → {@link GgufArray}. The typed accessors ({@link #getString}, {@link #getInt},
 * {@link #getFloat}, {@link #getStringArray}, ...) fail with a message naming the key when it is missing or
 * of the wrong type.
 *
 * <p>Instances are safe for concurrent reads; {@link #close()} releases the file handle.
 */
public final class GgufFile implements AutoCloseable {
    /** Alignment of the data section and of every tensor when {@code general.alignment} is absent. */
    public static final int DEFAULT_ALIGNMENT = 32;
    /** ggml's {@code GGML_MAX_DIMS}. */
    public static final int MAX_DIMS = 4;
    /** The format's limit on key length. */
    static final int MAX_KEY_BYTES = 65535;
    /** Deepest nesting of arrays accepted. */
    static final int MAX_ARRAY_DEPTH = 8;
    /** Minimum bytes of one tensor info: name length, dimension count, type, offset. */
    static final int MIN_TENSOR_INFO_BYTES = 8 + 4 + 4 + 8;
    /** Minimum bytes of one key/value pair: key length, value type, one-byte value. */
    static final int MIN_KV_BYTES = 8 + 4 + 1;
    /** Largest Java array the reader allocates for metadata. */
    static final int MAX_ARRAY_LENGTH = Integer.MAX_VALUE - 16;
    private static final int MAGIC = 0x46554747; // "GGUF" read little-endian
    /** Elements dequantised per task (tests lower it to exercise chunking). */
    static int chunkElements = 1 << 16;
    /** Largest byte range mapped at once (tests lower it to exercise several mappings per tensor). */
    static long maxMapping = 1L << 30;

    private final Path path;
    private final FileChannel channel;
    private final long fileSize;
    private final int version;
    private final int alignment;
    private final long dataStart;
    private final Map<String, Object> metadata;
    private final Map<String, GgufValueType> types;
    private final Map<String, GgufTensorInfo> tensors;
    private volatile boolean closed;

    private GgufFile(Path path, FileChannel channel, long fileSize, int version, int alignment, long dataStart,
            Map<String, Object> metadata, Map<String, GgufValueType> types, Map<String, GgufTensorInfo> tensors) {
        this.path = path;
        this.channel = channel;
        this.fileSize = fileSize;
        this.version = version;
        this.alignment = alignment;
        this.dataStart = dataStart;
        this.metadata = metadata;
        this.types = types;
        this.tensors = tensors;
    }

    /**
     * Opens and validates a GGUF file.
     *
     * @throws InvalidCheckpointException naming the file and what is wrong
     * @throws UncheckedIOException       when the file cannot be read
     */
    public static GgufFile open(Path path) {
        FileChannel ch;
        try {
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

    private static GgufFile parse(Path path, FileChannel ch) {
        long size;
        try {
            size = ch.size();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + path, e);
        }
        HeaderReader r = new HeaderReader(path, ch, size);
        if (size < 4) {
            throw new InvalidCheckpointException(path + ": truncated: " + size + " bytes, not a GGUF file (a GGUF file "
                    + "starts with the 4-byte magic 'GGUF')");
        }
        int magic = r.i32("magic");
        if (magic != MAGIC) {
            throw new InvalidCheckpointException(path + ": not a GGUF file: magic " + describeMagic(magic)
                    + ", expected 'GGUF' (0x47 0x47 0x55 0x46)");
        }
        long version = r.u32("version");
        if (version != 2 && version != 3) {
            long swapped = Integer.reverseBytes((int) version) & 0xFFFFFFFFL;
            if (swapped == 2 || swapped == 3) {
                throw new InvalidCheckpointException(path + ": big-endian GGUF (version " + swapped
                        + " stored byte-swapped) is not supported; expected a little-endian file");
            }
            throw new InvalidCheckpointException(path + ": GGUF version " + version + " is not supported; expected 2 "
                    + "or 3" + (version == 1 ? " (version 1 files predate 64-bit counts: re-convert the model)" : ""));
        }
        long tensorCount = r.i64("tensor count");
        long kvCount = r.i64("metadata key/value count");
        long left = r.remaining();
        if (tensorCount < 0 || tensorCount > left / MIN_TENSOR_INFO_BYTES) {
            throw new InvalidCheckpointException(path + ": tensor count " + Long.toUnsignedString(tensorCount)
                    + " is impossible: the " + left + " bytes after the header hold at most "
                    + left / MIN_TENSOR_INFO_BYTES + " tensor infos of at least " + MIN_TENSOR_INFO_BYTES + " bytes");
        }
        if (kvCount < 0 || kvCount > (left - tensorCount * MIN_TENSOR_INFO_BYTES) / MIN_KV_BYTES) {
            throw new InvalidCheckpointException(path + ": metadata key/value count " + Long.toUnsignedString(kvCount)
                    + " is impossible: the " + left + " bytes after the header hold at most "
                    + (left - tensorCount * MIN_TENSOR_INFO_BYTES) / MIN_KV_BYTES + " pairs of at least "
                    + MIN_KV_BYTES + " bytes besides " + tensorCount + " tensor infos");
        }

        Map<String, Object> metadata = new LinkedHashMap<>();
        Map<String, GgufValueType> types = new LinkedHashMap<>();
        for (long i = 0; i < kvCount; i++) {
            long at = r.position();
            String key = r.string("key of metadata pair " + i, MAX_KEY_BYTES);
            long typeId = r.u32("value type of key '" + key + "'");
            GgufValueType type = GgufValueType.byId(typeId).orElseThrow(() -> new InvalidCheckpointException(
                    path + ": metadata key '" + key + "' has unknown value type " + typeId + "; expected 0..12"));
            Object value = readValue(path, r, type, key, 0);
            if (metadata.containsKey(key)) {
                throw new InvalidCheckpointException(path + ": metadata key '" + key + "' appears twice (second at "
                        + "offset " + at + ")");
            }
            metadata.put(key, value);
            types.put(key, type);
        }

        int alignment = DEFAULT_ALIGNMENT;
        if (metadata.containsKey("general.alignment")) {
            Object a = metadata.get("general.alignment");
            long av = a instanceof Integer v ? v : a instanceof Long v ? v : -1;
            if (!types.get("general.alignment").isInteger() || av <= 0 || av > (1 << 30) || Long.bitCount(av) != 1) {
                throw new InvalidCheckpointException(path + ": general.alignment is " + types.get("general.alignment")
                        + " " + a + "; expected a power of two (uint32) no larger than 2^30");
            }
            alignment = (int) av;
        }

        List<GgufTensorInfo> infos = new ArrayList<>();
        Map<String, GgufTensorInfo> byName = new LinkedHashMap<>();
        for (long i = 0; i < tensorCount; i++) {
            String name = r.string("name of tensor " + i, MAX_KEY_BYTES);
            String where = path + ": tensor '" + name + "'";
            long nDims = r.u32("dimension count of tensor '" + name + "'");
            if (nDims > MAX_DIMS) {
                throw new InvalidCheckpointException(where + " has " + nDims + " dimensions; at most " + MAX_DIMS
                        + " are allowed");
            }
            long[] dims = new long[(int) nDims];
            for (int d = 0; d < nDims; d++) {
                dims[d] = r.i64("dimension " + d + " of tensor '" + name + "'");
                if (dims[d] < 0) {
                    throw new InvalidCheckpointException(where + ": dimension " + d + " is "
                            + Long.toUnsignedString(dims[d]) + ", out of range");
                }
            }
            long typeId = r.u32("ggml type of tensor '" + name + "'");
            GgmlType type = GgmlType.byId(typeId).orElseThrow(() -> new InvalidCheckpointException(
                    where + " has unknown ggml type " + typeId + "; known types: " + knownTypes()));
            long offset = r.i64("data offset of tensor '" + name + "'");
            long numel = 1;
            long bytes;
            try {
                for (long d : dims) {
                    numel = Math.multiplyExact(numel, d);
                }
                long rowLen = dims.length == 0 ? 1 : dims[0];
                if (rowLen % type.blockSize() != 0) {
                    throw new InvalidCheckpointException(where + ": row length (dimension 0) " + rowLen + " is not a "
                            + "multiple of the " + type + " block size " + type.blockSize());
                }
                bytes = type.bytesFor(numel);
            } catch (ArithmeticException e) {
                throw new InvalidCheckpointException(where + ": dimensions " + java.util.Arrays.toString(dims)
                        + " overflow 64 bits", e);
            }
            if (offset < 0 || offset % alignment != 0) {
                throw new InvalidCheckpointException(where + ": data offset " + Long.toUnsignedString(offset)
                        + " is not a non-negative multiple of the alignment " + alignment);
            }
            GgufTensorInfo info = new GgufTensorInfo(name, type, dims, offset, bytes);
            if (byName.put(name, info) != null) {
                throw new InvalidCheckpointException(path + ": tensor name '" + name + "' appears twice");
            }
            infos.add(info);
        }

        long dataStart = alignUp(r.position(), alignment);
        long dataLen = Math.max(0, size - dataStart);
        if (dataStart > size && !infos.isEmpty()) {
            throw new InvalidCheckpointException(path + ": truncated: the data section would start at offset "
                    + dataStart + " but the file ends at " + size);
        }
        for (GgufTensorInfo t : infos) {
            if (t.offset() > dataLen || t.byteSize() > dataLen - t.offset()) {
                throw new InvalidCheckpointException(path + ": tensor '" + t.name() + "' data [" + t.offset() + ", "
                        + (t.offset() + t.byteSize()) + ") of the data section runs past the end of the file (the data "
                        + "section holds " + dataLen + " bytes from offset " + dataStart + "; " + t.type() + " "
                        + java.util.Arrays.toString(t.dims()) + " needs " + t.byteSize() + " bytes)");
            }
        }
        checkOverlaps(path, infos);
        return new GgufFile(path, ch, size, (int) version, alignment, dataStart,
                Collections.unmodifiableMap(metadata), Collections.unmodifiableMap(types),
                Collections.unmodifiableMap(byName));
    }

    private static String describeMagic(int magic) {
        StringBuilder hex = new StringBuilder();
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 4; i++) {
            int b = (magic >>> (8 * i)) & 0xFF;
            hex.append(i > 0 ? " " : "").append(String.format("0x%02X", b));
            text.append(b >= 32 && b < 127 ? (char) b : '.');
        }
        return "'" + text + "' (" + hex + ")";
    }

    private static String knownTypes() {
        StringBuilder sb = new StringBuilder();
        for (GgmlType t : GgmlType.values()) {
            sb.append(sb.length() > 0 ? ", " : "").append(t).append('=').append(t.id());
        }
        return sb.toString();
    }

    private static Object readValue(Path path, HeaderReader r, GgufValueType type, String key, int depth) {
        String what = "value of key '" + key + "'";
        switch (type) {
            case UINT8:
                return r.u8(what);
            case INT8:
                return r.i8(what);
            case UINT16:
                return r.u16(what);
            case INT16:
                return r.i16(what);
            case UINT32:
                return r.u32(what);
            case INT32:
                return r.i32(what);
            case FLOAT32:
                return r.f32(what);
            case FLOAT64:
                return r.f64(what);
            case UINT64:
            case INT64:
                return r.i64(what);
            case BOOL: {
                int b = r.u8(what);
                if (b > 1) {
                    throw new InvalidCheckpointException(path + ": metadata key '" + key + "' is BOOL but holds byte "
                            + b + "; expected 0 or 1");
                }
                return b == 1;
            }
            case STRING:
                return r.string(what, Long.MAX_VALUE);
            case ARRAY:
                return readArray(path, r, key, depth);
            default:
                throw new IllegalStateException("unreachable: " + type);
        }
    }

    private static GgufArray readArray(Path path, HeaderReader r, String key, int depth) {
        if (depth >= MAX_ARRAY_DEPTH) {
            throw new InvalidCheckpointException(path + ": metadata key '" + key + "' nests arrays more than "
                    + MAX_ARRAY_DEPTH + " deep");
        }
        long typeId = r.u32("array element type of key '" + key + "'");
        GgufValueType et = GgufValueType.byId(typeId).orElseThrow(() -> new InvalidCheckpointException(
                path + ": metadata key '" + key + "' is an array of unknown value type " + typeId + "; expected 0..12"));
        long count = r.i64("array length of key '" + key + "'");
        long left = r.remaining();
        if (count < 0 || count > left / et.minBytes() || count > MAX_ARRAY_LENGTH) {
            throw new InvalidCheckpointException(path + ": metadata key '" + key + "' is an array of "
                    + Long.toUnsignedString(count) + " " + et + " elements, impossible: " + left
                    + " bytes are left in the file and each element takes at least " + et.minBytes());
        }
        int n = (int) count;
        String what = "element of array '" + key + "'";
        switch (et) {
            case UINT8, INT8, UINT16, INT16, INT32: {
                int[] a = new int[n];
                for (int i = 0; i < n; i++) {
                    a[i] = switch (et) {
                        case UINT8 -> r.u8(what);
                        case INT8 -> r.i8(what);
                        case UINT16 -> r.u16(what);
                        case INT16 -> r.i16(what);
                        default -> r.i32(what);
                    };
                }
                return new GgufArray(et, a, n);
            }
            case UINT32, UINT64, INT64: {
                long[] a = new long[n];
                for (int i = 0; i < n; i++) {
                    a[i] = et == GgufValueType.UINT32 ? r.u32(what) : r.i64(what);
                }
                return new GgufArray(et, a, n);
            }
            case FLOAT32: {
                float[] a = new float[n];
                for (int i = 0; i < n; i++) {
                    a[i] = r.f32(what);
                }
                return new GgufArray(et, a, n);
            }
            case FLOAT64: {
                double[] a = new double[n];
                for (int i = 0; i < n; i++) {
                    a[i] = r.f64(what);
                }
                return new GgufArray(et, a, n);
            }
            case BOOL: {
                boolean[] a = new boolean[n];
                for (int i = 0; i < n; i++) {
                    int b = r.u8(what);
                    if (b > 1) {
                        throw new InvalidCheckpointException(path + ": element " + i + " of BOOL array '" + key
                                + "' holds byte " + b + "; expected 0 or 1");
                    }
                    a[i] = b == 1;
                }
                return new GgufArray(et, a, n);
            }
            case STRING: {
                String[] a = new String[n];
                for (int i = 0; i < n; i++) {
                    a[i] = r.string("string " + i + " of array '" + key + "'", Long.MAX_VALUE);
                }
                return new GgufArray(et, a, n);
            }
            case ARRAY: {
                GgufArray[] a = new GgufArray[n];
                for (int i = 0; i < n; i++) {
                    a[i] = readArray(path, r, key + "[" + i + "]", depth + 1);
                }
                return new GgufArray(et, a, n);
            }
            default:
                throw new IllegalStateException("unreachable: " + et);
        }
    }

    private static void checkOverlaps(Path path, List<GgufTensorInfo> infos) {
        List<GgufTensorInfo> sorted = new ArrayList<>(infos);
        sorted.removeIf(t -> t.byteSize() == 0);
        sorted.sort(Comparator.comparingLong(GgufTensorInfo::offset));
        for (int i = 1; i < sorted.size(); i++) {
            GgufTensorInfo a = sorted.get(i - 1);
            GgufTensorInfo b = sorted.get(i);
            if (b.offset() < a.offset() + a.byteSize()) {
                throw new InvalidCheckpointException(path + ": tensors '" + a.name() + "' [" + a.offset() + ", "
                        + (a.offset() + a.byteSize()) + ") and '" + b.name() + "' [" + b.offset() + ", "
                        + (b.offset() + b.byteSize()) + ") overlap in the data section");
            }
        }
    }

    static long alignUp(long x, long alignment) {
        return (x + alignment - 1) / alignment * alignment;
    }

    private static void closeQuietly(FileChannel ch) {
        try {
            ch.close();
        } catch (IOException ignored) {
            // nothing to do: the open already failed
        }
    }

    // ------------------------------------------------------------------ file facts

    /** The file read. */
    public Path path() {
        return path;
    }

    /** The format version: 2 or 3. */
    public int version() {
        return version;
    }

    /** Alignment of the data section and of tensor offsets. */
    public int alignment() {
        return alignment;
    }

    /** File offset where the data section starts. */
    public long dataOffset() {
        return dataStart;
    }

    /** File size in bytes. */
    public long fileSize() {
        return fileSize;
    }

    /** {@code general.architecture}, e.g. {@code llama}. */
    public String architecture() {
        return getString("general.architecture");
    }

    // ------------------------------------------------------------------ metadata

    /** Every metadata value in file order, boxed as the class comment says; unmodifiable. */
    public Map<String, Object> metadata() {
        return metadata;
    }

    /** True when the metadata holds {@code key}. */
    public boolean has(String key) {
        return metadata.containsKey(key);
    }

    /**
     * The stored type of {@code key}.
     *
     * @throws InvalidCheckpointException when the key is missing
     */
    public GgufValueType valueType(String key) {
        require(key);
        return types.get(key);
    }

    /**
     * The value of {@code key}, boxed.
     *
     * @throws InvalidCheckpointException when the key is missing
     */
    public Object get(String key) {
        require(key);
        return metadata.get(key);
    }

    /** The value of {@code key}, if present. */
    public Optional<Object> find(String key) {
        return Optional.ofNullable(metadata.get(key));
    }

    private void require(String key) {
        if (!metadata.containsKey(key)) {
            throw new InvalidCheckpointException(path + ": metadata key '" + key + "' is missing");
        }
    }

    private InvalidCheckpointException wrongType(String key, String expected) {
        Object v = metadata.get(key);
        String shown = v instanceof String s ? "'" + (s.length() > 60 ? s.substring(0, 60) + "..." : s) + "'"
                : String.valueOf(v);
        return new InvalidCheckpointException(path + ": metadata key '" + key + "' is " + types.get(key) + " ("
                + shown + "), expected " + expected);
    }

    /**
     * A STRING value.
     *
     * @throws InvalidCheckpointException when the key is missing or not a string
     */
    public String getString(String key) {
        require(key);
        if (metadata.get(key) instanceof String s) {
            return s;
        }
        throw wrongType(key, "STRING");
    }

    /** A STRING value, or {@code fallback} when the key is missing (a wrong type still fails). */
    public String getString(String key, String fallback) {
        return has(key) ? getString(key) : fallback;
    }

    /**
     * An integer value that fits an {@code int}.
     *
     * @throws InvalidCheckpointException when the key is missing, not an integer or out of range
     */
    public int getInt(String key) {
        long v = getLong(key);
        if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
            throw wrongType(key, "an integer that fits 32 bits");
        }
        return (int) v;
    }

    /** An integer value, or {@code fallback} when the key is missing. */
    public int getInt(String key, int fallback) {
        return has(key) ? getInt(key) : fallback;
    }

    /**
     * An integer value (UINT64 only up to 2^63 − 1).
     *
     * @throws InvalidCheckpointException when the key is missing or not an integer
     */
    public long getLong(String key) {
        require(key);
        GgufValueType t = types.get(key);
        if (!t.isInteger()) {
            throw wrongType(key, "an integer");
        }
        long v = ((Number) metadata.get(key)).longValue();
        if (t == GgufValueType.UINT64 && v < 0) {
            throw new InvalidCheckpointException(path + ": metadata key '" + key + "' is UINT64 "
                    + Long.toUnsignedString(v) + ", larger than 2^63 - 1");
        }
        return v;
    }

    /** An integer value, or {@code fallback} when the key is missing. */
    public long getLong(String key, long fallback) {
        return has(key) ? getLong(key) : fallback;
    }

    /**
     * A FLOAT32 or FLOAT64 value (an integer value is converted too).
     *
     * @throws InvalidCheckpointException when the key is missing or not a number
     */
    public float getFloat(String key) {
        require(key);
        Object v = metadata.get(key);
        if (v instanceof Float f) {
            return f;
        }
        return (float) getDouble(key);
    }

    /** A number, or {@code fallback} when the key is missing. */
    public float getFloat(String key, float fallback) {
        return has(key) ? getFloat(key) : fallback;
    }

    /**
     * A FLOAT64 or FLOAT32 value (an integer value is converted too).
     *
     * @throws InvalidCheckpointException when the key is missing or not a number
     */
    public double getDouble(String key) {
        require(key);
        GgufValueType t = types.get(key);
        if (t.isFloat()) {
            return ((Number) metadata.get(key)).doubleValue();
        }
        if (t.isInteger()) {
            return getLong(key);
        }
        throw wrongType(key, "a number");
    }

    /**
     * A BOOL value.
     *
     * @throws InvalidCheckpointException when the key is missing or not a boolean
     */
    public boolean getBoolean(String key) {
        require(key);
        if (metadata.get(key) instanceof Boolean b) {
            return b;
        }
        throw wrongType(key, "BOOL");
    }

    /** A BOOL value, or {@code fallback} when the key is missing. */
    public boolean getBoolean(String key, boolean fallback) {
        return has(key) ? getBoolean(key) : fallback;
    }

    /**
     * An ARRAY value.
     *
     * @throws InvalidCheckpointException when the key is missing or not an array
     */
    public GgufArray getArray(String key) {
        require(key);
        if (metadata.get(key) instanceof GgufArray a) {
            return a;
        }
        throw wrongType(key, "ARRAY");
    }

    /**
     * An array of strings, unmodifiable.
     *
     * @throws InvalidCheckpointException when the key is missing or not an array of STRING
     */
    public List<String> getStringArray(String key) {
        GgufArray a = getArray(key);
        if (a.elementType() != GgufValueType.STRING) {
            throw wrongType(key, "an array of STRING");
        }
        return a.strings();
    }

    /**
     * An array of integers that fit an {@code int}.
     *
     * @throws InvalidCheckpointException when the key is missing, not an integer array, or a value is too large
     */
    public int[] getIntArray(String key) {
        GgufArray a = getArray(key);
        if (!a.elementType().isInteger()) {
            throw wrongType(key, "an array of integers");
        }
        try {
            return a.ints();
        } catch (IllegalStateException e) {
            throw new InvalidCheckpointException(path + ": metadata key '" + key + "': " + e.getMessage(), e);
        }
    }

    /**
     * An array of integers as {@code long}s.
     *
     * @throws InvalidCheckpointException when the key is missing or not an integer array
     */
    public long[] getLongArray(String key) {
        GgufArray a = getArray(key);
        if (!a.elementType().isInteger()) {
            throw wrongType(key, "an array of integers");
        }
        return a.longs();
    }

    /**
     * An array of numbers as floats.
     *
     * @throws InvalidCheckpointException when the key is missing or not a numeric array
     */
    public float[] getFloatArray(String key) {
        GgufArray a = getArray(key);
        if (!a.elementType().isInteger() && !a.elementType().isFloat()) {
            throw wrongType(key, "an array of numbers");
        }
        return a.floats();
    }

    // ------------------------------------------------------------------ tensors

    /** Every tensor in file order. */
    public List<GgufTensorInfo> tensors() {
        return List.copyOf(tensors.values());
    }

    /** Every tensor name (GGUF spelling) in file order. */
    public Set<String> tensorNames() {
        return tensors.keySet();
    }

    /** True when the file holds a tensor named {@code name}. */
    public boolean hasTensor(String name) {
        return tensors.containsKey(name);
    }

    /**
     * The info of one tensor.
     *
     * @throws InvalidCheckpointException naming the missing tensor and the file
     */
    public GgufTensorInfo tensor(String name) {
        if (closed) {
            throw new IllegalStateException(path + " is closed");
        }
        GgufTensorInfo t = tensors.get(name);
        if (t == null) {
            throw new InvalidCheckpointException(path + ": no tensor named '" + name + "'");
        }
        return t;
    }

    /**
     * The stored bytes of one tensor: a read-only little-endian view of a memory map of the file.
     *
     * @throws InvalidCheckpointException when the tensor is missing or larger than 2 GiB (use {@link #load})
     */
    public ByteBuffer tensorData(String name) {
        GgufTensorInfo t = tensor(name);
        if (t.byteSize() > Integer.MAX_VALUE) {
            throw new InvalidCheckpointException(path + ": tensor '" + name + "' holds " + t.byteSize()
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

    /**
     * Dequantises one tensor into a new float array (row-major, PyTorch order).
     *
     * @throws InvalidCheckpointException when the tensor is missing, its type cannot be dequantised, or it has more
     *                                    elements than a Java array holds
     */
    public float[] dequantize(String name) {
        GgufTensorInfo t = tensor(name);
        if (t.numel() > MAX_ARRAY_LENGTH) {
            throw new InvalidCheckpointException(path + ": tensor '" + name + "' has " + t.numel()
                    + " elements, more than a Java array holds; use load()");
        }
        float[] out = new float[(int) t.numel()];
        decode(t, (at, values, n) -> System.arraycopy(values, 0, out, (int) at, n));
        return out;
    }

    /**
     * Reads one tensor by its GGUF name, dequantised, as {@code dtype} on {@code device}, with the shape in PyTorch
     * order. Values are first dequantised to float32 exactly as llama.cpp does, then rounded to {@code dtype}. The
     * result belongs to the innermost open {@code PointerScope}.
     *
     * @throws InvalidCheckpointException when the tensor is missing or its type cannot be dequantised
     */
    public Tensor load(String name, DType dtype, DeviceSpec device) {
        Tensor f = loadFloat(name);
        if (dtype == DType.FP32 && !device.isCuda()) {
            return f;
        }
        return Tensors.to(f, device, dtype);
    }

    /** Dequantises one tensor into a new float32 CPU tensor (PyTorch-order shape). */
    Tensor loadFloat(String name) {
        GgufTensorInfo t = tensor(name);
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

    // ------------------------------------------------------------------ Hugging Face view

    /**
     * A Hugging Face {@code config.json} equivalent of this file's model hyper-parameters.
     *
     * <p>Supported: {@code general.architecture} = {@code llama} (which also covers Mistral and SmolLM2 files),
     * {@code qwen2}, {@code qwen3} and {@code phi3} ({@code model_type} = the architecture),
     * and {@code gemma}, {@code gemma2}, {@code gemma3} ({@code model_type} gemma, gemma2, gemma3_text: with
     * {@code query_pre_attn_scalar}, {@code sliding_window}, {@code layer_types}, the soft-caps Gemma 2 stores, and
     * Gemma 3's per-layer-type {@code rope_parameters}; what the file does not store is what llama.cpp assumes).
     * Fields: {@code model_type}, {@code architectures}, {@code vocab_size}, {@code hidden_size},
     * {@code intermediate_size}, {@code num_hidden_layers}, {@code num_attention_heads},
     * {@code num_key_value_heads}, {@code head_dim}, {@code rms_norm_eps}, {@code rope_theta},
     * {@code max_position_embeddings}, {@code tie_word_embeddings} (true when there is no {@code output.weight}),
     * {@code hidden_act}, {@code attention_bias}, {@code mlp_bias}, and when the file gives them
     * {@code bos_token_id}, {@code eos_token_id}, {@code pad_token_id}, and in {@code rope_parameters} the rotary
     * scaling: {@code <arch>.rope.scaling.*} (linear, yarn), a {@code rope_freqs} tensor (Llama 3.x) as
     * {@code rope_freqs} frequency divisors, Phi-3's {@code rope_factors_long}/{@code _short} as longrope. The
     * rotary base is given both as
     * {@code rope_theta} (transformers 4) and {@code rope_parameters.rope_theta} (transformers 5). Float32 metadata is
     * written as its shortest decimal (1e-5, not 9.999999747378752e-6).
     *
     * @throws InvalidCheckpointException when the architecture is not supported yet or a required key is missing
     */
    public ObjectNode toHfConfig() {
        return LlamaLayout.of(this).toHfConfig();
    }

    @Override
    public void close() {
        closed = true;
        closeQuietly(channel);
    }

    @Override
    public String toString() {
        return "GgufFile[" + path + ", v" + version + ", " + metadata.size() + " keys, " + tensors.size()
                + " tensors]";
    }
}
