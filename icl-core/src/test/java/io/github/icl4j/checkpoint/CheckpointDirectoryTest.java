package io.github.icl4j.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.icl4j.Model;
import io.github.icl4j.TokenBatch;
import io.github.icl4j.testing.TestData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad model directories: each gives a specific message naming the file and what was expected. */
class CheckpointDirectoryTest {
    @TempDir
    Path tmp;

    /** A copy of the llama parity checkpoint whose weights pass through {@code edit}. */
    private Path copyWithWeights(java.util.function.Consumer<Map<String, Tensor>> edit) throws IOException {
        Path src = TestData.resource("parity/llama");
        Path dir = tmp.resolve("m");
        Files.createDirectories(dir);
        Files.copy(src.resolve("config.json"), dir.resolve("config.json"));
        try (SafetensorsFile sf = SafetensorsFile.open(src.resolve("model.safetensors"));
                PointerScope s = new PointerScope()) {
            Map<String, Tensor> all = new LinkedHashMap<>();
            for (String n : sf.names()) {
                all.put(n, sf.loadStored(n).clone());
            }
            edit.accept(all);
            SafetensorsWriter.write(dir.resolve("model.safetensors"), all, Map.of());
        }
        return dir;
    }

    @Test
    void missingTensor() throws IOException {
        Path dir = copyWithWeights(m -> m.remove("model.layers.1.self_attn.k_proj.weight"));
        assertThatThrownBy(() -> Model.load(dir)).isInstanceOf(InvalidCheckpointException.class)
                .hasMessageContaining("missing tensor 'model.layers.1.self_attn.k_proj.weight'")
                .hasMessageContaining("[24, 48]");
    }

    @Test
    void unexpectedTensor() throws IOException {
        Path dir = copyWithWeights(m -> m.put("model.layers.0.mystery.weight", m.get("model.norm.weight")));
        assertThatThrownBy(() -> Model.load(dir)).isInstanceOf(InvalidCheckpointException.class)
                .hasMessageContaining("unexpected tensors").hasMessageContaining("model.layers.0.mystery.weight");
    }

    @Test
    void configAndTensorShapesDisagree() throws IOException {
        Path dir = copyWithWeights(m -> { });
        String cfg = Files.readString(dir.resolve("config.json")).replace("\"intermediate_size\": 72",
                "\"intermediate_size\": 80");
        Files.writeString(dir.resolve("config.json"), cfg);
        assertThatThrownBy(() -> Model.load(dir)).isInstanceOf(InvalidCheckpointException.class)
                .hasMessageContaining("gate_proj.weight").hasMessageContaining("[72, 48]")
                .hasMessageContaining("[80, 48]");
    }

    @Test
    void unknownModelType() throws IOException {
        Path dir = copyWithWeights(m -> { });
        Files.writeString(dir.resolve("config.json"), "{\"model_type\": \"mamba\"}");
        assertThatThrownBy(() -> Model.load(dir)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'mamba'").hasMessageContaining("llama").hasMessageContaining("gpt2");
    }

    @Test
    void picklesOnlyAreRefused() throws IOException {
        Path dir = tmp.resolve("pickled");
        Files.createDirectories(dir);
        Files.copy(TestData.resource("parity/llama/config.json"), dir.resolve("config.json"));
        Files.write(dir.resolve("pytorch_model.bin"), new byte[] {1, 2, 3});
        assertThatThrownBy(() -> Model.load(dir)).isInstanceOf(InvalidCheckpointException.class)
                .hasMessageContaining("pickled").hasMessageContaining("safetensors");
    }

    @Test
    void noConfig() {
        assertThatThrownBy(() -> Model.load(tmp)).isInstanceOf(InvalidCheckpointException.class)
                .hasMessageContaining("config.json");
    }

    @Test
    void shardedCheckpointLoadsLikeTheSingleFile() throws IOException {
        Path src = TestData.resource("parity/llama");
        Path dir = tmp.resolve("sharded");
        Files.createDirectories(dir);
        Files.copy(src.resolve("config.json"), dir.resolve("config.json"));
        StringBuilder index = new StringBuilder("{\"metadata\":{},\"weight_map\":{");
        try (SafetensorsFile sf = SafetensorsFile.open(src.resolve("model.safetensors"));
                PointerScope s = new PointerScope()) {
            Map<String, Tensor> a = new LinkedHashMap<>();
            Map<String, Tensor> b = new LinkedHashMap<>();
            int i = 0;
            for (String n : sf.names()) {
                String shard = (i++ % 2 == 0) ? "model-00001-of-00002.safetensors" : "model-00002-of-00002.safetensors";
                (shard.contains("00001-") ? a : b).put(n, sf.loadStored(n).clone());
                index.append(i > 1 ? "," : "").append('"').append(n).append("\":\"").append(shard).append('"');
            }
            SafetensorsWriter.write(dir.resolve("model-00001-of-00002.safetensors"), a, Map.of());
            SafetensorsWriter.write(dir.resolve("model-00002-of-00002.safetensors"), b, Map.of());
        }
        Files.writeString(dir.resolve("model.safetensors.index.json"), index.append("}}").toString());
        try (Model one = Model.load(src); Model two = Model.load(dir)) {
            TokenBatch batch = TokenBatch.of(new long[] {3, 5, 7, 11});
            assertThat(two.lastLogits(batch)[0]).containsExactly(one.lastLogits(batch)[0]);
        }
    }

    @Test
    void indexNamingAMissingShard() throws IOException {
        Path dir = copyWithWeights(m -> { });
        Files.writeString(dir.resolve("model.safetensors.index.json"),
                "{\"weight_map\":{\"model.norm.weight\":\"model-00009.safetensors\"}}");
        assertThatThrownBy(() -> Model.load(dir)).isInstanceOf(InvalidCheckpointException.class)
                .hasMessageContaining("model-00009.safetensors");
    }
}
