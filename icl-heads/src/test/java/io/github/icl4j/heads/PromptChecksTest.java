package io.github.icl4j.heads;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.icl4j.IclPrompt;
import io.github.icl4j.Model;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The token texts of the report's example prompts. */
class PromptChecksTest {

    @Test
    void tokenTextsKeepTheTextBetweenTokensSoTheyJoinBackIntoThePrompt() {
        // a word-level tokenizer (the synthetic task's), whose single-token decoding drops the spaces
        try (io.github.icl4j.train.SyntheticIclTask task = io.github.icl4j.train.SyntheticIclTask.create(
                io.github.icl4j.train.SyntheticTaskOptions.defaults());
                Model m = Fixtures.randomLlama(task.vocabSize(), 16, 1, 2, 2, 256, 1L, task.tokenizerJson())) {
            List<io.github.icl4j.Example> xs = task.sentences(3, 5, 3, 1).stream()
                    .map(t -> io.github.icl4j.Example.of(t.text(), t.label())).toList();
            IclPrompt p = IclPrompt.builder(m.tokenizer()).build(io.github.icl4j.Demonstrations.of(2, xs.subList(0, 4)),
                    xs.get(4));
            List<String> toks = PromptChecks.tokenTexts(m, p, p.lastPosition());
            assertThat(String.join("", toks)).isEqualTo(p.text());
            assertThat(toks).hasSize(p.length());
            assertThat(toks.get(p.labelPositions()[0])).isIn(" foo", " bar");
            assertThat(toks.get(1)).isEqualTo(":");
            assertThat(toks.get(2)).startsWith(" ");
        }
        // prompts whose text does not re-encode to their tokens fall back to one token at a time
        try (Model model = Fixtures.parityModel("llama")) {
            IclPrompt toy = Fixtures.toys(8, 4, 3, 21).get(0);
            assertThat(PromptChecks.tokenTexts(model, toy, 3)).hasSize(4);
        }
    }
}
