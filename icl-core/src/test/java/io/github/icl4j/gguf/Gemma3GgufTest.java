package io.github.icl4j.gguf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.icl4j.Model;
import io.github.icl4j.TokenBatch;
import io.github.icl4j.model.ModelConfig;
import io.github.icl4j.testing.TestData;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The real Gemma 3 270M (Google's gemma-3-270m, base) as a llama.cpp Q4_K_M GGUF: tools/fetch-gemma3.sh puts it in
 * the cache; skipped when absent. References from transformers loading the same file (it dequantises it to fp32;
 * eager attention), written by tools/gguf/make_gguf_fixtures.py --gemma3.
 */
class Gemma3GgufTest {
    private static final Logger LOG = LoggerFactory.getLogger(Gemma3GgufTest.class);
    static final String FILE_NAME = "gemma-3-270m-q4_k_m.gguf";
    /**
     * Both sides compute in fp32 from the same dequantised weights, so only summation order differs (LibTorch's
     * kernels against transformers' eager path). Measured (2026-12-05, transformers 5.25): max |Δ| 1.4e-5 (6 tokens),
     * 1.1e-5 (42 tokens), 1.7e-4 (1,192 tokens, past the 512-token window) on logits up to ~22, the error growing
     * with the length of the attention sums. 2e-3 is ten times the worst measured and far below what a wrong norm
     * offset, window, rotary base or scale does (those move logits by whole units).
     */
    static final double LOGIT_TOLERANCE = 2e-3;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static Model model;
    private static JsonNode ref;

    /** The cached GGUF; skips the test when it is absent. */
    static Path gemma3() {
        String dir = System.getProperty("icl.cache.dir");
        if (dir == null || dir.isBlank()) {
            dir = System.getProperty("user.home") + "/.cache/icl4j";
        }
        Path p = Path.of(dir, "gemma3", FILE_NAME);
        assumeTrue(Files.isRegularFile(p), p + " is absent: run tools/fetch-gemma3.sh (or set -Dicl.cache.dir) to "
                + "run the Gemma 3 GGUF tests; skipping");
        return p;
    }

    @BeforeAll
    static void load() throws IOException {
        ref = JSON.readTree(TestData.resource("gguf/gemma3/reference.json").toFile());
        String dir = System.getProperty("icl.cache.dir");
        Path p = Path.of(dir == null || dir.isBlank() ? System.getProperty("user.home") + "/.cache/icl4j" : dir,
                "gemma3", FILE_NAME);
        if (Files.isRegularFile(p)) {
            long t0 = System.nanoTime();
            model = Model.load(p);
            LOG.info("Gemma 3 270M Q4_K_M loaded in {} ms: {}", (System.nanoTime() - t0) / 1_000_000, model.config());
        }
    }

    @AfterAll
    static void close() {
        if (model != null) {
            model.close();
        }
    }

    @Test
    void metadataAndConfigAreTheMeasuredOnes() {
        try (GgufFile f = GgufFile.open(gemma3())) {
            assertThat(f.architecture()).isEqualTo("gemma3");
            assertThat(f.tensors()).hasSize(236);
            ObjectNode c = f.toHfConfig();
            assertThat(c.get("model_type").asText()).isEqualTo("gemma3_text");
            assertThat(c.get("query_pre_attn_scalar").asInt()).isEqualTo(256);
            assertThat(c.get("bos_token_id").asInt()).isEqualTo(2);
        }
        ModelConfig c = model.config();
        assertThat(c.nLayers()).isEqualTo(18);
        assertThat(c.nHeads()).isEqualTo(4);
        assertThat(c.nKvHeads()).isEqualTo(1);
        assertThat(c.dHead()).isEqualTo(256);
        assertThat(c.dModel()).isEqualTo(640);
        assertThat(c.dMlp()).isEqualTo(2048);
        assertThat(c.vocabSize()).isEqualTo(262_144);
        assertThat(c.normEps()).isEqualTo(1e-6);
        assertThat(c.tiedEmbeddings()).isTrue();
        for (int l = 0; l < 18; l++) {
            boolean global = l == 5 || l == 11 || l == 17;
            assertThat(c.windowAt(l)).as("window of layer " + l).isEqualTo(global ? 0 : 512);
            assertThat(c.rotaryBaseAt(l)).as("rotary base of layer " + l).isEqualTo(global ? 1e6 : 1e4);
        }
        assertThat(c.attentionScale()).isEqualTo(1.0 / 16);
        assertThat(c.embeddingScale()).isEqualTo(Math.sqrt(640));
    }

    @Test
    void lastPositionLogitsMatchTransformers() {
        gemma3();
        double worst = 0;
        for (JsonNode p : ref.get("prompts")) {
            long[] ids = longs(p.get("ids"));
            assertThat(model.tokenizer().encode(p.get("text").asText(), true).ids()).as(p.get("text").asText())
                    .containsExactly(ids);
            float[] got = model.lastLogits(TokenBatch.of(ids))[0];
            int argmax = 0;
            double max = Double.NEGATIVE_INFINITY;
            for (int i = 0; i < got.length; i++) {
                argmax = got[i] > got[argmax] ? i : argmax;
                max = Math.max(max, got[i]);
            }
            double sum = 0;
            for (float v : got) {
                sum += Math.exp(v - max);
            }
            double d = Math.abs(max + Math.log(sum) - p.get("logsumexp").asDouble());
            Iterator<Map.Entry<String, JsonNode>> it = p.get("logits").fields();
            while (it.hasNext()) {
                Map.Entry<String, JsonNode> e = it.next();
                d = Math.max(d, Math.abs(got[Integer.parseInt(e.getKey())] - e.getValue().asDouble()));
            }
            LOG.info("Gemma 3 {} tokens: max |Δ| vs transformers over 64 logits and the log-sum-exp = {}", ids.length, d);
            assertThat(argmax).as("argmax after " + ids.length + " tokens").isEqualTo(p.get("argmax").asInt());
            worst = Math.max(worst, d);
        }
        assertThat(worst).as("max |Δ| of last-position logits").isLessThanOrEqualTo(LOGIT_TOLERANCE);
        // the long prompt is past the 512-token window of the local layers
        assertThat(ref.get("prompts").get(2).get("ids").size()).isGreaterThan(512);
    }

    @Test
    void tokenIdsOnRealSst2SentencesMatchTransformers() throws IOException, NoSuchAlgorithmException {
        gemma3();
        JsonNode sst2 = ref.get("sst2");
        Path file = TestData.requireData("datasets/sst2/" + sst2.get("file").asText());
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        for (int i = 0; i < sst2.get("lines").asInt(); i++) {
            String sentence = lines.get(i).split(" ", 2)[1];
            String digest = HexFormat.of().formatHex(sha.digest(sentence.getBytes(StandardCharsets.UTF_8)));
            assumeTrue(digest.equals(sst2.get("sha256").get(i).asText()), file + " line " + (i + 1)
                    + " differs from the one the reference was made from; skipping");
            assertThat(model.tokenizer().encode(sentence, true).ids()).as(sentence)
                    .containsExactly(longs(sst2.get("ids").get(i)));
        }
    }

    @Test
    void promptsStartWithTheBosTokenTheTokenizerAdds() {
        gemma3();
        io.github.icl4j.IclPrompt.Builder b = io.github.icl4j.IclPrompt.builder(model.tokenizer())
                .labelWords(io.github.icl4j.LabelWords.of(" negative", " positive"));
        var demos = io.github.icl4j.Demonstrations.of(2, List.of(new io.github.icl4j.Example("a gripping film .", 1),
                new io.github.icl4j.Example("dull and far too long .", 0)));
        var query = new io.github.icl4j.Example("one of the best films of the year .", 1);
        long[] ids = b.build(demos, query).ids();
        assertThat(ids[0]).as("Gemma's add_bos_token: BOS first").isEqualTo(2L);
        assertThat(b.withoutBos().build(demos, query).ids()).hasSize(ids.length - 1);
    }

    static long[] longs(JsonNode a) {
        long[] out = new long[a.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = a.get(i).asLong();
        }
        return out;
    }
}
