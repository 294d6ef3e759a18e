package io.github.icl4j.gguf;

import io.github.icl4j.checkpoint.InvalidCheckpointException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The validated header of a GGUF file: format version, alignment, where the data section starts, the metadata
 * (values boxed as {@link GgufFile} describes, and their stored types) and the tensor directory.
 *
 * <p>{@link #read} checks the whole header before any tensor is touched: every count, string length and array
 * length is compared with the bytes left in the file before anything is allocated (a corrupt count cannot cause a
 * huge allocation); value types and ggml types must be known; tensors must have at most 4 dimensions, rows that are
 * whole blocks, aligned offsets, data inside the file and no overlaps.
 *
 * @param fileSize  the file's size in bytes when read
 * @param version   2 or 3
 * @param alignment of the data section and of every tensor offset
 * @param dataStart file offset of the data section
 * @param metadata  every metadata value in file order, unmodifiable
 * @param types     the stored type of every metadata key, unmodifiable
 * @param tensors   every tensor's info by name, in file order, unmodifiable
 */
record GgufHeader(long fileSize, int version, int alignment, long dataStart, Map<String, Object> metadata,
        Map<String, GgufValueType> types, Map<String, GgufTensorInfo> tensors) {
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

    /**
     * Reads and validates the header of the file open on {@code ch}.
     *
     * @throws InvalidCheckpointException naming the file and what is wrong
     * @throws UncheckedIOException       when the file cannot be read
     */
    static GgufHeader read(Path path, FileChannel ch) {
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

        int alignment = GgufFile.DEFAULT_ALIGNMENT;
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
            if (nDims > GgufFile.MAX_DIMS) {
                throw new InvalidCheckpointException(where + " has " + nDims + " dimensions; at most " + GgufFile.MAX_DIMS
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
        return new GgufHeader(size, (int) version, alignment, dataStart, Collections.unmodifiableMap(metadata),
                Collections.unmodifiableMap(types), Collections.unmodifiableMap(byName));
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
}
