package io.github.icl4j.gguf;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.icl4j.DType;
import io.github.icl4j.DeviceSpec;
import io.github.icl4j.checkpoint.InvalidCheckpointException;
import io.github.icl4j.runtime.Tensors;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.bytedeco.pytorch.Tensor;

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

    private final Path path;
    private final FileChannel channel;
    private final GgufHeader header;
    private final Map<String, Object> metadata;
    private final Map<String, GgufValueType> types;
    private final Map<String, GgufTensorInfo> tensors;
    private final GgufTensorData data;
    private volatile boolean closed;

    private GgufFile(Path path, FileChannel channel, GgufHeader header) {
        this.path = path;
        this.channel = channel;
        this.header = header;
        this.metadata = header.metadata();
        this.types = header.types();
        this.tensors = header.tensors();
        this.data = new GgufTensorData(path, channel, header.fileSize(), header.dataStart());
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
            return new GgufFile(path, ch, GgufHeader.read(path, ch));
        } catch (RuntimeException e) {
            closeQuietly(ch);
            throw e;
        }
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
        return header.version();
    }

    /** Alignment of the data section and of tensor offsets. */
    public int alignment() {
        return header.alignment();
    }

    /** File offset where the data section starts. */
    public long dataOffset() {
        return header.dataStart();
    }

    /** File size in bytes. */
    public long fileSize() {
        return header.fileSize();
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
        return data.bytes(tensor(name));
    }

    /**
     * Dequantises one tensor into a new float array (row-major, PyTorch order).
     *
     * @throws InvalidCheckpointException when the tensor is missing, its type cannot be dequantised, or it has more
     *                                    elements than a Java array holds
     */
    public float[] dequantize(String name) {
        return data.dequantize(tensor(name));
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
        return data.loadFloat(tensor(name));
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
        return new GgufHfConfig(this, LlamaLayout.of(this)).toHfConfig();
    }

    @Override
    public void close() {
        closed = true;
        closeQuietly(channel);
    }

    @Override
    public String toString() {
        return "GgufFile[" + path + ", v" + header.version() + ", " + metadata.size() + " keys, " + tensors.size()
                + " tensors]";
    }
}
