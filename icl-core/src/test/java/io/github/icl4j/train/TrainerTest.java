package io.github.icl4j.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.icl4j.Hooks;
import io.github.icl4j.Model;
import io.github.icl4j.TokenBatch;
import io.github.icl4j.model.ModelConfig;
import io.github.icl4j.runtime.Tensors;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainerTest {
    static SyntheticIclTask task;
    static ModelConfig tiny;

    @BeforeAll
    static void setUp() {
        task = SyntheticIclTask.create(SyntheticTaskOptions.defaults().withShots(1, 2));
        tiny = ModelInit.llamaConfig(task.vocabSize(), 32, 2, 2, 64, 128);
    }

    @AfterAll
    static void tearDown() {
        task.close();
    }

    static TrainingConfig shortRun(int steps) {
        return new TrainingConfig(steps, 8, 3e-3, Math.min(3, steps), 3e-4, 0.1, 1.0, 0, 7L, 1, 0.02);
    }

    @Test
    void lossDecreasesOnAShortRun() {
        try (Trainer trainer = Trainer.create(tiny, task.tokenizerJson(), shortRun(30))) {
            TrainingResult r = trainer.train(task.trainingData(SyntheticIclTask.LossOn.ALL_LABELS), null);
            double[] l = r.losses();
            assertThat(l).hasSize(30);
            double first = (l[0] + l[1] + l[2]) / 3;
            double last = (l[27] + l[28] + l[29]) / 3;
            // from about ln(vocab) = 5.6 towards the labels' coin flip, ln 2 = 0.69
            assertThat(first).isGreaterThan(4.0);
            assertThat(last).isLessThan(first * 0.6);
            assertThat(r.history().get(0).learningRate()).isEqualTo(1e-3);
            assertThat(trainer.stepsDone()).isEqualTo(30);
            assertThatThrownBy(() -> trainer.train(task.trainingData(SyntheticIclTask.LossOn.QUERY), null))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("already run 30 steps");
        }
    }

    @Test
    void sameSeedSameLossesAndWeights() {
        List<float[]> a = new ArrayList<>();
        List<float[]> b = new ArrayList<>();
        double[] la;
        double[] lb;
        try (Trainer t = Trainer.create(tiny, task.tokenizerJson(), shortRun(6))) {
            la = t.train(task.trainingData(SyntheticIclTask.LossOn.ALL_LABELS), null).losses();
            weights(t.model(), a);
        }
        try (Trainer t = Trainer.create(tiny, task.tokenizerJson(), shortRun(6))) {
            lb = t.train(task.trainingData(SyntheticIclTask.LossOn.ALL_LABELS), null).losses();
            weights(t.model(), b);
        }
        assertThat(lb).containsExactly(la);
        assertThat(b).hasSameSizeAs(a);
        for (int i = 0; i < a.size(); i++) {
            assertThat(b.get(i)).as("parameter " + i).containsExactly(a.get(i));
        }
        try (Trainer t = Trainer.create(tiny, task.tokenizerJson(), shortRun(6).withSeed(8))) {
            assertThat(t.train(task.trainingData(SyntheticIclTask.LossOn.ALL_LABELS), null).losses()).isNotEqualTo(la);
        }
    }

    private static void weights(Model m, List<float[]> out) {
        try (PointerScope s = new PointerScope()) {
            for (Tensor p : m.transformer().weights().parameters()) {
                out.add(Tensors.toFloats(p));
            }
        }
    }

    @Test
    void checkpointsReloadWithIdenticalLogits(@TempDir Path dir) {
        List<Double> scores = new ArrayList<>();
        var episodes = task.balancedEpisodes(SyntheticIclTask.Split.HELD_OUT, 4, 1, 3);
        TokenBatch batch = TokenBatch.of(episodes.stream().map(SyntheticIclTask.Episode::ids).toList());
        TrainingConfig tc = shortRun(4).withEvalInterval(2);
        try (Trainer t = Trainer.create(tiny, task.tokenizerJson(), tc)) {
            TrainingResult r = t.train(task.trainingData(SyntheticIclTask.LossOn.ALL_LABELS), m -> {
                double s = task.evaluate(m, episodes).accuracy();
                scores.add(s);
                return s;
            }, p -> { }, dir);
            assertThat(r.evaluations()).extracting(TrainingProgress::step).containsExactly(2, 4);
            assertThat(scores).hasSize(2);
            assertThat(Files.exists(dir.resolve("last/model.safetensors"))).isTrue();
            assertThat(Files.exists(dir.resolve("best/config.json"))).isTrue();
            try (Model loaded = Model.load(dir.resolve("last")); PointerScope s = new PointerScope()) {
                Tensor expected = t.model().logits(batch, Hooks.none());
                Tensor actual = loaded.logits(batch, Hooks.none());
                assertThat(Tensors.maxAbsDiff(expected, actual)).isZero();
                assertThat(loaded.config()).isEqualTo(tiny);
                assertThat(loaded.tokenizer().singleTokenId(" foo")).isEqualTo(task.fooId());
            }
        }
    }

    @Test
    void resumeContinuesFromACheckpointsWeights(@TempDir Path dir) {
        var episodes = task.balancedEpisodes(SyntheticIclTask.Split.HELD_OUT, 4, 1, 3);
        TokenBatch batch = TokenBatch.of(episodes.stream().map(SyntheticIclTask.Episode::ids).toList());
        try (Trainer t = Trainer.create(tiny, task.tokenizerJson(), shortRun(5))) {
            t.train(task.trainingData(SyntheticIclTask.LossOn.ALL_LABELS), m -> 0.0, p -> { }, dir);
        }
        try (Trainer resumed = Trainer.resume(dir.resolve("last"), shortRun(5).withSeed(9));
                Model saved = Model.load(dir.resolve("last")); PointerScope s = new PointerScope()) {
            assertThat(resumed.model().config()).isEqualTo(tiny);
            // starts exactly where the checkpoint stopped
            assertThat(Tensors.maxAbsDiff(resumed.model().logits(batch, Hooks.none()),
                    saved.logits(batch, Hooks.none()))).isZero();
            TrainingResult r = resumed.train(task.trainingData(SyntheticIclTask.LossOn.ALL_LABELS), null);
            assertThat(r.losses()).hasSize(5);
            // and trains its own copy: the weights move, the checkpoint's do not
            assertThat(Tensors.maxAbsDiff(resumed.model().logits(batch, Hooks.none()),
                    saved.logits(batch, Hooks.none()))).isGreaterThan(1e-4);
            assertThat(resumed.model().tokenizer().singleTokenId(" foo")).isEqualTo(task.fooId());
        }
        assertThatThrownBy(() -> Trainer.resume(dir.resolve("nothing-here"), shortRun(2)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("nothing-here");
    }

    @Test
    void initialWeightsFollowTheConfiguredStandardDeviation() {
        try (PointerScope s = new PointerScope()) {
            float narrow = Tensors.toFloats(ModelInit.random(tiny, 1, 0.02).layers().get(0).wQ().std())[0];
            float wide = Tensors.toFloats(ModelInit.random(tiny, 1, 0.125).layers().get(0).wQ().std())[0];
            assertThat(narrow).isCloseTo(0.02f, org.assertj.core.data.Offset.offset(0.003f));
            assertThat(wide).isCloseTo(0.125f, org.assertj.core.data.Offset.offset(0.015f));
        }
        assertThatThrownBy(() -> shortRun(2).withInitStd(0))
                .hasMessage("initStd 0.0 out of range (0, 1]");
    }

    @Test
    void normScalesAreNotDecayed() {
        try (Trainer t = Trainer.create(tiny, task.tokenizerJson(), shortRun(2))) {
            assertThat(t.weightDecays()).containsExactly(0.1, 0.0);
        }
    }

    @Test
    void nativeMemoryStaysFlat() {
        try (Trainer t = Trainer.create(tiny, task.tokenizerJson(), shortRun(60))) {
            long[] rss = new long[2];
            t.train(task.trainingData(SyntheticIclTask.LossOn.ALL_LABELS), p -> {
                if (p.step() == 10) {
                    rss[0] = Pointer.physicalBytes();
                } else if (p.step() == 60) {
                    rss[1] = Pointer.physicalBytes();
                }
            });
            // each step makes tens of MB of activations and gradients: a leak would add over a GB in 50 steps
            assertThat(rss[1] - rss[0]).isLessThan(150L << 20);
        }
    }

    @Test
    void dataDependsOnlyOnSeedAndStep() {
        Random a = Trainer.dataRandom(5, 17);
        Random b = Trainer.dataRandom(5, 17);
        assertThat(a.nextLong()).isEqualTo(b.nextLong());
        assertThat(Trainer.dataRandom(5, 18).nextLong()).isNotEqualTo(Trainer.dataRandom(5, 17).nextLong());
    }
}
