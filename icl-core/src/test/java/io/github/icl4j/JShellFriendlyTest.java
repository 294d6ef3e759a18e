package io.github.icl4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.icl4j.testing.TestData;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** What a JShell session shows and accepts: readable caches, head names as papers write them, no silent unk. */
class JShellFriendlyTest {
    static Model model;

    @BeforeAll
    static void load() {
        model = Model.builtin();
    }

    @AfterAll
    static void close() {
        model.close();
    }

    @Test
    void headIdParsesEitherCase() {
        assertThat(HeadId.parse("l14h3")).isEqualTo(HeadId.of(14, 3));
        assertThat(HeadId.parse("L14h3")).isEqualTo(HeadId.of(14, 3));
        assertThat(HeadId.parseList("l0h1, L2H2")).containsExactly(HeadId.of(0, 1), HeadId.of(2, 2));
        assertThatThrownBy(() -> HeadId.parse("14.3")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'14.3'").hasMessageContaining("L14H3");
    }

    @Test
    void cacheEntriesPrintShapeAndDtype() {
        long[] ids = model.tokenizer().encode("Sentence: foo bar").ids();
        try (ActivationCache cache = new ActivationCache();
                org.bytedeco.javacpp.PointerScope scope = new org.bytedeco.javacpp.PointerScope()) {
            Hooks hooks = Hooks.builder().cache(cache, HookPoint.pattern(1)).cache(cache, HookPoint.z(0)).build();
            model.logits(TokenBatch.of(ids), hooks);
            String pattern = HookPoint.pattern(1);
            String n = String.valueOf(ids.length);
            assertThat(cache.entry(pattern)).hasToString(pattern + " [1, 8, " + n + ", " + n + "] fp32 cpu");
            assertThat(cache.entry(pattern).shape()).containsExactly(1L, 8L, (long) ids.length, (long) ids.length);
            assertThat(cache.entries()).extracting(ActivationCache.Entry::dtype).containsOnly("fp32");
            assertThat(cache.toString()).startsWith("ActivationCache[")
                    .contains(HookPoint.z(0) + " [1, " + n + ", 8, 8] fp32 cpu")
                    .contains(pattern + " [1, 8, " + n + ", " + n + "] fp32 cpu");
        }
    }

    @Test
    void wordsAWordLevelTokenizerDoesNotKnowAreReported() {
        Tokenizer tok = model.tokenizer();
        assertThat(tok.unknownWords("Sentence: foo")).isEmpty();
        assertThat(tok.unknownWords("Sentence: the movie was great, the end foo"))
                .containsExactly("the", "movie", "was", "great,", "end");
        // the unknown token itself, written out, is not an unknown word
        assertThat(tok.unknownWords("<unk> foo")).isEmpty();
        // encode still encodes (and logs the words once): fixtures and callers may rely on <unk>
        assertThat(tok.encode("the foo").ids()).containsExactly(0L, tok.singleTokenId("foo"));
        assertThat(tok.source()).isEqualTo("built-in model (icl-core) tokenizer.json");
    }

    @Test
    void aSubwordTokenizerHasNoUnknownWords() {
        try (Tokenizer bpe = Tokenizer.fromFile(TestData.gpt2Tokenizer())) {
            assertThat(bpe.unknownWords("the movie was xyzzyplugh")).isEmpty();
        }
    }
}
