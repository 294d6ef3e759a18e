package io.github.icl4j.model.arch;

import io.github.icl4j.DType;
import io.github.icl4j.DeviceSpec;
import io.github.icl4j.checkpoint.WeightSource;
import io.github.icl4j.model.ArchitectureAdapter;
import io.github.icl4j.model.ModelConfig;
import io.github.icl4j.model.TransformerWeights;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.bytedeco.pytorch.Tensor;

/**
 * An adapter whose load and export both read the family's one {@link TensorMap}, so that the two directions cannot
 * drift apart; the families differ only in their {@code model_type} names, their {@code config.json} and their
 * table.
 */
abstract class TensorTableAdapter implements ArchitectureAdapter {
    private final TensorMap tensors;
    private final Set<String> modelTypes;

    TensorTableAdapter(TensorMap tensors, String... modelTypes) {
        this.tensors = Objects.requireNonNull(tensors, "tensors");
        this.modelTypes = Set.of(modelTypes);
    }

    @Override
    public final Set<String> modelTypes() {
        return modelTypes;
    }

    @Override
    public final TransformerWeights load(WeightSource src, ModelConfig m, DType dtype, DeviceSpec device) {
        return tensors.load(src, m, dtype, device);
    }

    @Override
    public final Map<String, Tensor> export(TransformerWeights t, ModelConfig m) {
        return tensors.export(t, m);
    }
}
