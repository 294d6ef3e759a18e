package io.github.icl4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.icl4j.testing.TestData;
import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Tokenizer files that would abort the JVM at the first encode (a Rust panic cannot cross JNI) are refused at load
 * with a message naming the file (issue 14, item 2); the patterns real tokenizers use still load.
 */
class TokenizerVettingTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The word-level test tokenizer (101 tokens) with {@code edit} applied. */
    private static String tokenizer(java.util.function.Consumer<ObjectNode> edit) throws IOException {
        ObjectNode root = (ObjectNode) JSON.readTree(
                Files.readString(TestData.resource("parity/llama/tokenizer.json")));
        edit.accept(root);
        return JSON.writeValueAsString(root);
    }

    private static ObjectNode split(String regex) {
        ObjectNode s = JSON.createObjectNode();
        s.put("type", "Split");
        s.putObject("pattern").put("Regex", regex);
        s.put("behavior", "Isolated");
        s.put("invert", false);
        return s;
    }

    private static String withSplit(String regex) throws IOException {
        return tokenizer(r -> {
            ObjectNode seq = r.putObject("pre_tokenizer");
            seq.put("type", "Sequence");
            seq.putArray("pretokenizers").add(split(regex)).addObject().put("type", "Whitespace");
        });
    }

    @Test
    void exponentialBacktrackingIsRefusedAtLoad() throws IOException {
        for (String bad : List.of("(a|aa)+$", "(a+)+b", "(?:\\s|\\s\\s)*x", "((ab)*)+c", "(\\w+\\s?)*$")) {
            String json = withSplit(bad);
            assertThatThrownBy(() -> Tokenizer.fromJson(json, "crafted.json"))
                    .as(bad).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("crafted.json").hasMessageContaining("pre_tokenizer")
                    .hasMessageContaining(bad).hasMessageContaining("backtrack");
        }
    }

    @Test
    void polynomialBacktrackingIsRefusedByTheBoundedMatcher() throws IOException {
        String json = withSplit("a*a*a*a*a*b");
        assertThatThrownBy(() -> Tokenizer.fromJson(json, "poly.json")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("poly.json").hasMessageContaining("'a' × n");
    }

    @Test
    void onigurumaSpellingsAreProbedToo() throws IOException {
        String poly = withSplit("\\p{Han}*\\p{Han}*\\p{Han}*\\p{Han}*\\p{Han}*x");
        assertThatThrownBy(() -> Tokenizer.fromJson(poly, "han.json")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("han.json").hasMessageContaining("'中' × n");
        String fine = withSplit("\\p{Han}+| ?\\p{L}+");
        assertThatCode(() -> Tokenizer.fromJson(fine, "han.json").close()).doesNotThrowAnyException();
    }

    @Test
    void backReferencesAndBadNormalizerPatternsAreRefused() throws IOException {
        String backref = withSplit("(a)\\1");
        assertThatThrownBy(() -> Tokenizer.fromJson(backref, "b.json")).hasMessageContaining("back-references");
        String normalizer = tokenizer(r -> {
            ObjectNode n = r.putObject("normalizer");
            n.put("type", "Replace");
            n.putObject("pattern").put("Regex", "(x|xx)+y");
            n.put("content", " ");
        });
        assertThatThrownBy(() -> Tokenizer.fromJson(normalizer, "n.json")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("n.json: normalizer (Replace)");
    }

    @Test
    void patternsOfRealTokenizersLoad() throws IOException {
        List<String> real = List.of(
                "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+",
                "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*"
                        + "|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+",
                "[^\\r\\n\\p{L}\\p{N}]?[\\p{Lu}\\p{Lt}\\p{Lm}\\p{Lo}\\p{M}]*[\\p{Ll}\\p{Lm}\\p{Lo}\\p{M}]+"
                        + "(?i:'s|'t|'re|'ve|'m|'ll|'d)?|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n/]*|\\s*[\\r\\n]+"
                        + "|\\s+(?!\\S)|\\s+",
                " ?[^(\\s|.,!?…。，、।۔،)]+", "[一-龥ࠀ-一가-퟿]+", "\\p{N}", "[0-9][0-9][0-9]",
                "[\\p{P}\\$\\+<=>\\^~\\|]+", " ?\\p{L}+|\\p{N}{1,3}", "\\s?[A-Za-z]+");
        for (String ok : real) {
            String json = withSplit(ok);
            assertThatCode(() -> Tokenizer.fromJson(json, "real.json").close()).as(ok).doesNotThrowAnyException();
        }
    }

    /** A TemplateProcessing that adds {@code <s>} before the text; {@code id} < 0 declares no special token. */
    private static String withTemplate(int id) throws IOException {
        return tokenizer(r -> {
            ObjectNode pp = r.putObject("post_processor");
            pp.put("type", "TemplateProcessing");
            pp.putArray("single").addObject().putObject("SpecialToken").put("id", "<s>").put("type_id", 0);
            pp.withArray("single").addObject().putObject("Sequence").put("id", "A").put("type_id", 0);
            pp.putArray("pair");
            ObjectNode specials = pp.putObject("special_tokens");
            if (id >= 0) {
                ObjectNode s = specials.putObject("<s>");
                s.put("id", "<s>");
                s.putArray("ids").add(id);
                s.putArray("tokens").add("<s>");
            }
        });
    }

    @Test
    void templatesNamingUndeclaredOrUnknownTokensAreRefused() throws IOException {
        String undeclared = withTemplate(-1);
        assertThatThrownBy(() -> Tokenizer.fromJson(undeclared, "t.json")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("t.json: post_processor.single[0]").hasMessageContaining("'<s>'")
                .hasMessageContaining("does not declare it");
        String unknownId = withTemplate(5000);
        assertThatThrownBy(() -> Tokenizer.fromJson(unknownId, "u.json")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("u.json").hasMessageContaining("token id 5000")
                .hasMessageContaining("not in the vocabulary");
    }

    @Test
    void aDeclaredTemplateStillAddsItsToken() throws IOException {
        try (Tokenizer t = Tokenizer.fromJson(withTemplate(1), "ok.json")) {
            Encoding e = t.encode(t.decode(7), true);
            assertThat(e.id(0)).isEqualTo(1);
            assertThat(e.length()).isEqualTo(2);
        }
    }
}
