package io.github.icl4j.checkpoint;

import java.util.Locale;
import java.util.Optional;
import org.bytedeco.pytorch.global.torch.ScalarType;

/** Element types a safetensors file may hold, with their LibTorch counterparts. */
public enum StoredType {
    F64(8, ScalarType.Double),
    F32(4, ScalarType.Float),
    F16(2, ScalarType.Half),
    BF16(2, ScalarType.BFloat16),
    I64(8, ScalarType.Long),
    I32(4, ScalarType.Int),
    I16(2, ScalarType.Short),
    I8(1, ScalarType.Char),
    U8(1, ScalarType.Byte),
    BOOL(1, ScalarType.Bool);

    private final int bytes;
    private final ScalarType scalarType;

    StoredType(int bytes, ScalarType scalarType) {
        this.bytes = bytes;
        this.scalarType = scalarType;
    }

    public int bytes() {
        return bytes;
    }

    public ScalarType scalarType() {
        return scalarType;
    }

    /** The stored type named {@code text} (safetensors spelling), if known. */
    public static Optional<StoredType> of(String text) {
        try {
            return Optional.of(valueOf(text.toUpperCase(Locale.ROOT)));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** The stored type for a LibTorch scalar type. */
    public static StoredType of(ScalarType type) {
        for (StoredType t : values()) {
            if (t.scalarType == type) {
                return t;
            }
        }
        throw new IllegalArgumentException("scalar type " + type + " cannot be written to safetensors");
    }
}
