package io.github.icl4j.gguf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.icl4j.checkpoint.InvalidCheckpointException;
import io.github.icl4j.runtime.Natives;
import io.github.icl4j.testing.TestData;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * tokenizer.json built from GGUF metadata tokenises exactly as the reference (fixtures from
 * tools/gguf/make_gguf_fixtures.py: a small byte-level BPE stored under four llama.cpp pre-tokenizer names whose
 * regular expressions differ on digits, contractions and whitespace, checked against the matching Hugging Face
 * tokenizer; and a small SentencePiece BPE with byte fallback, checked against sentencepiece itself).
 */
class GgufTokenizerJsonTest {
    private static final Path DIR = TestData.resource("gguf/tokenizer");
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    @BeforeAll
    static void noTracking() {
        Natives.init(); // sets OPT_OUT_TRACKING before any DJL tokenizer exists
    }

    /** Ids of each text through DJL, from a tokenizer.json written by {@link GgufTokenizerJson}. */
    static List<long[]> encodeAll(GgufFile f, Path tmp, List<String> texts) throws IOException {
        Path json = GgufTokenizerJson.write(f, tmp.resolve("tokenizer.json"));
        try (HuggingFaceTokenizer tok = HuggingFaceTokenizer.newInstance(json, Map.of())) {
            List<long[]> out = new ArrayList<>();
            for (String t : texts) {
                out.add(tok.encode(t).getIds());
            }
            return out;
        }
    }

    static long[] longs(JsonNode array) {
        long[] out = new long[array.size()];
        for (int k = 0; k < out.length; k++) {
            out[k] = array.get(k).asLong();
        }
        return out;
    }

    @ParameterizedTest
    @ValueSource(strings = {"gpt-2", "smollm", "llama-bpe", "qwen2", "spm_llama"})
    void matchesTheReferenceTokenizer(String pre) throws IOException {
        JsonNode ref = JSON.readTree(DIR.resolve("bpe_reference.json").toFile());
        List<String> sentences = new ArrayList<>();
        ref.get("sentences").forEach(s -> sentences.add(s.asText()));
        String file = pre.startsWith("spm") ? pre + ".gguf" : "bpe_" + pre + ".gguf";
        try (GgufFile f = GgufFile.open(DIR.resolve(file))) {
            List<long[]> got = encodeAll(f, tmp, sentences);
            for (int i = 0; i < sentences.size(); i++) {
                assertThat(got.get(i)).as(pre + ": " + sentences.get(i))
                        .containsExactly(longs(ref.get("ids").get(pre).get(i)));
            }
        }
    }

    @Test
    void structureOfTheGeneratedJson() {
        try (GgufFile f = GgufFile.open(DIR.resolve("bpe_smollm.gguf"))) {
            ObjectNode n = GgufTokenizerJson.toTokenizerNode(f);
            assertThat(n.path("model").path("type").asText()).isEqualTo("BPE");
            assertThat(n.path("model").path("vocab").size())
                    .isEqualTo(f.getStringArray("tokenizer.ggml.tokens").size());
            assertThat(n.path("model").path("merges").size())
                    .isEqualTo(f.getStringArray("tokenizer.ggml.merges").size());
            assertThat(n.path("pre_tokenizer").path("pretokenizers").get(0).path("pattern").path("Regex").asText())
                    .isEqualTo("\\p{N}");
            assertThat(n.path("decoder").path("type").asText()).isEqualTo("ByteLevel");
            JsonNode added = n.path("added_tokens");
            assertThat(added.size()).isEqualTo(5);
            assertThat(added.get(0).path("content").asText()).isEqualTo("<|endoftext|>");
            assertThat(added.get(0).path("special").asBoolean()).isTrue();
            assertThat(added.get(3).path("content").asText()).isEqualTo("<think>");
            assertThat(added.get(3).path("special").asBoolean()).isFalse();
            assertThat(GgufTokenizerJson.toTokenizerJson(f)).startsWith("{\"version\":\"1.0\"");
        }
        try (GgufFile f = GgufFile.open(DIR.resolve("bpe_llama-bpe.gguf"))) {
            ObjectNode n = GgufTokenizerJson.toTokenizerNode(f);
            assertThat(n.path("model").path("ignore_merges").asBoolean()).isTrue();
            assertThat(n.path("post_processor").path("single").get(0).path("SpecialToken").path("id").asText())
                    .isEqualTo("<|im_start|>");
        }
        try (GgufFile f = GgufFile.open(DIR.resolve("spm_llama.gguf"))) {
            ObjectNode n = GgufTokenizerJson.toTokenizerNode(f);
            assertThat(n.path("model").path("byte_fallback").asBoolean()).isTrue();
            assertThat(n.path("model").path("unk_token").asText()).isEqualTo("<unk>");
            assertThat(n.path("model").path("merges").size()).isGreaterThan(100);
            assertThat(n.path("normalizer").path("normalizers").get(0).path("type").asText()).isEqualTo("Prepend");
            assertThat(n.path("post_processor").path("single").get(0).path("SpecialToken").path("id").asText())
                    .isEqualTo("<s>");
        }
    }

    @Test
    void byteAlphabetIsGpt2s() {
        char[] a = GgufTokenizerJson.byteAlphabet();
        assertThat(a[' ']).isEqualTo('\u0120'); // Ġ
        assertThat(a['\n']).isEqualTo('\u010A'); // Ċ
        assertThat(a['A']).isEqualTo('A');
        assertThat(a[0xAD]).isEqualTo('\u0143');
        assertThat(new String(a).chars().distinct().count()).isEqualTo(256);
    }

    @Test
    void filesWithoutASupportedTokenizerAreNamed() {
        Path none = GgufBytes.header(0, 1).kvString("general.architecture", "llama").write(tmp, "none.gguf");
        try (GgufFile f = GgufFile.open(none)) {
            assertThatThrownBy(() -> GgufTokenizerJson.toTokenizerJson(f))
                    .isInstanceOf(InvalidCheckpointException.class).hasMessageContaining(none.toString())
                    .hasMessageContaining("'tokenizer.ggml.model' is missing");
        }
        Path bert = GgufBytes.header(0, 1).kvString("tokenizer.ggml.model", "bert").write(tmp, "bert.gguf");
        try (GgufFile f = GgufFile.open(bert)) {
            assertThatThrownBy(() -> GgufTokenizerJson.toTokenizerJson(f))
                    .isInstanceOf(InvalidCheckpointException.class).hasMessageContaining(bert.toString())
                    .hasMessageContaining("tokenizer.ggml.model 'bert' is not supported yet");
        }
        Path badId = GgufBytes.header(0, 4).kvString("tokenizer.ggml.model", "gpt2")
                .str("tokenizer.ggml.tokens").u32(GgufValueType.ARRAY.id()).u32(GgufValueType.STRING.id()).u64(2)
                .str("a").str("b")
                .str("tokenizer.ggml.merges").u32(GgufValueType.ARRAY.id()).u32(GgufValueType.STRING.id()).u64(1)
                .str("a b")
                .kvU32("tokenizer.ggml.bos_token_id", 9).write(tmp, "badid.gguf");
        try (GgufFile f = GgufFile.open(badId)) {
            assertThatThrownBy(() -> GgufTokenizerJson.toTokenizerJson(f))
                    .isInstanceOf(InvalidCheckpointException.class).hasMessageContaining(badId.toString())
                    .hasMessageContaining("'tokenizer.ggml.bos_token_id' is 9, outside the vocabulary of 2 tokens");
        }
    }
}
