package io.github.icl4j.examples;

import io.github.icl4j.LoadOptions;
import io.github.icl4j.Model;
import io.github.icl4j.model.ModelConfig;
import io.github.icl4j.train.ModelInit;
import io.github.icl4j.train.SyntheticIclTask;
import io.github.icl4j.train.TrainingConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/**
 * The built-in model: a small Llama-family transformer (rotary, RMSNorm, gated SiLU MLP) trained from scratch
 * by {@link TrainBuiltinModel} on the {@link SyntheticIclTask}, shipped in this jar under
 * {@code io/github/icl4j/builtin/} (see {@code MODEL_CARD.md} there). It needs no download, so every example
 * and test can find in-context heads in a real, trained model.
 * <pre>{@code
 * try (Model model = BuiltinModel.load(); SyntheticIclTask task = BuiltinModel.task()) {
 *     var heldOut = task.balancedEpisodes(SyntheticIclTask.Split.HELD_OUT, 200, 2, 42);
 *     System.out.println(task.evaluate(model, heldOut));   // accuracy ≈ 0.9+
 * }
 * }</pre>
 */
public final class BuiltinModel {
    /** Class-path folder of the shipped files. */
    public static final String RESOURCE_DIR = "/io/github/icl4j/builtin/";
    /** The shipped files. */
    public static final List<String> FILES = List.of("config.json", "model.safetensors", "tokenizer.json",
            SyntheticIclTask.OPTIONS_FILE);

    /**
     * The first stage's task: two classes per episode, one written foo and one bar, 32 classes × 4 words, 5% noise,
     * 1–4 shots per label.
     */
    public static final SyntheticIclTask.Options STAGE1_TASK = SyntheticIclTask.Options.defaults()
            .withClasses(32, 4).withNoise(0.05);

    /**
     * The task of the last stage, which {@link #task()} rebuilds and {@code synthetic_task.json} records: up to four
     * classes per episode with the two label words, so a label covers up to two classes and "the label of the
     * demonstrations that do not match" is no answer; 1–3 shots per class. Its held-out pairs were never seen in
     * training, and evaluation episodes have two classes.
     */
    public static final SyntheticIclTask.Options TASK_OPTIONS = STAGE1_TASK.withClassesPerEpisode(4).withShots(1, 3);

    /** Hidden size. */
    public static final int D_MODEL = 64;
    /** Blocks. */
    public static final int LAYERS = 2;
    /** Attention heads per block. */
    public static final int HEADS = 4;
    /** MLP hidden width. */
    public static final int D_MLP = 192;
    /** Context length. */
    public static final int MAX_POSITIONS = 256;

    /**
     * The training recipe: (1) 3,000 steps on two-class foo/bar episodes from fresh weights, loss on every label
     * (matching is learnt fast there, with any mechanism that tells the two classes apart); (2) 4,000 steps from
     * that checkpoint on episodes of two to four classes, loss on every label but the first of its class, at a
     * lower learning rate.
     */
    public static final List<TrainBuiltinModel.Stage> RECIPE = List.of(
            new TrainBuiltinModel.Stage("two classes, foo and bar", STAGE1_TASK, SyntheticIclTask.LossOn.ALL_LABELS,
                    new TrainingConfig(3000, 32, 3e-3, 100, 1e-4, 0.1, 1.0, 100, 1L, 1, 0.02)),
            new TrainBuiltinModel.Stage("two to four classes, a label covering up to two", TASK_OPTIONS,
                    SyntheticIclTask.LossOn.INFORMED_LABELS,
                    new TrainingConfig(4000, 32, 1e-3, 100, 1e-4, 0.1, 1.0, 100, 1L, 1, 0.02)));

    /** Held-out accuracy recorded in MODEL_CARD.md (k = 2, {@link #TEST_SEED}); the tests check the jar against it. */
    public static final double HELD_OUT_ACCURACY = 0.929;

    /** Seed of the held-out episodes evaluated during training (to pick the best checkpoint). */
    public static final long VALIDATION_SEED = 1001;
    /** Seed of the held-out episodes the card's final accuracy is measured on (never used during training). */
    public static final long TEST_SEED = 2002;

    private BuiltinModel() {
    }

    /** The architecture for a vocabulary of {@code vocabSize}. */
    public static ModelConfig modelConfig(int vocabSize) {
        return ModelInit.llamaConfig(vocabSize, D_MODEL, LAYERS, HEADS, D_MLP, MAX_POSITIONS);
    }

    /**
     * Loads the shipped model (copied from the class path to a temporary folder, then {@link Model#load}).
     *
     * @throws IllegalStateException when the jar holds no built-in model (run {@link TrainBuiltinModel})
     */
    public static Model load() {
        return load(LoadOptions.defaults());
    }

    /**
     * Loads the shipped model on a device and in a precision of choice (see {@link #load()}). One thread is
     * fastest for this tiny model: {@code -Dicl4j.threads=1} (the examples' {@code exec:java} runs set it).
     *
     * @throws IllegalStateException    when the jar holds no built-in model (run {@link TrainBuiltinModel})
     * @throws IllegalArgumentException for a CUDA device without CUDA natives
     */
    public static Model load(LoadOptions options) {
        try {
            Path dir = Files.createTempDirectory("icl4j-builtin");
            for (String f : FILES) {
                try (InputStream in = BuiltinModel.class.getResourceAsStream(RESOURCE_DIR + f)) {
                    if (in == null) {
                        throw new IllegalStateException("built-in model file " + RESOURCE_DIR + f + " is not on the "
                                + "class path; train it with TrainBuiltinModel");
                    }
                    Path target = dir.resolve(f);
                    Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
                    target.toFile().deleteOnExit();
                }
            }
            dir.toFile().deleteOnExit();
            return Model.load(dir, options);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot copy the built-in model to a temporary folder", e);
        }
    }

    /** True when the jar holds the built-in model's files. */
    public static boolean isAvailable() {
        return FILES.stream().allMatch(f -> BuiltinModel.class.getResource(RESOURCE_DIR + f) != null);
    }

    /** The task the model was trained on, with the same options (close it). */
    public static SyntheticIclTask task() {
        return SyntheticIclTask.create(TASK_OPTIONS);
    }
}
