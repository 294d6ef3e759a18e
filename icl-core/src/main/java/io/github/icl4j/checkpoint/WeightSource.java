package io.github.icl4j.checkpoint;

import io.github.icl4j.DType;
import io.github.icl4j.DeviceSpec;
import java.nio.file.Path;
import java.util.Set;
import org.bytedeco.pytorch.Tensor;

/**
 * Named tensors of a checkpoint, read lazily: safetensors files (one or sharded) or a GGUF file.
 *
 * <p>Names follow the Hugging Face checkpoint of the architecture; a GGUF source translates its own names.
 * Implementations validate every header, offset and size when opened, so {@link #load} never reads outside
 * the file.
 */
public interface WeightSource extends AutoCloseable {
    /** The file or directory read, for messages. */
    Path origin();

    /** Every tensor name. */
    Set<String> names();

    /** True when the tensor exists. */
    default boolean contains(String name) {
        return names().contains(name);
    }

    /**
     * Type and shape of a tensor.
     *
     * @throws InvalidCheckpointException naming the missing tensor and the file
     */
    TensorInfo info(String name);

    /**
     * Reads a tensor as {@code dtype} on {@code device}. The result belongs to the innermost open
     * {@code PointerScope}; it is converted only when the stored type or device differs.
     *
     * @throws InvalidCheckpointException naming the missing tensor and the file
     */
    Tensor load(String name, DType dtype, DeviceSpec device);

    /** Releases file handles and mappings; tensors already loaded stay valid. */
    @Override
    void close();
}
