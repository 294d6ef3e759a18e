package io.github.icl4j.gguf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.icl4j.DType;
import io.github.icl4j.DeviceSpec;
import io.github.icl4j.Model;
import io.github.icl4j.checkpoint.HfCheckpoint;
import io.github.icl4j.checkpoint.InvalidCheckpointException;
import io.github.icl4j.model.ModelConfig;
import io.github.icl4j.model.ModelConfig.AttentionType;
import io.github.icl4j.runtime.Tensors;
import io.github.icl4j.testing.TestData;
import java.nio.file.Path;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * Gemma 2/3 GGUF files (tools/gguf/make_gguf_fixtures.py converts the random parity checkpoints as llama.cpp's
 * converter does, every norm stored as {@code 1 + w}), and Gemma files that must be refused.
 */
class GemmaGgufTest {
    private static final Path DIR = TestData.resource("gguf/tiny_gemma");

    @ParameterizedTest
    @ValueSource(strings = {"gemma2", "gemma3"})
    void everyTensorLoadsAsTheHuggingFaceOneWithTheOneTakenOffTheNorms(String family) {
        Path hfDir = TestData.resource("parity/" + family);
        try (GgufWeightSource g = GgufWeightSource.open(DIR.resolve(family + ".gguf"));
                HfCheckpoint hf = HfCheckpoint.open(hfDir); PointerScope scope = new PointerScope()) {
            assertThat(g.names()).containsExactlyInAnyOrderElementsOf(hf.names());
            for (String name : hf.names()) {
                Tensor a = g.load(name, DType.FP32, DeviceSpec.CPU);
                Tensor b = hf.load(name, DType.FP32, DeviceSpec.CPU);
                assertThat(Tensors.shape(a)).as(name).containsExactly(Tensors.shape(b));
                // (w + 1) - 1 in fp32 loses at most the last bit of w
                assertThat(Tensors.maxAbsDiff(a, b)).as(name).isLessThanOrEqualTo(name.endsWith("norm.weight") ? 3e-7 : 0);
            }
        }
    }

    @Test
    void configsSayWhatTheFilesDoNotStore() {
        try (GgufFile f = GgufFile.open(DIR.resolve("gemma3.gguf"))) {
            ObjectNode c = f.toHfConfig();
            assertThat(c.get("model_type").asText()).isEqualTo("gemma3_text");
            assertThat(c.get("query_pre_attn_scalar").asInt()).isEqualTo(12); // the head width, as llama.cpp
            assertThat(c.get("sliding_window").asInt()).isEqualTo(4);
            assertThat(c.get("rope_parameters").get("sliding_attention").get("rope_theta").asDouble()).isEqualTo(1e4);
            assertThat(c.get("rope_parameters").get("full_attention").get("rope_theta").asDouble()).isEqualTo(1e6);
        }
        try (Model m = Model.load(DIR.resolve("gemma2.gguf"))) {
            ModelConfig c = m.config();
            assertThat(c.modelType()).isEqualTo("gemma2");
            assertThat(c.attnSoftcap()).isEqualTo(5.0);
            assertThat(c.finalSoftcap()).isEqualTo(3.0);
            assertThat(c.layerTypes()).containsExactly(AttentionType.SLIDING, AttentionType.FULL, AttentionType.SLIDING);
            assertThat(c.postNorms()).isTrue();
            assertThat(c.qkNorm()).isEqualTo(ModelConfig.QkNorm.NONE);
            assertThat(c.normWeightOffset()).isEqualTo(1.0);
            assertThat(c.embeddingScale()).isEqualTo(Math.sqrt(48));
        }
    }

    @Test
    void aGemma3FileWithoutItsKNormIsRefusedNamingTheTensor() {
        Path f = DIR.resolve("bad_missing_k_norm.gguf");
        assertThatThrownBy(() -> Model.load(f)).isInstanceOf(InvalidCheckpointException.class)
                .hasMessageContaining(f.toString()).hasMessageContaining("'blk.1.attn_k_norm.weight' is missing");
    }

    @Test
    void aWindowLargerThanTheContextIsRefusedNamingTheKey() {
        Path f = DIR.resolve("bad_window.gguf");
        assertThatThrownBy(() -> Model.load(f)).isInstanceOf(InvalidCheckpointException.class)
                .hasMessageContaining(f.toString()).hasMessageContaining("gemma2.attention.sliding_window")
                .hasMessageContaining("128").hasMessageContaining("64");
    }

    @ParameterizedTest
    @ValueSource(strings = {"bad_softcap_zero.gguf:gemma2.attn_logit_softcapping' is 0.0",
        "bad_softcap_nan.gguf:gemma2.final_logit_softcapping' is NaN"})
    void aSoftCapOfZeroOrNaNIsRefusedNamingTheKey(String fileAndMessage) {
        String[] parts = fileAndMessage.split(":", 2);
        Path f = DIR.resolve(parts[0]);
        assertThatThrownBy(() -> Model.load(f)).isInstanceOf(InvalidCheckpointException.class)
                .hasMessageContaining(f.toString()).hasMessageContaining(parts[1]);
    }
}
