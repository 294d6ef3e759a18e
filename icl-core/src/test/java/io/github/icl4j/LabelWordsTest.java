package io.github.icl4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.icl4j.testing.TestData;
import org.junit.jupiter.api.Test;

class LabelWordsTest {

    @Test
    void fooBarAreSingleGpt2TokensAndFlipSwapsThem() {
        try (Tokenizer tok = Tokenizer.fromFile(TestData.gpt2Tokenizer())) {
            assertThat(LabelWords.FOO_BAR.ids(tok)).containsExactly(22944, 2318);
            assertThat(LabelWords.FOO_BAR.flipped().ids(tok)).containsExactly(2318, 22944);
            assertThat(LabelWords.FOO_BAR.flipped().flipped()).isEqualTo(LabelWords.FOO_BAR);
            assertThat(LabelWords.FOO_BAR.toString()).isEqualTo("LabelWords[0 ' foo', 1 ' bar']");
            assertThat(LabelWords.of("foo", "bar").ids(tok)).containsExactly(21943, 5657);
        }
    }

    @Test
    void aLabelWordOfSeveralTokensIsRefusedNamingItsPieces() {
        try (Tokenizer tok = Tokenizer.fromFile(TestData.gpt2Tokenizer())) {
            LabelWords words = LabelWords.of(" foo", " antidisestablishmentarianism");
            assertThatThrownBy(() -> words.ids(tok)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("label word ' antidisestablishmentarianism' is ")
                    .hasMessageContaining("tokens [")
                    .hasMessageContaining("label words must be single tokens");
        }
    }

    @Test
    void badWordsAreRefused() {
        assertThatThrownBy(() -> LabelWords.of(" foo", " foo")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("label words must differ, got [' foo', ' foo']");
        assertThatThrownBy(() -> LabelWords.of(" foo", " ")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("label word 1 is ' '");
        assertThatThrownBy(LabelWords::of).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at least one");
        assertThatThrownBy(() -> LabelWords.of(" a", " b", " c").flipped()).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("swaps two label words; these are 3");
        assertThatThrownBy(() -> LabelWords.FOO_BAR.word(2)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("label 2 has no label word; label words cover [0, 2)");
    }
}
