package io.github.icl4j.gguf;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.icl4j.Hooks;
import io.github.icl4j.LoadOptions;
import io.github.icl4j.Model;
import io.github.icl4j.TokenBatch;
import io.github.icl4j.model.ArchitectureAdapter;
import io.github.icl4j.model.ModelConfig;
import io.github.icl4j.model.arch.Adapters;
import io.github.icl4j.runtime.Tensors;
import io.github.icl4j.testing.TestData;
import java.nio.file.Path;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.Test;

/** The tiny random Llama gives the same logits from its GGUF F32 conversion as from its safetensors original. */
class GgufModelParityTest {
    private static final Path DIR = TestData.resource("gguf/tiny_llama");

    /** A model from a GGUF file through the three public entry points (what {@code Model.load} will do). */
    @Test
    void logitsEqualTheSafetensorsOriginal() {
        long[][] ids = {{3, 17, 42, 99, 5, 0, 64, 23, 100}, {1, 2, 3, 4, 5, 6, 7, 8, 9}};
        try (Model hf = Model.load(DIR); Model gguf = Model.load(DIR.resolve("model-f32.gguf"));
                PointerScope scope = new PointerScope()) {
            assertThat(gguf.config().nLayers()).isEqualTo(hf.config().nLayers());
            assertThat(gguf.config().vocabSize()).isEqualTo(hf.config().vocabSize());
            Tensor a = hf.logits(TokenBatch.of(ids), Hooks.none());
            Tensor b = gguf.logits(TokenBatch.of(ids), Hooks.none());
            assertThat(Tensors.shape(b)).containsExactly(Tensors.shape(a));
            double d = Tensors.maxAbsDiff(a, b);
            org.slf4j.LoggerFactory.getLogger(GgufModelParityTest.class)
                    .info("tiny Llama logits, GGUF F32 vs safetensors: max |Δ| = {}", d);
            assertThat(d).as("max |Δ| of logits").isLessThanOrEqualTo(1e-4);
        }
    }
}
