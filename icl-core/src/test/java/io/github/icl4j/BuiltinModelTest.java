package io.github.icl4j;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.icl4j.train.SyntheticIclTask;
import io.github.icl4j.train.SyntheticIclTask.Evaluation;
import io.github.icl4j.train.SyntheticIclTask.Split;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The built-in model loads from icl-core alone, leaves nothing behind, and learns in context. */
class BuiltinModelTest {

    @Test
    void shipsInCoreWithinTheSizeLimit() throws IOException {
        assertThat(Model.builtinAvailable()).isTrue();
        long bytes = 0;
        for (String f : List.of("config.json", "model.safetensors", "tokenizer.json", "MODEL_CARD.md",
                SyntheticIclTask.OPTIONS_FILE)) {
            try (InputStream in = Model.class.getResourceAsStream(Model.BUILTIN_RESOURCES + f)) {
                assertThat(in).as(f).isNotNull();
                bytes += in.readAllBytes().length;
            }
        }
        assertThat(bytes).as("shipped checkpoint bytes").isPositive().isLessThanOrEqualTo(5L * 1024 * 1024);
    }

    @Test
    void loadsWithoutLeavingATemporaryFolderAndNamesItselfNotATempPath() throws IOException {
        List<Path> before = leftovers();
        for (int i = 0; i < 3; i++) {
            try (Model model = Model.builtin()) {
                assertThat(model.source()).isEqualTo("built-in model (icl-core)")
                        .doesNotContain(System.getProperty("java.io.tmpdir"));
                assertThat(model.config().nLayers()).isEqualTo(3);
                // the weights stay readable after their files are gone
                assertThat(model.lastLogits(TokenBatch.of(model.tokenizer().encode(" foo bar").ids()))[0])
                        .hasSize(model.config().vocabSize());
            }
        }
        assertThat(leftovers()).containsExactlyInAnyOrderElementsOf(before);
    }

    @Test
    void learnsInContextOnHeldOutEpisodesOfItsTask() {
        try (Model model = Model.builtin(); SyntheticIclTask task = SyntheticIclTask.builtin()) {
            assertThat(model.tokenizer().singleTokenId(" foo")).isEqualTo(task.fooId());
            Evaluation e = task.evaluate(model, task.balancedEpisodes(Split.HELD_OUT, 100, 2, 4242));
            // golden fact about the trained model (card: 0.937 held-out at k = 2); 100 episodes, so a wide margin
            assertThat(e.accuracy()).as(e.toString()).isGreaterThan(0.8);
        }
    }

    @Test
    void builtinDataAreSentencesOfAHeldOutPairTheModelLabelsFromItsDemonstrations() {
        Dataset data = Datasets.builtin(3, 7);
        assertThat(data.classNames()).containsExactly("foo", "bar");
        assertThat(data.counts()).containsExactly(3, 3);
        assertThat(data.get(0).label()).isZero();
        assertThat(data.get(1).label()).isOne();
        assertThat(Datasets.builtin(3, 7).examples()).isEqualTo(data.examples());
        try (Model model = Model.builtin()) {
            assertThat(data.examples()).allSatisfy(e -> assertThat(model.tokenizer().unknownWords(e.text())).isEmpty());
        }
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Datasets.builtin(0, 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("perClass 0");
    }

    private static List<Path> leftovers() throws IOException {
        try (Stream<Path> s = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            return s.filter(p -> p.getFileName().toString().startsWith(BuiltinCheckpoint.TEMP_PREFIX)).toList();
        }
    }
}
