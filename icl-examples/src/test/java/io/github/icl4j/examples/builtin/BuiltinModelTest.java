package io.github.icl4j.examples.builtin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.icl4j.Model;
import io.github.icl4j.train.SyntheticIclTask;
import io.github.icl4j.train.SyntheticTaskOptions;
import io.github.icl4j.train.SyntheticIclTask.Evaluation;
import io.github.icl4j.train.SyntheticIclTask.Split;
import io.github.icl4j.train.TrainingConfig;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class BuiltinModelTest {
    static Model model;
    static SyntheticIclTask task;

    @BeforeAll
    static void load() {
        assumeTrue(BuiltinModel.isAvailable(), "no built-in model in the jar; run TrainBuiltinModel");
        model = BuiltinModel.load();
        task = BuiltinModel.task();
    }

    @AfterAll
    static void close() {
        if (model != null) {
            model.close();
            task.close();
        }
    }

    @Test
    void isTheDocumentedArchitectureWithTheTasksTokenizer() {
        assertThat(model.config()).isEqualTo(BuiltinModel.modelConfig(task.vocabSize()));
        assertThat(model.config().hasRotary()).isTrue();
        assertThat(model.tokenizer().singleTokenId(" foo")).isEqualTo(task.fooId());
        assertThat(model.tokenizer().singleTokenId(" bar")).isEqualTo(task.barId());
    }

    @Test
    void shipsTheTaskItWasTrainedOnBesideTheWeights() throws Exception {
        try (var in = BuiltinModel.class.getResourceAsStream(BuiltinModel.RESOURCE_DIR + SyntheticIclTask.OPTIONS_FILE)) {
            assertThat(in).as("synthetic_task.json in the jar").isNotNull();
            String json = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            assertThat(SyntheticTaskOptions.fromJson(json)).isEqualTo(BuiltinModel.TASK_OPTIONS);
        }
    }

    @Test
    void learnsInContextOnFreshHeldOutEpisodes() {
        // seed used neither in training (validation 1001) nor for the card (2002, 2003...)
        Evaluation e = task.evaluate(model, task.balancedEpisodes(Split.HELD_OUT, 300, 2, 31_337));
        assertThat(e.accuracy()).as(e.toString())
                .isGreaterThanOrEqualTo(Math.min(0.9, BuiltinModel.HELD_OUT_ACCURACY - 0.05));
    }

    @Test
    void flippingTheMappingFlipsPredictions() {
        BuiltinModelCard.Flip f = BuiltinModelCard.flip(model, task, 100, 77);
        assertThat(f.flipRate()).isGreaterThan(0.8);
        assertThat(f.flipped().accuracy()).isGreaterThan(0.8);
    }

    @Test
    void recipeOverridesAreParsedPerStage() {
        List<TrainBuiltinModel.Stage> plain = TrainBuiltinModel.stages(Map.of());
        assertThat(plain).isEqualTo(BuiltinModel.RECIPE);
        TrainBuiltinModel.Stage only = BuiltinModel.RECIPE.get(0);
        // a two-stage recipe: unprefixed keys change the first stage, "stage2." keys the second
        List<TrainBuiltinModel.Stage> two = List.of(only, new TrainBuiltinModel.Stage("second",
                only.task().withLabelWords(2), SyntheticIclTask.LossOn.INFORMED_LABELS, only.training().withSteps(7)));
        List<TrainBuiltinModel.Stage> s = TrainBuiltinModel.stages(TrainBuiltinModel.parse(new String[] {"steps=10",
            "lr=0.01", "stage2.steps=20", "stage2.episodeClasses=3", "stage2.lossOn=QUERY", "fused=false"}), two);
        TrainingConfig first = s.get(0).training();
        assertThat(first.steps()).isEqualTo(10);
        assertThat(first.learningRate()).isEqualTo(0.01);
        assertThat(first.seed()).isEqualTo(only.training().seed());
        assertThat(s.get(0).task()).isEqualTo(BuiltinModel.TASK_OPTIONS.withFusedTemplate(false));
        assertThat(s.get(1).training().steps()).isEqualTo(20);
        assertThat(s.get(1).training().learningRate()).isEqualTo(only.training().learningRate());
        assertThat(s.get(1).task().classesPerEpisode()).isEqualTo(3);
        assertThat(s.get(1).task().labelWords()).isEqualTo(2);
        assertThat(s.get(1).task().fusedTemplate()).isFalse();
        assertThat(s.get(1).lossOn()).isEqualTo(SyntheticIclTask.LossOn.QUERY);
        assertThat(TrainBuiltinModel.stages(Map.of("stages", "1"), two)).hasSize(1);
        assertThatThrownBy(() -> TrainBuiltinModel.stages(Map.of("stages", "3"), two))
                .hasMessage("stages 3 out of range [1, 2]");
        assertThatThrownBy(() -> TrainBuiltinModel.stages(Map.of("stages", "2")))
                .hasMessage("stages 2 out of range [1, 1]");
        assertThatThrownBy(() -> TrainBuiltinModel.stages(Map.of("fused", "yes")))
                .hasMessage("fused yes must be true or false");
        assertThatThrownBy(() -> TrainBuiltinModel.parse(new String[] {"steps"}))
                .hasMessageContaining("'steps' is not key=value");
    }

    @Test
    void theRecipesLastStageTrainsOnTheShippedTask() {
        assertThat(BuiltinModel.RECIPE.get(BuiltinModel.RECIPE.size() - 1).task()).isEqualTo(BuiltinModel.TASK_OPTIONS);
        try (SyntheticIclTask a = SyntheticIclTask.create(BuiltinModel.TASK_OPTIONS)) {
            assertThat(a.tokenizer().singleTokenId(" foo")).isEqualTo(a.fooId());
            assertThat(a.tokenizer().encode("Sentence: x\nLabel:").ids()).hasSize(3);
        }
    }
}
