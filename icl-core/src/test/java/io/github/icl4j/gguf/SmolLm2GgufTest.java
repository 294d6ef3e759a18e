package io.github.icl4j.gguf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.icl4j.DType;
import io.github.icl4j.DeviceSpec;
import io.github.icl4j.LoadOptions;
import io.github.icl4j.Model;
import io.github.icl4j.TokenBatch;
import io.github.icl4j.checkpoint.SafetensorsFile;
import io.github.icl4j.runtime.Natives;
import io.github.icl4j.runtime.Tensors;
import io.github.icl4j.testing.TestData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The real SmolLM2-135M-Instruct Q4_1 GGUF (tools/fetch-smollm2.sh puts it in the cache; skipped when absent),
 * against references written by transformers 5.23 loading the same file (tools/gguf/make_gguf_fixtures.py).
 */
class SmolLm2GgufTest {
    private static final Logger LOG = LoggerFactory.getLogger(SmolLm2GgufTest.class);
    static final String FILE_NAME = "SmolLM2-135M-Instruct.Q4_1.gguf";
    private static final Path REF = TestData.resource("gguf/smollm2");
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    /** The cached GGUF; skips the test when it is absent. */
    static Path smolLm2() {
        String dir = System.getProperty("icl.cache.dir");
        if (dir == null || dir.isBlank()) {
            dir = System.getProperty("user.home") + "/.cache/icl4j";
        }
        Path p = Path.of(dir, "smollm2", FILE_NAME);
        assumeTrue(Files.isRegularFile(p), p + " is absent: run tools/fetch-smollm2.sh (or set -Dicl.cache.dir) to "
                + "run the SmolLM2 GGUF tests; skipping");
        return p;
    }

    @BeforeAll
    static void noTracking() {
        Natives.init();
    }

    @Test
    void metadataAndConfig() {
        try (GgufFile f = GgufFile.open(smolLm2())) {
            assertThat(f.version()).isEqualTo(3);
            assertThat(f.architecture()).isEqualTo("llama");
            assertThat(f.tensors()).hasSize(272);
            assertThat(f.getString("tokenizer.ggml.model")).isEqualTo("gpt2");
            assertThat(f.getString("tokenizer.ggml.pre")).isEqualTo("smollm");
            ObjectNode c = f.toHfConfig();
            assertThat(c.get("model_type").asText()).isEqualTo("llama");
            assertThat(c.get("num_hidden_layers").asInt()).isEqualTo(30);
            assertThat(c.get("num_attention_heads").asInt()).isEqualTo(9);
            assertThat(c.get("num_key_value_heads").asInt()).isEqualTo(3);
            assertThat(c.get("hidden_size").asInt()).isEqualTo(576);
            assertThat(c.get("head_dim").asInt()).isEqualTo(64);
            assertThat(c.get("intermediate_size").asInt()).isEqualTo(1536);
            assertThat(c.get("vocab_size").asInt()).isEqualTo(49152);
            assertThat(c.get("max_position_embeddings").asInt()).isEqualTo(8192);
            assertThat(c.get("rope_theta").asDouble()).isEqualTo(100000.0);
            assertThat(c.get("rms_norm_eps").asDouble()).isEqualTo(1e-5);
            assertThat(c.get("tie_word_embeddings").asBoolean()).isTrue();
            assertThat(c.get("bos_token_id").asInt()).isEqualTo(1);
            assertThat(c.get("eos_token_id").asInt()).isEqualTo(2);
            LOG.info("SmolLM2 GGUF config: {}", c);
        }
    }

