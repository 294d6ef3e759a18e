package io.github.icl4j.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.icl4j.Encoding;
import io.github.icl4j.Tokenizer;
import java.util.List;
import org.junit.jupiter.api.Test;

class WordLevelTokenizerJsonTest {

    @Test
    void roundTripsEveryWordOfTheTaskWithRightSpans() {
        try (SyntheticIclTask task = SyntheticIclTask.create(SyntheticTaskOptions.defaults())) {
            Tokenizer tok = task.tokenizer();
            List<String> vocab = task.vocabulary();
            assertThat(tok.vocabSize()).isEqualTo(vocab.size() + 1).isEqualTo(task.vocabSize());
            String text = String.join(" ", vocab);
            Encoding e = tok.encode(text);
            assertThat(e.length()).isEqualTo(vocab.size());
            for (int i = 0; i < vocab.size(); i++) {
                assertThat(e.id(i)).as(vocab.get(i)).isEqualTo(i + 1);
                assertThat(text.substring(e.startOf(i), e.endOf(i))).isEqualTo(vocab.get(i));
                assertThat(tok.decode(e.id(i))).isEqualTo(vocab.get(i));
            }
            assertThat(tok.singleTokenId(" foo")).isEqualTo(task.fooId()).isEqualTo(4);
            assertThat(tok.singleTokenId(" bar")).isEqualTo(task.barId()).isEqualTo(5);
        }
    }

    @Test
    void splitsLabelColonAndDecodesWithSpaces() {
        String json = WordLevelTokenizerJson.build(List.of("Sentence", "Label", ":", "foo", "bar", "rumo", "tegi"));
        try (Tokenizer tok = Tokenizer.fromJson(json, "test")) {
            String text = "Sentence: rumo tegi\nLabel: foo\nSentence: zzz\nLabel:";
            Encoding e = tok.encode(text);
            assertThat(e.ids()).containsExactly(1, 3, 6, 7, 2, 3, 4, 1, 3, 0, 2, 3);
            // "foo" after "Label: " spans exactly its three letters
            int foo = text.indexOf("foo");
            assertThat(e.startOf(6)).isEqualTo(foo);
            assertThat(e.endOf(6)).isEqualTo(foo + 3);
            assertThat(e.firstTokenIn(foo - 1, foo + 3)).isEqualTo(6);
            assertThat(tok.decode(1, 3, 6, 7, 2, 3, 4)).isEqualTo("Sentence : rumo tegi Label : foo");
        }
    }

    @Test
    void whitespaceOnlyKeepsTheTemplatesColonOnItsWord() {
        String json = WordLevelTokenizerJson.build(List.of("Sentence:", "Label:", "foo", "bar", "rumo", "tegi"),
                WordLevelTokenizerJson.Split.WHITESPACE_ONLY);
        try (Tokenizer tok = Tokenizer.fromJson(json, "test")) {
            String text = "Sentence: rumo tegi\nLabel: foo\nSentence: zzz\nLabel:";
            Encoding e = tok.encode(text);
            assertThat(e.ids()).containsExactly(1, 5, 6, 2, 3, 1, 0, 2);
            int foo = text.indexOf("foo");
            assertThat(e.startOf(4)).isEqualTo(foo);
            assertThat(e.endOf(4)).isEqualTo(foo + 3);
            assertThat(tok.singleTokenId(" foo")).isEqualTo(3);
        }
        assertThatThrownBy(() -> WordLevelTokenizerJson.build(List.of("a b"),
                WordLevelTokenizerJson.Split.WHITESPACE_ONLY)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'a b' would be split by the WhitespaceSplit pre-tokenizer");
    }

    @Test
    void refusesEntriesTheTokenizerCouldNeverProduce() {
        assertThatThrownBy(() -> WordLevelTokenizerJson.build(List.of("a", "a")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("entry 1 'a' is a duplicate");
        assertThatThrownBy(() -> WordLevelTokenizerJson.build(List.of("Label:")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'Label:' would be split");
        assertThatThrownBy(() -> WordLevelTokenizerJson.build(List.of(" ")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("entry 0 is empty or blank");
    }
}
