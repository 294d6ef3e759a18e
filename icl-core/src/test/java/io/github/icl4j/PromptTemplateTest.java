package io.github.icl4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class PromptTemplateTest {

    private static final Demonstrations DEMOS = Demonstrations.of(2,
            List.of(Example.of("a good film", 0), Example.of("a dull film", 1)));

    @Test
    void defaultWritesTheMethodsPrompt() {
        String text = PromptTemplate.DEFAULT.render(DEMOS, Example.of("fine", 0), LabelWords.FOO_BAR);
        assertThat(text).isEqualTo("Sentence: a good film\nLabel: foo\nSentence: a dull film\nLabel: bar\n"
                + "Sentence: fine\nLabel:");
        assertThat(PromptTemplate.DEFAULT.queryPattern()).isEqualTo("Sentence: {text}\nLabel:");
        assertThat(PromptTemplate.DEFAULT.toString())
                .isEqualTo("PromptTemplate[\"Sentence: {text}\\nLabel:{label}\", separator \"\\n\"]");
    }

    @Test
    void customTemplateAndZeroShot() {
        PromptTemplate t = PromptTemplate.of("Review: {text} =>{label}.", "\n\n");
        assertThat(t.render(DEMOS, Example.unlabelled("ok"), LabelWords.FOO_BAR.flipped()))
                .isEqualTo("Review: a good film => bar.\n\nReview: a dull film => foo.\n\nReview: ok =>");
        assertThat(t.render(Demonstrations.of(2, List.of()), Example.unlabelled("ok"), LabelWords.FOO_BAR))
                .isEqualTo("Review: ok =>");
        // braces inside a sentence are text, not placeholders
        assertThat(t.render(Demonstrations.of(2, List.of()), Example.unlabelled("{label}"), LabelWords.FOO_BAR))
                .isEqualTo("Review: {label} =>");
    }

    @Test
    void renderingWithAWordPerDemonstrationLocatesEveryPart() {
        PromptTemplate t = PromptTemplate.of("Review: {text} =>{label}.", "\n\n");
        PromptTemplate.Rendered r = t.render(List.of("a good film", "a dull film"), List.of(" rumo", " foo"), "ok");
        assertThat(r.text()).isEqualTo("Review: a good film => rumo.\n\nReview: a dull film => foo.\n\nReview: ok =>");
        String text = r.text();
        assertThat(text.substring(r.textStart()[1], r.textEnd()[1])).isEqualTo("a dull film");
        assertThat(text.substring(r.labelStart()[0], r.labelEnd()[0])).isEqualTo(" rumo");
        assertThat(text.substring(r.queryTextStart(), r.queryTextEnd())).isEqualTo("ok");
        assertThat(text.substring(0, r.prefixEnd())).endsWith("foo.\n\n");
        // the same text as rendering the demonstrations with their label words
        assertThat(PromptTemplate.DEFAULT.render(List.of("a good film", "a dull film"), List.of(" foo", " bar"), "fine")
                .text()).isEqualTo(PromptTemplate.DEFAULT.render(DEMOS, Example.of("fine", 0), LabelWords.FOO_BAR));
        // the record hands out copies
        r.labelStart()[0] = -5;
        assertThat(r.labelStart()[0]).isNotEqualTo(-5);
        assertThatThrownBy(() -> t.render(List.of("a"), List.of(), "q")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("1 texts, 0 label words");
    }

    @Test
    void badTemplatesAreRefusedQuotingTheTemplate() {
        assertThatThrownBy(() -> PromptTemplate.of("Sentence: {text}\nLabel:", "\n"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("template \"Sentence: {text}\\nLabel:\" has {label} 0 times")
                .hasMessageContaining("needs {text} and {label} exactly once each, {text} first");
        assertThatThrownBy(() -> PromptTemplate.of("Label:{label}", "\n"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("template \"Label:{label}\" has {text} 0 times");
        assertThatThrownBy(() -> PromptTemplate.of("{text} {text}{label}", "\n"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("template \"{text} {text}{label}\" has {text} 2 times");
        assertThatThrownBy(() -> PromptTemplate.of("Label:{label} Sentence: {text}", "\n"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("template \"Label:{label} Sentence: {text}\" has {label} before {text}");
        assertThatThrownBy(() -> PromptTemplate.of("{text}{label}", null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("separator");
    }
}
