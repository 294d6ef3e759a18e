package io.github.icl4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.icl4j.testing.TestData;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class TokenizerTest {

    @Test
    void gpt2KnownIdsAndOffsets() {
        try (Tokenizer tok = Tokenizer.fromFile(TestData.gpt2Tokenizer())) {
            Encoding e = tok.encode("Hello world! The quick brown fox");
            assertThat(e.ids()).containsExactly(15496, 995, 0, 383, 2068, 7586, 21831);
            // every token's span covers exactly the text it decodes to
            for (int i = 0; i < e.length(); i++) {
                assertThat(e.text().substring(e.startOf(i), e.endOf(i)).trim())
                        .isEqualTo(tok.decode(e.id(i)).trim());
            }
            assertThat(tok.singleTokenId(" foo")).isEqualTo(22944);
            assertThat(tok.singleTokenId(" bar")).isEqualTo(2318);
            assertThat(tok.vocabSize()).isEqualTo(50257);
        }
    }

    @Test
    void offsetsSurviveNonAsciiText() {
        try (Tokenizer tok = Tokenizer.fromFile(TestData.gpt2Tokenizer())) {
            String text = "Café é bien — Label: foo";
            Encoding e = tok.encode(text);
            int last = e.length() - 1;
            assertThat(text.substring(e.startOf(last), e.endOf(last))).isEqualTo(" foo");
        }
    }

    @Test
    void multiTokenLabelWordIsRefusedClearly() {
        try (Tokenizer tok = Tokenizer.fromFile(TestData.gpt2Tokenizer())) {
            assertThatThrownBy(() -> tok.singleTokenId(" antidisestablishmentarianism"))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("' antidisestablishmentarianism'")
                    .hasMessageContaining("tokens")
                    .hasMessageContaining("single tokens");
        }
    }

    @Test
    void useAfterCloseFails() {
        Tokenizer tok = Tokenizer.fromFile(TestData.gpt2Tokenizer());
        tok.close();
        assertThatThrownBy(() -> tok.encode("x")).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("closed");
    }

    @Test
    void missingFileIsNamed() {
        assertThatThrownBy(() -> Tokenizer.fromFile(Path.of("no/such/tokenizer.json")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no/such/tokenizer.json");
    }
}