    @Test
    void everyTensorDequantisesToFiniteValuesEqualToTransformers() throws IOException {
        JsonNode stats = JSON.readTree(REF.resolve("reference.json").toFile()).get("tensors");
        Path file = smolLm2();
        try (GgufWeightSource s = GgufWeightSource.open(file)) {
            List<String> names = new ArrayList<>(s.names());
            assertThat(names).hasSize(272).doesNotContain("lm_head.weight");
            List<String> expectedNames = new ArrayList<>();
            stats.fieldNames().forEachRemaining(expectedNames::add);
            assertThat(names).containsExactlyInAnyOrderElementsOf(expectedNames);
            // time the raw dequantisation of the whole file (GGUF names, no un-permutation), cold then warm
            for (int run = 1; run <= 3; run++) {
                long t0 = System.nanoTime();
                long elements = 0;
                for (GgufTensorInfo t : s.file().tensors()) {
                    try (PointerScope scope = new PointerScope()) {
                        Tensor x = s.file().load(t.name(), DType.FP32, DeviceSpec.CPU);
                        elements += x.numel();
                    }
                }
                double secs = (System.nanoTime() - t0) / 1e9;
                LOG.info("run {}: dequantised all {} tensors of {} ({} elements) to fp32 in {} s ({} threads)", run,
                        s.file().tensors().size(), file.getFileName(), elements, String.format("%.3f", secs),
                        java.util.concurrent.ForkJoinPool.getCommonPoolParallelism());
            }
            for (String name : names) {
                try (PointerScope scope = new PointerScope()) {
                    Tensor x = s.load(name, DType.FP32, DeviceSpec.CPU);
                    assertThat(torch.isfinite(x).all().item_bool()).as(name + " finite").isTrue();
                    JsonNode ref = stats.get(name);
                    long[] shape = new long[ref.get("shape").size()];
                    for (int i = 0; i < shape.length; i++) {
                        shape[i] = ref.get("shape").get(i).asLong();
                    }
                    assertThat(Tensors.shape(x)).as(name).containsExactly(shape);
                    float[] v = Tensors.toFloats(x);
                    Iterator<Map.Entry<String, JsonNode>> it = ref.get("samples").fields();
                    while (it.hasNext()) {
                        Map.Entry<String, JsonNode> e = it.next();
                        assertThat(v[Integer.parseInt(e.getKey())]).as(name + "[" + e.getKey() + "]")
                                .isEqualTo((float) e.getValue().asDouble());
                    }
                    double sum = 0;
                    double abs = 0;
                    for (float f : v) {
                        sum += f;
                        abs += Math.abs(f);
                    }
                    double scale = ref.get("abs_sum").asDouble();
                    assertThat(abs).as(name + " sum |x|").isCloseTo(scale, org.assertj.core.data.Offset.offset(scale * 1e-9));
                    assertThat(sum).as(name + " sum x").isCloseTo(ref.get("sum").asDouble(),
                            org.assertj.core.data.Offset.offset(scale * 1e-9));
                }
            }
        }
    }

    @Test
    void tokenizerMatchesTransformers() throws IOException {
        JsonNode ref = JSON.readTree(REF.resolve("reference.json").toFile());
        try (GgufFile f = GgufFile.open(smolLm2())) {
            long t0 = System.nanoTime();
            Path json = GgufTokenizerJson.write(f, tmp.resolve("tokenizer.json"));
            LOG.info("tokenizer.json for SmolLM2 built in {} ms ({} bytes)", (System.nanoTime() - t0) / 1_000_000,
                    Files.size(json));
            try (HuggingFaceTokenizer tok = HuggingFaceTokenizer.newInstance(json, Map.of())) {
                for (int i = 0; i < ref.get("sentences").size(); i++) {
                    String s = ref.get("sentences").get(i).asText();
                    assertThat(tok.encode(s).getIds()).as(s)
                            .containsExactly(GgufTokenizerJsonTest.longs(ref.get("ids").get(i)));
                }
                assertThat(tok.encode(ref.get("prompt").asText()).getIds())
                        .containsExactly(GgufTokenizerJsonTest.longs(ref.get("prompt_ids")));
                assertThat(tok.decode(GgufTokenizerJsonTest.longs(ref.get("ids").get(2)))).isEqualTo("Caf\u00e9 d\u00e9j\u00e0 vu.");
            }
        }
    }

    @Test
    void lastPositionLogitsMatchTransformers() throws IOException {
        Path file = smolLm2();
        JsonNode ref = JSON.readTree(REF.resolve("reference.json").toFile());
        try (Model m = Model.load(file);
                SafetensorsFile logits = SafetensorsFile.open(REF.resolve("reference.safetensors"));
                PointerScope scope = new PointerScope()) {
            long[] ids = Tensors.toLongs(logits.loadStored("input_ids"));
            assertThat(m.tokenizer().encode(ref.get("prompt").asText()).ids()).containsExactly(ids);
            float[] got = m.lastLogits(TokenBatch.of(ids))[0];
            float[] expected = Tensors.toFloats(logits.loadStored("last_logits"));
            double max = 0;
            int argmax = 0;
            for (int i = 0; i < expected.length; i++) {
                max = Math.max(max, Math.abs(got[i] - expected[i]));
                argmax = got[i] > got[argmax] ? i : argmax;
            }
            LOG.info("SmolLM2 GGUF last-position logits vs transformers: max |Δ| = {}", max);
            assertThat(argmax).isEqualTo(ref.get("top5").get(0).asInt());
            assertThat(max).as("max |Δ| of last-position logits").isLessThanOrEqualTo(1e-3);
        }
    }
}
