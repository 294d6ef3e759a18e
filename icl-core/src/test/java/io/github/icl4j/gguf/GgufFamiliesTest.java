package io.github.icl4j.gguf;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.icl4j.ActivationCache;
import io.github.icl4j.HookPoint;
import io.github.icl4j.Hooks;
import io.github.icl4j.Model;
import io.github.icl4j.TokenBatch;
import io.github.icl4j.model.RopeScaling;
import io.github.icl4j.runtime.Tensors;
import io.github.icl4j.testing.TestData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.bytedeco.javacpp.PointerScope;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * GGUF files of the architectures llama.cpp writes for the newer families (qwen2, qwen3, phi3, and llama with a
 * Llama 3.x rope_freqs tensor), converted from the random parity checkpoints by tools/gguf/make_gguf_fixtures.py,
 * give the logits and per-head activations of the Hugging Face checkpoint they came from.
 */
class GgufFamiliesTest {
    static final long[][] IDS = {{3, 17, 42, 99, 5, 0, 64, 23, 100}, {1, 2, 3, 4, 5, 6, 7, 8, 9}};

    @TempDir
    Path tmp;

    @ParameterizedTest
    @CsvSource({"llama3, llama3, llama", "qwen3, qwen3, qwen3", "qwen2, qwen2_window, qwen2", "phi3, phi3, phi3"})
    void logitsAndHeadsEqualTheSafetensorsOriginal(String file, String parity, String modelType) throws IOException {
        Path hfDir = TestData.resource("parity/" + parity);
        if (parity.equals("qwen2_window")) {
            // llama.cpp's qwen2 files carry no sliding window: compare with the same weights attending fully
            hfDir = withoutSlidingWindow(hfDir);
        }
        try (Model hf = Model.load(hfDir); Model g = Model.load(TestData.resource("gguf/families/" + file + ".gguf"));
                ActivationCache a = new ActivationCache(); ActivationCache b = new ActivationCache();
                PointerScope scope = new PointerScope()) {
            assertThat(g.config().modelType()).isEqualTo(modelType);
            assertThat(g.config().qkNorm()).isEqualTo(hf.config().qkNorm());
            assertThat(g.config().rotaryWidth()).isEqualTo(hf.config().rotaryWidth());
            assertThat(g.config().slidingWindow()).isEqualTo(hf.config().slidingWindow());
            String[] hooks = {HookPoint.z(0), HookPoint.rotK(1), HookPoint.pattern(1)};
            var x = hf.logits(TokenBatch.of(IDS), Hooks.builder().cache(a, hooks).build());
            var y = g.logits(TokenBatch.of(IDS), Hooks.builder().cache(b, hooks).build());
            assertThat(Tensors.maxAbsDiff(x, y)).as(file + " logits").isLessThanOrEqualTo(1e-4);
            for (String h : hooks) {
                assertThat(Tensors.maxAbsDiff(a.get(h), b.get(h))).as(file + " " + h).isLessThanOrEqualTo(1e-4);
            }
        }
    }

    @Test
    void llama3RopeFreqsBecomeFrequencyDivisorsAndPhi3FactorsLongrope() {
        try (Model g = Model.load(TestData.resource("gguf/families/llama3.gguf"))) {
            RopeScaling r = g.config().ropeScaling();
            assertThat(r.type()).isEqualTo(RopeScaling.Type.DEFAULT);
            // head 6: three frequencies; base 10000 and original 256: unscaled, smoothed, divided by 8
            assertThat(r.freqFactors()).hasSize(3);
            assertThat(r.freqFactors().get(0)).isEqualTo(1f);
            assertThat(r.freqFactors().get(1)).isStrictlyBetween(1f, 8f);
            assertThat(r.freqFactors().get(2)).isEqualTo(8f);
        }
        try (Model g = Model.load(TestData.resource("gguf/families/phi3.gguf"))) {
            RopeScaling r = g.config().ropeScaling();
            assertThat(r.type()).isEqualTo(RopeScaling.Type.LONGROPE);
            assertThat(r.originalMaxPositions()).isEqualTo(8);
            assertThat(r.longFactor()).containsExactly(2.0, 7.0);
            assertThat(r.shortFactor()).containsExactly(1.0, 1.5);
            assertThat(r.attentionFactor()).isCloseTo(Math.sqrt(2), org.assertj.core.data.Offset.offset(1e-6));
            assertThat(g.config().rotaryWidth()).isEqualTo(4);
        }
    }

    private Path withoutSlidingWindow(Path src) throws IOException {
        Path out = Files.createDirectories(tmp.resolve("qwen2_full"));
        for (String f : new String[] {"model.safetensors", "tokenizer.json"}) {
            Files.copy(src.resolve(f), out.resolve(f), StandardCopyOption.REPLACE_EXISTING);
        }
        ObjectMapper json = new ObjectMapper();
        ObjectNode cfg = (ObjectNode) json.readTree(src.resolve("config.json").toFile());
        cfg.put("use_sliding_window", false);
        cfg.remove("layer_types");
        Files.writeString(out.resolve("config.json"), json.writeValueAsString(cfg));
        return out;
    }

    /** A llama-architecture header with the given rope scaling keys (no tensors: the config alone). */
    private Path ropeScaled(String name, String type, float factor, long original) {
        GgufBytes b = GgufBytes.header(0, 13).kvString("general.architecture", "llama")
                .kvU32("llama.block_count", 1).kvU32("llama.embedding_length", 8).kvU32("llama.vocab_size", 5)
                .kvU32("llama.feed_forward_length", 16).kvU32("llama.attention.head_count", 2)
                .kvU32("llama.attention.head_count_kv", 1).kvU32("llama.context_length", 64)
                .kvF32("llama.attention.layer_norm_rms_epsilon", 1e-6f).kvF32("llama.rope.freq_base", 10000f)
                .kvString("llama.rope.scaling.type", type).kvF32("llama.rope.scaling.factor", factor)
                .kvU32("llama.rope.scaling.original_context_length", original);
        return b.write(tmp, name);
    }

    @ParameterizedTest
    @CsvSource({"linear, LINEAR", "yarn, YARN"})
    void ropeScalingKeysBecomeTheHuggingFaceScaling(String type, RopeScaling.Type expected) {
        Path p = ropeScaled(type + ".gguf", type, 4f, 16);
        try (GgufFile f = GgufFile.open(p)) {
            ObjectNode hf = f.toHfConfig();
            assertThat(hf.path("rope_parameters").path("rope_type").asText()).isEqualTo(type);
            assertThat(hf.path("rope_parameters").path("factor").asDouble()).isEqualTo(4.0);
            var cfg = io.github.icl4j.model.arch.Adapters.forModelType("llama", p).parseConfig(hf, p);
            assertThat(cfg.ropeScaling().type()).isEqualTo(expected);
            assertThat(cfg.ropeScaling().factor()).isEqualTo(4.0);
            if (expected == RopeScaling.Type.YARN) {
                assertThat(cfg.ropeScaling().originalMaxPositions()).isEqualTo(16);
            }
        }
    }

    @Test
    void anUnknownGgufRopeScalingIsRefusedNamingIt() {
        Path p = ropeScaled("odd.gguf", "wobbly", 2f, 16);
        try (GgufFile f = GgufFile.open(p)) {
            ObjectNode hf = f.toHfConfig();
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> io.github.icl4j.model.arch.Adapters
                    .forModelType("llama", p).parseConfig(hf, p)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining(p.toString()).hasMessageContaining("rope_type = 'wobbly'")
                    .hasMessageContaining("supported");
        }
    }
}
