package io.github.icl4j.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.icl4j.Model;
import io.github.icl4j.train.SyntheticIclTask;
import io.github.icl4j.train.SyntheticIclTask.Evaluation;
import io.github.icl4j.train.SyntheticIclTask.Split;
import io.github.icl4j.train.TrainingConfig;
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
            assertThat(SyntheticIclTask.Options.fromJson(json)).isEqualTo(BuiltinModel.TASK_OPTIONS);
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
    void recipeOverridesAreParsed() {
        TrainingConfig t = TrainBuiltinModel.recipe(TrainBuiltinModel.parse(new String[] {"steps=10", "lr=0.01"}));
        assertThat(t.steps()).isEqualTo(10);
        assertThat(t.learningRate()).isEqualTo(0.01);
        assertThat(t.seed()).isEqualTo(BuiltinModel.TRAINING.seed());
        assertThat(TrainBuiltinModel.recipe(Map.of())).isEqualTo(BuiltinModel.TRAINING);
        assertThatThrownBy(() -> TrainBuiltinModel.parse(new String[] {"steps"}))
                .hasMessageContaining("'steps' is not key=value");
    }
}
