package io.github.icl4j.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.icl4j.DType;
import io.github.icl4j.DeviceSpec;
import io.github.icl4j.checkpoint.WeightSource;
import java.nio.file.Path;
import java.util.Map;
import org.bytedeco.pytorch.Tensor;

/**
 * What differs between families: reading {@code config.json}, and mapping the family's Hugging Face tensor
 * names and layouts to and from {@link TransformerWeights} (each adapter reads both directions from its family's one
 * table, {@link io.github.icl4j.model.arch.TensorMap}). Everything else is shared.
 */
public interface ArchitectureAdapter {
    /** The {@code model_type} values handled. */
    java.util.Set<String> modelTypes();

    /**
     * Reads a {@code config.json} tree.
     *
     * @throws IllegalArgumentException naming the file, the key and the value when it is missing or unsupported
     */
    ModelConfig parseConfig(JsonNode json, Path source);

    /** Writes a {@code config.json} tree that {@link #parseConfig} and Hugging Face read back. */
    ObjectNode toConfigJson(ModelConfig config);

    /**
     * Loads and checks every tensor: missing, unexpected or mis-shaped tensors fail with the file, the name and
     * the expected shape.
     */
    TransformerWeights load(WeightSource source, ModelConfig config, DType dtype, DeviceSpec device);

    /** The weights under the family's Hugging Face names and layouts (for saving). */
    Map<String, Tensor> export(TransformerWeights weights, ModelConfig config);
}
