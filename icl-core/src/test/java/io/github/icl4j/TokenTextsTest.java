package io.github.icl4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.icl4j.train.SyntheticIclTask;
import io.github.icl4j.train.SyntheticTaskOptions;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The token texts of the reports' token views (moved from icl-heads' PromptChecksTest with the code). */
class TokenTextsTest {

    @Test
    void tokenTextsKeepTheTextBetweenTokensSoTheyJoinBackIntoThePrompt() {
        // a word-level tokenizer (the synthetic task's), whose single-token decoding drops the spaces
        try (SyntheticIclTask task = SyntheticIclTask.create(SyntheticTaskOptions.defaults())) {
            Tokenizer tok = task.tokenizer();
            List<Example> xs = task.sentences(3, 5, 3, 1).stream().map(t -> Example.of(t.text(), t.label())).toList();
            IclPrompt p = IclPrompt.builder(tok).build(Demonstrations.of(2, xs.subList(0, 4)), xs.get(4));
            List<String> toks = TokenTexts.of(tok, p, p.lastPosition(), TokenTexts.Spacing.LEADING);
            assertThat(String.join("", toks)).isEqualTo(p.text());
            assertThat(toks).hasSize(p.length());
            assertThat(toks.get(p.labelPositions()[0])).isIn(" foo", " bar");
            assertThat(toks.get(1)).isEqualTo(":");
            assertThat(toks.get(2)).startsWith(" ");
            // the main job's token view puts the whitespace after each token instead: the same words, moved spaces
            List<String> after = TokenTexts.of(tok, p, p.lastPosition(), TokenTexts.Spacing.TRAILING);
            assertThat(String.join("", after)).isEqualTo(p.text());
            assertThat(after).hasSize(p.length());
            assertThat(after.get(1)).isEqualTo(": ");
            assertThat(after.get(p.labelPositions()[0])).isIn("foo\n", "bar\n");
            for (int j = 0; j < after.size(); j++) {
                assertThat(after.get(j).strip()).as("token %d", j).isEqualTo(toks.get(j).strip());
            }
            assertThat(TokenTexts.of(tok, p, 2, TokenTexts.Spacing.TRAILING))
                    .containsExactlyElementsOf(after.subList(0, 3));
            assertThatThrownBy(() -> TokenTexts.of(tok, p, p.length(), TokenTexts.Spacing.LEADING))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("upTo " + p.length() + " out of range [0, " + p.length() + ")");

            // prompts whose text does not re-encode to their tokens fall back to one token at a time
            long foo = task.fooId();
            long bar = task.barId();
            IclPrompt toy = new IclPrompt("Sentence", new long[] {foo, bar, foo, bar}, new int[0], new int[0],
                    List.of(), new IclPrompt.Span(0, 0), 3, Example.UNLABELLED, new long[] {foo, bar},
                    List.of(" foo", " bar"), 0);
            assertThat(TokenTexts.of(tok, toy, 3, TokenTexts.Spacing.LEADING)).hasSize(4)
                    .containsExactly(tok.decode(foo), tok.decode(bar), tok.decode(foo), tok.decode(bar));
            // and without a tokenizer each token is its id
            assertThat(TokenTexts.of((Tokenizer) null, toy, 1, TokenTexts.Spacing.TRAILING))
                    .containsExactly("#" + foo, "#" + bar);
        }
    }
}
