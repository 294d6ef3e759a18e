package io.github.icl4j.model.arch;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.icl4j.model.ArchitectureAdapter;
import io.github.icl4j.model.ModelConfig;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;

/** The registry of families by {@code model_type}, and helpers shared by the adapters. */
public final class Adapters {
    private static final List<ArchitectureAdapter> ALL = List.of(new Gpt2Adapter(), new GptJAdapter(),
            new GptNeoXAdapter(), new LlamaAdapter(), new GemmaAdapter());
    private static final Map<String, ArchitectureAdapter> BY_TYPE = new TreeMap<>();

    static {
        for (ArchitectureAdapter a : ALL) {
            for (String t : a.modelTypes()) {
                BY_TYPE.put(t, a);
            }
        }
    }

    private Adapters() {
    }

    /**
     * The adapter for a {@code model_type}.
     *
     * @throws IllegalArgumentException naming the type, the file and the supported types
     */
    public static ArchitectureAdapter forModelType(String modelType, Path source) {
        ArchitectureAdapter a = modelType == null ? null : BY_TYPE.get(modelType);
        if (a == null) {
            throw new IllegalArgumentException(source + ": model_type '" + modelType + "' is not supported; "
                    + "supported: " + BY_TYPE.keySet());
        }
        return a;
    }

    /** The supported {@code model_type} values. */
    public static java.util.Set<String> supportedModelTypes() {
        return BY_TYPE.keySet();
    }

    static Tensor cat(long dim, Tensor... parts) {
        return torch.cat(new TensorVector(parts), dim);
    }

    static void putTokenIds(ObjectNode o, ModelConfig m) {
        if (m.bosTokenId() >= 0) {
            o.put("bos_token_id", m.bosTokenId());
        }
        if (m.eosTokenId() >= 0) {
            o.put("eos_token_id", m.eosTokenId());
        }
    }
}
