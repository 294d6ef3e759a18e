package io.github.icl4j.examples.builtin;

import io.github.icl4j.Model;
import io.github.icl4j.model.ModelConfig;
import io.github.icl4j.runtime.AtomicFiles;
import io.github.icl4j.train.ModelInit;
import io.github.icl4j.train.SyntheticIclTask;
import io.github.icl4j.train.SyntheticTaskOptions;
import io.github.icl4j.train.SyntheticIclTask.Episode;
import io.github.icl4j.train.SyntheticIclTask.Evaluation;
import io.github.icl4j.train.Trainer;
import io.github.icl4j.train.TrainingConfig;
import io.github.icl4j.train.TrainingResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Trains the {@link BuiltinModel} from scratch on the CPU and writes it, with its model card, into
 * {@code icl-core/src/main/resources/io/github/icl4j/builtin/} (shipped in the icl-core jar).
 * <pre>
 * mvn -q -B install -DskipTests
 * mvn -q -B -pl icl-examples exec:java -Dexec.mainClass=io.github.icl4j.examples.builtin.TrainBuiltinModel \
 *     -Dexec.classpathScope=compile
 * </pre>
 * The recipe ({@link BuiltinModel#RECIPE}) is a list of {@link Stage}s: the first trains fresh weights, each later
 * one continues from the best checkpoint of the one before ({@link Trainer#resume}); every stage keeps the
 * checkpoint with the best validation accuracy on held-out class pairs.
 *
 * <p>Arguments {@code key=value} (through {@code -Dexec.args="..."}) override the shipped recipe for experiments.
 * Unprefixed keys change the first stage, keys prefixed {@code stage2.} the second (and so on):
 * training {@code steps}, {@code batch}, {@code lr}, {@code warmup}, {@code minLr}, {@code wd}, {@code clip},
 * {@code evalEvery}, {@code seed}, {@code threads}, {@code initStd}, {@code lossOn} (QUERY, ALL_LABELS,
 * INFORMED_LABELS, ALL_TOKENS); task {@code noise}, {@code labels} (training label vocabulary),
 * {@code episodeClasses} (most classes per training episode), {@code copy} (fraction of copied queries),
 * {@code shots} (e.g. {@code 1-4}). For the whole run: {@code stages} (how many of the recipe's stages to run),
 * model {@code d}, {@code layers}, {@code heads}, {@code mlp}; vocabulary {@code classes}, {@code words},
 * {@code length}, {@code fused} ({@code true}: {@code "Sentence:"} and {@code "Label:"} are one token each,
 * {@link SyntheticTaskOptions#fusedTemplate()}); {@code from} (a checkpoint folder the first stage continues from instead of fresh weights),
 * {@code out} (folder to write to, e.g. {@code out=/tmp/try1}) and {@code card=false} (skip the behaviour
 * checks). Overriding the model or the task makes a model that {@link BuiltinModel#load()}'s callers would
 * misread: only do it with {@code out}. The same recipe and seeds on the same machine and thread count reproduce
 * the shipped weights bit for bit (the card records the SHA-256).
 */
public final class TrainBuiltinModel {
    /** Held-out episodes scored at each evaluation during training (to pick the best checkpoint). */
    public static final int VALIDATION_EPISODES = 256;
    /** Held-out episodes of the final accuracy. */
    public static final int TEST_EPISODES = 1000;
    /** Held-out episodes per condition of the behaviour checks. */
    public static final int BEHAVIOUR_EPISODES = 500;

    private TrainBuiltinModel() {
    }

    /**
     * One stage of a recipe. Every stage of one recipe must share the vocabulary (classes, words per class, label
     * words), so that the weights carry over.
     *
     * @param name     what the stage does, in a few words
     * @param task     the data of the stage
     * @param lossOn   which tokens the loss is taken on
     * @param training the optimizer schedule (its seed drives the initial weights of a first stage and the data)
     */
    public record Stage(String name, SyntheticTaskOptions task, SyntheticIclTask.LossOn lossOn,
            TrainingConfig training) {
    }

    /**
     * What one stage did.
     *
     * @param stage    the stage as run (overrides applied)
     * @param training its training history
     * @param curve    one row per evaluation: step, mean training loss since the row before, learning rate,
     *                 validation accuracy, elapsed seconds
     */
    public record StageResult(Stage stage, TrainingResult training, List<double[]> curve) {
        /** Copies the curve. */
        public StageResult {
            curve = List.copyOf(curve);
        }
    }

    /**
     * What a run produced.
     *
     * @param out        the folder written
     * @param model      the architecture
     * @param stages     each stage's history
     * @param test       the final model on {@link #TEST_EPISODES} fresh held-out episodes (k = 2)
     * @param behaviour  the card's few-shot checks (null with {@code card=false})
     * @param modelBytes size of model.safetensors
     * @param sha256     SHA-256 of model.safetensors (empty with {@code card=false})
     */
    public record Result(Path out, ModelConfig model, List<StageResult> stages, Evaluation test,
            BuiltinModelCard.Behaviour behaviour, long modelBytes, String sha256) {
        /** Copies the list. */
        public Result {
            stages = List.copyOf(stages);
        }

        /** Wall time of all stages, evaluations and checkpoints included. */
        public double wallSeconds() {
            return stages.stream().mapToLong(s -> s.training().wallMillis()).sum() / 1000.0;
        }
    }

    public static void main(String[] args) {
        Map<String, String> a = parse(args);
        Result r = run(a);
        System.out.printf(Locale.ROOT, "wrote %s: held-out accuracy %.3f (k=2, %d episodes), %d bytes, %.1f s%n",
                r.out(), r.test().accuracy(), r.test().episodes(), r.modelBytes(), r.wallSeconds());
    }

    static Map<String, String> parse(String[] args) {
        Map<String, String> a = new LinkedHashMap<>();
        for (String s : args) {
            int eq = s.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("argument '" + s + "' is not key=value");
            }
            a.put(s.substring(0, eq), s.substring(eq + 1));
        }
        return a;
    }

    /**
     * The recipe's stages with overrides applied (see the class comment).
     *
     * @throws IllegalArgumentException for a stage count outside [1, stages of the recipe] or a bad value
     */
    static List<Stage> stages(Map<String, String> a) {
        return stages(a, BuiltinModel.RECIPE);
    }

    /** {@code recipe}'s stages with overrides applied. */
    static List<Stage> stages(Map<String, String> a, List<Stage> recipe) {
        int n = Integer.parseInt(a.getOrDefault("stages", String.valueOf(recipe.size())));
        if (n < 1 || n > recipe.size()) {
            throw new IllegalArgumentException("stages " + n + " out of range [1, " + recipe.size() + "]");
        }
        List<Stage> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String p = i == 0 ? "" : "stage" + (i + 1) + ".";
            Stage s = recipe.get(i);
            out.add(new Stage(s.name(), taskOptions(s.task(), a, p),
                    SyntheticIclTask.LossOn.valueOf(a.getOrDefault(p + "lossOn", s.lossOn().name())),
                    training(s.training(), a, p)));
        }
        return out;
    }

    /** {@code base} with the training overrides of one stage (keys with prefix {@code p}). */
    static TrainingConfig training(TrainingConfig base, Map<String, String> a, String p) {
        TrainingConfig t = base;
        t = t.withSteps(Integer.parseInt(a.getOrDefault(p + "steps", String.valueOf(t.steps()))));
        t = t.withBatchSize(Integer.parseInt(a.getOrDefault(p + "batch", String.valueOf(t.batchSize()))));
        t = t.withLearningRate(Double.parseDouble(a.getOrDefault(p + "lr", String.valueOf(t.learningRate()))));
        t = t.withWarmupSteps(Integer.parseInt(a.getOrDefault(p + "warmup", String.valueOf(t.warmupSteps()))));
        t = t.withMinLearningRate(Double.parseDouble(a.getOrDefault(p + "minLr",
                String.valueOf(t.minLearningRate()))));
        t = t.withWeightDecay(Double.parseDouble(a.getOrDefault(p + "wd", String.valueOf(t.weightDecay()))));
        t = t.withGradClipNorm(Double.parseDouble(a.getOrDefault(p + "clip", String.valueOf(t.gradClipNorm()))));
        t = t.withEvalInterval(Integer.parseInt(a.getOrDefault(p + "evalEvery", String.valueOf(t.evalInterval()))));
        t = t.withSeed(Long.parseLong(a.getOrDefault(p + "seed", String.valueOf(t.seed()))));
        t = t.withThreads(Integer.parseInt(a.getOrDefault(p + "threads", String.valueOf(t.threads()))));
        t = t.withInitStd(Double.parseDouble(a.getOrDefault(p + "initStd", String.valueOf(t.initStd()))));
        return t;
    }

    /** {@code base} with the run's vocabulary overrides and one stage's data overrides (prefix {@code p}). */
    static SyntheticTaskOptions taskOptions(SyntheticTaskOptions base, Map<String, String> a, String p) {
        SyntheticTaskOptions o = base;
        o = o.withClasses(Integer.parseInt(a.getOrDefault("classes", String.valueOf(o.classes()))),
                Integer.parseInt(a.getOrDefault("words", String.valueOf(o.wordsPerClass()))));
        o = o.withSentenceLength(Integer.parseInt(a.getOrDefault("length", String.valueOf(o.sentenceLength()))));
        String fused = a.getOrDefault("fused", String.valueOf(o.fusedTemplate()));
        if (!fused.equals("true") && !fused.equals("false")) {
            throw new IllegalArgumentException("fused " + fused + " must be true or false");
        }
        o = o.withFusedTemplate(Boolean.parseBoolean(fused));
        o = o.withNoise(Double.parseDouble(a.getOrDefault(p + "noise", String.valueOf(o.noise()))));
        o = o.withLabelWords(Integer.parseInt(a.getOrDefault(p + "labels", String.valueOf(o.labelWords()))));
        o = o.withClassesPerEpisode(Integer.parseInt(a.getOrDefault(p + "episodeClasses",
                String.valueOf(o.classesPerEpisode()))));
        o = o.withQueryCopyFraction(Double.parseDouble(a.getOrDefault(p + "copy",
                String.valueOf(o.queryCopyFraction()))));
        if (a.containsKey(p + "shots")) {
            String[] mm = a.get(p + "shots").split("-", 2);
            o = o.withShots(Integer.parseInt(mm[0]), Integer.parseInt(mm[mm.length - 1]));
        }
        return o;
    }

    /** The architecture with the run's overrides for a vocabulary of {@code vocab}. */
    static ModelConfig modelConfig(Map<String, String> a, int vocab) {
        return ModelInit.llamaConfig(vocab,
                Integer.parseInt(a.getOrDefault("d", String.valueOf(BuiltinModel.D_MODEL))),
                Integer.parseInt(a.getOrDefault("layers", String.valueOf(BuiltinModel.LAYERS))),
                Integer.parseInt(a.getOrDefault("heads", String.valueOf(BuiltinModel.HEADS))),
                Integer.parseInt(a.getOrDefault("mlp", String.valueOf(BuiltinModel.D_MLP))), BuiltinModel.MAX_POSITIONS);
    }

    /** Trains every stage, evaluates, and writes the model and its card into {@code out} (default: resources). */
    public static Result run(Map<String, String> a) {
        List<Stage> stages = stages(a);
        Path out = Path.of(a.getOrDefault("out", defaultOut().toString()));
        Stage last = stages.get(stages.size() - 1);
        try (SyntheticIclTask finalTask = SyntheticIclTask.create(last.task())) {
            ModelConfig cfg = modelConfig(a, finalTask.vocabSize());
            List<StageResult> done = new ArrayList<>();
            Path previous = a.containsKey("from") ? Path.of(a.get("from")) : null;
            for (int i = 0; i < stages.size(); i++) {
                Stage s = stages.get(i);
                try (SyntheticIclTask task = SyntheticIclTask.create(s.task())) {
                    if (!task.tokenizerJson().equals(finalTask.tokenizerJson())) {
                        throw new IllegalArgumentException("stage " + (i + 1) + " (" + s.name() + ") has another "
                                + "vocabulary than the last stage: every stage must share classes, words and label "
                                + "words");
                    }
                    Path ckpt = Files.createTempDirectory("icl4j-builtin-stage" + (i + 1));
                    done.add(trainStage(i + 1, s, task, cfg, previous, ckpt));
                    previous = ckpt.resolve("best");
                }
            }
            Files.createDirectories(out);
            for (String f : BuiltinModel.FILES) {
                if (f.equals(SyntheticIclTask.OPTIONS_FILE)) {
                    // the task beside the weights: the main job rebuilds it from a --model folder
                    AtomicFiles.writeString(out.resolve(f), last.task().toJson());
                } else {
                    Files.copy(previous.resolve(f), out.resolve(f), StandardCopyOption.REPLACE_EXISTING);
                }
            }
            Evaluation test;
            BuiltinModelCard.Behaviour behaviour;
            try (Model best = Model.load(out)) {
                test = finalTask.evaluate(best, finalTask.balancedEpisodes(SyntheticIclTask.Split.HELD_OUT,
                        TEST_EPISODES, 2, BuiltinModel.TEST_SEED));
                System.out.println("test: " + test);
                if (a.getOrDefault("card", "true").equals("false")) {
                    return new Result(out, cfg, done, test, null, Files.size(out.resolve("model.safetensors")), "");
                }
                behaviour = BuiltinModelCard.measure(best, finalTask, BEHAVIOUR_EPISODES, BuiltinModel.TEST_SEED + 1);
            }
            Path weights = out.resolve("model.safetensors");
            Result r = new Result(out, cfg, done, test, behaviour, Files.size(weights), sha256(weights));
            AtomicFiles.writeString(out.resolve("MODEL_CARD.md"), ModelCardText.card(finalTask, r));
            System.out.println(ModelCardText.behaviour(behaviour));
            return r;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Trains one stage from fresh weights ({@code from} null) or a checkpoint, keeping the best in {@code ckpt}. */
    private static StageResult trainStage(int number, Stage s, SyntheticIclTask task, ModelConfig cfg, Path from,
            Path ckpt) {
        TrainingConfig tc = s.training();
        List<Episode> validation = task.balancedEpisodes(SyntheticIclTask.Split.HELD_OUT, VALIDATION_EPISODES, 2,
                BuiltinModel.VALIDATION_SEED);
        List<double[]> curve = new ArrayList<>();
        double[] lossSum = new double[2];
        double[] lastAccuracy = {Double.NaN};
        System.out.println("stage " + number + " (" + s.name() + "): " + (from == null ? "fresh " : "from " + from + ", ")
                + cfg + " on " + task + ", loss on " + s.lossOn() + "\n" + tc);
        try (Trainer trainer = from == null ? Trainer.create(cfg, task.tokenizerJson(), tc) : Trainer.resume(from, tc)) {
            if (!trainer.model().config().equals(cfg)) {
                throw new IllegalArgumentException(from + " holds " + trainer.model().config() + ", not the model of "
                        + "this recipe " + cfg);
            }
            TrainingResult tr = trainer.train(task.trainingData(s.lossOn()), m -> {
                lastAccuracy[0] = task.evaluate(m, validation).accuracy();
                return lastAccuracy[0];
            }, p -> {
                lossSum[0] += p.loss();
                lossSum[1]++;
                if (p.evaluated()) {
                    curve.add(new double[] {p.step(), lossSum[0] / lossSum[1], p.learningRate(), lastAccuracy[0],
                        p.elapsedMillis() / 1000.0});
                    System.out.printf(Locale.ROOT, "stage %d step %d/%d loss %.4f lr %.2e validation accuracy %.3f "
                            + "%.1fs%n", number, p.step(), tc.steps(), lossSum[0] / lossSum[1], p.learningRate(),
                            lastAccuracy[0], p.elapsedMillis() / 1000.0);
                    lossSum[0] = 0;
                    lossSum[1] = 0;
                }
            }, ckpt);
            return new StageResult(s, tr, curve);
        }
    }

    /**
     * {@code icl-core/src/main/resources/io/github/icl4j/builtin} (the model ships in the icl-core jar) from the
     * repository root or a module folder.
     */
    static Path defaultOut() {
        Path rel = Path.of("icl-core/src/main/resources/io/github/icl4j/builtin");
        Path cwd = Path.of("").toAbsolutePath();
        return Files.isDirectory(cwd.resolve("icl-core")) ? cwd.resolve(rel) : cwd.resolveSibling("icl-core")
                .resolve(rel.subpath(1, rel.getNameCount()));
    }

    static String sha256(Path f) throws IOException {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(f)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static long parameterCount(ModelConfig c) {
        long d = c.dModel();
        long perLayer = 2 * d + 4 * d * (long) c.nHeads() * c.dHead() + 3 * d * c.dMlp();
        return 2L * c.vocabSize() * d + c.nLayers() * perLayer + d;
    }

    static String machine() {
        String cpu = "unknown CPU";
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    cpu = line.substring(line.indexOf(':') + 1).trim();
                    break;
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux: keep the generic name
        }
        return cpu + ", " + Runtime.getRuntime().availableProcessors() + " cores visible, " + System.getProperty("os.name")
                + " " + System.getProperty("os.arch") + ", Java " + System.getProperty("java.version");
    }

    /** Today's date, for the card. */
    static String today() {
        return LocalDate.now().toString();
    }
}
