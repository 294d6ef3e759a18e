package io.github.icl4j.examples.builtin;

import io.github.icl4j.LoadOptions;
import io.github.icl4j.Model;
import io.github.icl4j.model.ModelConfig;
import io.github.icl4j.train.ModelInit;
import io.github.icl4j.train.SyntheticIclTask;
import io.github.icl4j.train.SyntheticTaskOptions;
import io.github.icl4j.train.TrainingConfigBuilder;
import java.util.List;

/**
 * The built-in model: a small Llama-family transformer (rotary, RMSNorm, gated SiLU MLP) trained from scratch
 * by {@link TrainBuiltinModel} on the {@link SyntheticIclTask}, shipped in the icl-core jar under
 * {@code io/github/icl4j/builtin/} (see {@code MODEL_CARD.md} there) and loaded by {@link Model#builtin()}. This
 * class keeps the training recipe and the constants the examples and the card refer to; it needs no download, so
 * every example and test can find in-context heads in a real, trained model.
 * <pre>{@code
 * try (Model model = BuiltinModel.load(); SyntheticIclTask task = BuiltinModel.task()) {
 *     var heldOut = task.balancedEpisodes(SyntheticIclTask.Split.HELD_OUT, 200, 2, 42);
 *     System.out.println(task.evaluate(model, heldOut));   // accuracy ≈ 0.9+
 * }
 * }</pre>
 */
public final class BuiltinModel {
    /** Class-path folder of the shipped files (in the icl-core jar). */
    public static final String RESOURCE_DIR = Model.BUILTIN_RESOURCES;
    /** The shipped files. */
    public static final List<String> FILES = List.of("config.json", "model.safetensors", "tokenizer.json",
            SyntheticIclTask.OPTIONS_FILE);

    /**
     * The task the model is trained on, which {@link #task()} rebuilds and {@code synthetic_task.json} records: 32
     * classes × 4 words, sentences of 6 words with 5% noise, 1–4 shots per class; training episodes have two to four
     * classes, each written with its own word of an 8-word label vocabulary (foo, bar and six made-up words), so
     * "the label of the demonstrations that do not match" is no answer and the label must be copied from the
     * matching demonstrations; half the training queries repeat a demonstration word for word; the template is fused
     * ({@code Sentence:} and {@code Label:} one token each). Its held-out pairs were never seen in training, and
     * evaluation episodes have two classes written foo and bar.
     */
    public static final SyntheticTaskOptions TASK_OPTIONS = SyntheticTaskOptions.defaults()
            .withClasses(32, 4).withNoise(0.05).withLabelWords(8).withClassesPerEpisode(4).withQueryCopyFraction(0.5)
            .withFusedTemplate(true);

    /** Hidden size. */
    public static final int D_MODEL = 64;
    /** Blocks. */
    public static final int LAYERS = 3;
    /** Attention heads per block. */
    public static final int HEADS = 8;
    /**
     * MLP hidden width: 1, so the model is attention-only in effect. With a full MLP (192) the same recipe stayed
     * at chance for 3,700 steps, and 3-layer models with MLPs decoded their matching head's output in the last MLP
     * instead of writing the label word (docs/builtin-model-experiments.md).
     */
    public static final int D_MLP = 1;
    /** Context length. */
    public static final int MAX_POSITIONS = 256;

    /**
     * The training recipe: one stage of 6,000 steps from fresh weights, language-model loss on every token of the
     * episode (the sentence words teach which words belong together; the labels, which demonstration to copy).
     */
    public static final List<TrainBuiltinModel.Stage> RECIPE = List.of(
            new TrainBuiltinModel.Stage("two to four classes, eight label words, every token", TASK_OPTIONS,
                    SyntheticIclTask.LossOn.ALL_TOKENS,
                    TrainingConfigBuilder.builder().steps(6000).batchSize(32).learningRate(3e-3).warmupSteps(100)
                            .minLearningRate(1e-4).weightDecay(0.1).gradClipNorm(1.0).evalInterval(100).seed(1L)
                            .threads(1).initStd(0.02).build()));

    /** Held-out accuracy recorded in MODEL_CARD.md (k = 2, {@link #TEST_SEED}); the tests check the jar against it. */
    public static final double HELD_OUT_ACCURACY = 0.937;

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
     * Loads the shipped model: {@link Model#builtin()}.
     *
     * @throws IllegalStateException when icl-core's jar holds no built-in model (run {@link TrainBuiltinModel})
     */
    public static Model load() {
        return Model.builtin();
    }

    /**
     * Loads the shipped model on a device and in a precision of choice: {@link Model#builtin(LoadOptions)}. One
     * thread is fastest for this tiny model: {@code -Dicl4j.threads=1} (the examples' {@code exec:java} runs set it).
     *
     * @throws IllegalStateException    when icl-core's jar holds no built-in model (run {@link TrainBuiltinModel})
     * @throws IllegalArgumentException for a CUDA device without CUDA natives
     */
    public static Model load(LoadOptions options) {
        return Model.builtin(options);
    }

    /** True when icl-core's jar holds the built-in model's files: {@link Model#builtinAvailable()}. */
    public static boolean isAvailable() {
        return Model.builtinAvailable();
    }

    /** The task the model was trained on, with the same options (close it). */
    public static SyntheticIclTask task() {
        return SyntheticIclTask.create(TASK_OPTIONS);
    }
}
