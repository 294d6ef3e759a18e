package io.github.icl4j.examples;

import io.github.icl4j.Model;
import io.github.icl4j.model.ModelConfig;
import io.github.icl4j.train.SyntheticIclTask;
import io.github.icl4j.train.SyntheticIclTask.Episode;
import io.github.icl4j.train.SyntheticIclTask.Evaluation;
import io.github.icl4j.train.Trainer;
import io.github.icl4j.train.TrainingConfig;
import io.github.icl4j.train.TrainingProgress;
import io.github.icl4j.train.TrainingResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
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
 * {@code icl-examples/src/main/resources/io/github/icl4j/builtin/}.
 * <pre>
 * mvn -q -B install -DskipTests
 * mvn -q -B -pl icl-examples exec:java -Dexec.mainClass=io.github.icl4j.examples.TrainBuiltinModel \
 *     -Dexec.classpathScope=compile
 * </pre>
 * Arguments {@code key=value} (through {@code -Dexec.args="..."}) override the shipped recipe for experiments:
 * training {@code steps}, {@code batch}, {@code lr}, {@code warmup}, {@code minLr}, {@code wd}, {@code clip},
 * {@code evalEvery}, {@code seed}, {@code threads}, {@code initStd}, {@code lossOn} (QUERY, ALL_LABELS, INFORMED_LABELS, ALL_TOKENS),
 * {@code curriculum} (steps over which the shots grow), {@code fooBarSteps} (steps before the label vocabulary
 * and the extra classes start), {@code from} (a checkpoint folder to continue from instead of fresh weights); model {@code d}, {@code layers}, {@code heads},
 * {@code mlp}; task {@code classes}, {@code words}, {@code noise}, {@code length}, {@code labels} (training
 * label vocabulary), {@code episodeClasses} (most classes per training episode), {@code copy} (fraction of copied
 * queries), {@code shots} (e.g. {@code 1-4}); {@code out} (folder to write
 * to, e.g. {@code out=/tmp/try1}) and {@code card=false} (skip the behaviour checks). Overriding the model or
 * the task makes a model that {@link BuiltinModel#load()}'s callers would misread: only do it with {@code out}.
 * The same recipe and seed on the same machine and thread count reproduces the shipped weights bit for bit
 * (the card records the SHA-256).
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
     * What a run produced.
     *
     * @param out          the folder written
     * @param training     the training history
     * @param test         the best checkpoint on {@link #TEST_EPISODES} fresh held-out episodes (k = 2)
     * @param behaviour    the card's few-shot checks
     * @param modelBytes   size of model.safetensors
     * @param sha256       SHA-256 of model.safetensors
     */
    public record Result(Path out, TrainingResult training, Evaluation test, BuiltinModelCard.Behaviour behaviour,
            long modelBytes, String sha256) {
    }

    public static void main(String[] args) {
        Map<String, String> a = parse(args);
        Result r = run(a);
        System.out.printf(Locale.ROOT, "wrote %s: held-out accuracy %.3f (k=2, %d episodes), %d bytes, %.1f s%n",
                r.out(), r.test().accuracy(), r.test().episodes(), r.modelBytes(), r.training().wallMillis() / 1000.0);
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

    /** The recipe with overrides applied. */
    static TrainingConfig recipe(Map<String, String> a) {
        TrainingConfig t = BuiltinModel.TRAINING;
        t = t.withSteps(Integer.parseInt(a.getOrDefault("steps", String.valueOf(t.steps()))));
        t = t.withBatchSize(Integer.parseInt(a.getOrDefault("batch", String.valueOf(t.batchSize()))));
        t = t.withLearningRate(Double.parseDouble(a.getOrDefault("lr", String.valueOf(t.learningRate()))));
        t = t.withWarmupSteps(Integer.parseInt(a.getOrDefault("warmup", String.valueOf(t.warmupSteps()))));
        t = t.withMinLearningRate(Double.parseDouble(a.getOrDefault("minLr", String.valueOf(t.minLearningRate()))));
        t = t.withWeightDecay(Double.parseDouble(a.getOrDefault("wd", String.valueOf(t.weightDecay()))));
        t = t.withGradClipNorm(Double.parseDouble(a.getOrDefault("clip", String.valueOf(t.gradClipNorm()))));
        t = t.withEvalInterval(Integer.parseInt(a.getOrDefault("evalEvery", String.valueOf(t.evalInterval()))));
        t = t.withSeed(Long.parseLong(a.getOrDefault("seed", String.valueOf(t.seed()))));
        t = t.withThreads(Integer.parseInt(a.getOrDefault("threads", String.valueOf(t.threads()))));
        t = t.withInitStd(Double.parseDouble(a.getOrDefault("initStd", String.valueOf(t.initStd()))));
        return t;
    }

    /** Trains, evaluates, and writes the model and its card into {@code out} (default: the resources folder). */
    public static Result run(Map<String, String> a) {
        TrainingConfig tc = recipe(a);
        Path out = Path.of(a.getOrDefault("out", defaultOut().toString()));
        SyntheticIclTask.Options o = BuiltinModel.TASK_OPTIONS;
        o = o.withClasses(Integer.parseInt(a.getOrDefault("classes", String.valueOf(o.classes()))),
                Integer.parseInt(a.getOrDefault("words", String.valueOf(o.wordsPerClass()))));
        o = o.withNoise(Double.parseDouble(a.getOrDefault("noise", String.valueOf(o.noise()))));
        o = o.withSentenceLength(Integer.parseInt(a.getOrDefault("length", String.valueOf(o.sentenceLength()))));
        o = o.withLabelWords(Integer.parseInt(a.getOrDefault("labels", String.valueOf(o.labelWords()))));
        o = o.withClassesPerEpisode(Integer.parseInt(a.getOrDefault("episodeClasses",
                String.valueOf(o.classesPerEpisode()))));
        o = o.withQueryCopyFraction(Double.parseDouble(a.getOrDefault("copy", String.valueOf(o.queryCopyFraction()))));
        if (a.containsKey("shots")) {
            String[] mm = a.get("shots").split("-", 2);
            o = o.withShots(Integer.parseInt(mm[0]), Integer.parseInt(mm[mm.length - 1]));
        }
        try (SyntheticIclTask task = SyntheticIclTask.create(o)) {
            ModelConfig cfg = io.github.icl4j.train.ModelInit.llamaConfig(task.vocabSize(),
                    Integer.parseInt(a.getOrDefault("d", String.valueOf(BuiltinModel.D_MODEL))),
                    Integer.parseInt(a.getOrDefault("layers", String.valueOf(BuiltinModel.LAYERS))),
                    Integer.parseInt(a.getOrDefault("heads", String.valueOf(BuiltinModel.HEADS))),
                    Integer.parseInt(a.getOrDefault("mlp", String.valueOf(BuiltinModel.D_MLP))), BuiltinModel.MAX_POSITIONS);
            SyntheticIclTask.LossOn lossOn = SyntheticIclTask.LossOn.valueOf(a.getOrDefault("lossOn",
                    BuiltinModel.LOSS_ON.name()));
            List<Episode> validation = task.balancedEpisodes(SyntheticIclTask.Split.HELD_OUT, VALIDATION_EPISODES, 2,
                    BuiltinModel.VALIDATION_SEED);
            Path ckpt = Files.createTempDirectory("icl4j-builtin-train");
            List<double[]> curve = new ArrayList<>();
            double[] lossSum = new double[2];
            System.out.println("training " + cfg + " on " + task + "\n" + tc);
            TrainingResult tr;
            int fooBarSteps = Integer.parseInt(a.getOrDefault("fooBarSteps", "0"));
            int[] step = new int[1];
            double[] lastAccuracy = {Double.NaN};
            io.github.icl4j.train.TrainingData plain = task.trainingData(lossOn,
                    Integer.parseInt(a.getOrDefault("curriculum", "0")), fooBarSteps);
            io.github.icl4j.train.TrainingData data = (st, b, rng) -> {
                step[0] = st;
                return plain.batch(st, b, rng);
            };
            try (Trainer trainer = a.containsKey("from") ? Trainer.resume(Path.of(a.get("from")), tc)
                    : Trainer.create(cfg, task.tokenizerJson(), tc)) {
                if (!trainer.model().config().equals(cfg)) {
                    throw new IllegalArgumentException("from=" + a.get("from") + " holds " + trainer.model().config()
                            + ", not the model of this recipe " + cfg);
                }
                // checkpoints of the foo/bar-only phase never count as best: the model must be one trained on the
                // full task (their score is shifted below every later one; the curve keeps the real accuracy)
                tr = trainer.train(data, m -> {
                    lastAccuracy[0] = task.evaluate(m, validation).accuracy();
                    return step[0] < fooBarSteps ? lastAccuracy[0] - 1 : lastAccuracy[0];
                }, p -> {
                    lossSum[0] += p.loss();
                    lossSum[1]++;
                    if (p.evaluated()) {
                        curve.add(new double[] {p.step(), lossSum[0] / lossSum[1], p.learningRate(),
                            lastAccuracy[0], p.elapsedMillis() / 1000.0});
                        System.out.printf(Locale.ROOT, "step %d/%d loss %.4f lr %.2e validation accuracy %.3f%s "
                                + "%.1fs%n", p.step(), tc.steps(), lossSum[0] / lossSum[1], p.learningRate(),
                                lastAccuracy[0], step[0] < fooBarSteps ? " (foo/bar phase)" : "",
                                p.elapsedMillis() / 1000.0);
                        lossSum[0] = 0;
                        lossSum[1] = 0;
                    }
                }, ckpt);
            }
            Files.createDirectories(out);
            for (String f : BuiltinModel.FILES) {
                if (f.equals(SyntheticIclTask.OPTIONS_FILE)) {
                    // the task beside the weights: the main job rebuilds it from a --model folder
                    io.github.icl4j.runtime.AtomicFiles.writeString(out.resolve(f), o.toJson());
                } else {
                    Files.copy(ckpt.resolve("best").resolve(f), out.resolve(f), StandardCopyOption.REPLACE_EXISTING);
                }
            }
            Evaluation test;
            BuiltinModelCard.Behaviour behaviour;
            try (Model best = Model.load(out)) {
                test = task.evaluate(best, task.balancedEpisodes(SyntheticIclTask.Split.HELD_OUT, TEST_EPISODES, 2,
                        BuiltinModel.TEST_SEED));
                System.out.println("test: " + test);
                if (a.getOrDefault("card", "true").equals("false")) {
                    return new Result(out, tr, test, null, Files.size(out.resolve("model.safetensors")), "");
                }
                behaviour = BuiltinModelCard.measure(best, task, BEHAVIOUR_EPISODES, BuiltinModel.TEST_SEED + 1);
            }
            Path weights = out.resolve("model.safetensors");
            long bytes = Files.size(weights);
            String sha = sha256(weights);
            Result r = new Result(out, tr, test, behaviour, bytes, sha);
            Files.writeString(out.resolve("MODEL_CARD.md"), card(cfg, tc, task, lossOn, r, curve), StandardCharsets.UTF_8);
            System.out.println(behaviour.markdown());
            return r;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code icl-examples/src/main/resources/io/github/icl4j/builtin} from the repository root or the module. */
    static Path defaultOut() {
        Path rel = Path.of("src/main/resources/io/github/icl4j/builtin");
        Path cwd = Path.of("").toAbsolutePath();
        return Files.isDirectory(cwd.resolve("icl-examples")) ? cwd.resolve("icl-examples").resolve(rel) : cwd.resolve(rel);
    }

    static String sha256(Path f) throws IOException {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(f)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String card(ModelConfig cfg, TrainingConfig tc, SyntheticIclTask task,
            SyntheticIclTask.LossOn lossOn, Result r, List<double[]> curve) {
        SyntheticIclTask.Options o = task.options();
        StringBuilder sb = new StringBuilder();
        sb.append("# icl4j built-in model\n\n");
        sb.append("A small Llama-family transformer trained from scratch by `TrainBuiltinModel` on icl4j's synthetic "
                + "in-context classification task (`SyntheticIclTask`). Its only job is in-context learning: the "
                + "mapping of two latent word classes to the labels ` foo` and ` bar` is drawn at random in every "
                + "prompt, so it can only be read from the demonstrations. Evaluation uses class pairs that never "
                + "appear together in training.\n\n");
        sb.append("Prompt format (the library's): `Sentence: {text}\\nLabel: foo\\nSentence: {text}\\nLabel: bar\\n"
                + "...Sentence: {query}\\nLabel:`\n\n");
        sb.append("## Model\n\n");
        sb.append("| field | value |\n|---|---|\n");
        row(sb, "architecture", "`llama` (LlamaForCausalLM): RMSNorm, rotary (rotate-half, whole head), gated SiLU MLP, "
                + "no biases, untied embeddings");
        row(sb, "layers × heads × d_head", cfg.nLayers() + " × " + cfg.nHeads() + " × " + cfg.dHead());
        row(sb, "d_model / d_mlp", cfg.dModel() + " / " + cfg.dMlp());
        row(sb, "vocabulary", cfg.vocabSize() + " (word-level: `<unk>`, Sentence, Label, `:`, foo, bar, "
                + o.classes() * o.wordsPerClass() + " class words" + (o.labelWords() > 2 ? ", " + (o.labelWords() - 2)
                + " more label words" : "") + ")");
        row(sb, "context", String.valueOf(cfg.maxPositions()));
        row(sb, "parameters", String.format(Locale.ROOT, "%,d", parameterCount(cfg)));
        row(sb, "model.safetensors", String.format(Locale.ROOT, "%,d bytes (fp32), SHA-256 `%s`", r.modelBytes(),
                r.sha256()));
        sb.append("\n## Data (`SyntheticIclTask.Options`)\n\n| option | value |\n|---|---|\n");
        row(sb, "classes × words per class", o.classes() + " × " + o.wordsPerClass());
        row(sb, "sentence length", String.valueOf(o.sentenceLength()));
        row(sb, "noise (word from another class)", String.valueOf(o.noise()));
        row(sb, "shots per label (training)", o.minShots() + "–" + o.maxShots());
        row(sb, "imbalanced / grouped episodes", o.imbalancedFraction() + " / " + o.groupedFraction());
        row(sb, "class / word Zipf exponents", o.classZipf() + " / " + o.wordZipf());
        row(sb, "held-out pairs", task.pairs(SyntheticIclTask.Split.HELD_OUT).size() + " of "
                + (task.pairs(SyntheticIclTask.Split.HELD_OUT).size() + task.pairs(SyntheticIclTask.Split.TRAIN).size())
                + " (split seed " + o.splitSeed() + ")");
        row(sb, "label words (training)", o.labelWords() == 2 ? "foo, bar"
                : o.labelWords() + ": " + String.join(",", task.labelWords()).replace(" ", "") + " (evaluation: foo, bar)");
        row(sb, "classes per training episode", o.classesPerEpisode() == 2 ? "2"
                : "2–" + o.classesPerEpisode() + ", each with its own label word (evaluation: 2)");
        row(sb, "queries repeating a demonstration (training)", String.valueOf(o.queryCopyFraction()));
        row(sb, "loss on", switch (lossOn) {
            case QUERY -> "the query's answer only";
            case ALL_LABELS -> "every label token (each demonstration's and the query's answer)";
            case INFORMED_LABELS -> "every demonstration label but the first of its class (the others repeat an "
                    + "earlier demonstration's label), and the query's answer";
            case ALL_TOKENS -> "every token";
        });
        sb.append("\n## Training (`TrainingConfig`)\n\n| field | value |\n|---|---|\n");
        row(sb, "steps × batch", tc.steps() + " × " + tc.batchSize());
        row(sb, "optimizer", "AdamW (β 0.9, 0.95; ε 1e-8), weight decay " + tc.weightDecay()
                + " on matrices, none on norm scales");
        row(sb, "learning rate", tc.learningRate() + ", linear warm-up " + tc.warmupSteps() + " steps, cosine to "
                + tc.minLearningRate());
        row(sb, "gradient clipping", "global norm " + tc.gradClipNorm());
        row(sb, "initial weights", "N(0, " + tc.initStd() + "²), residual-writing projections N(0, (" + tc.initStd()
                + " / √(2 · layers))²), norm scales 1");
        row(sb, "seed", String.valueOf(tc.seed()));
        row(sb, "threads", String.valueOf(tc.threads()));
        row(sb, "checkpoint kept", "best validation accuracy (" + VALIDATION_EPISODES + " held-out episodes, seed "
                + BuiltinModel.VALIDATION_SEED + "): step " + r.training().bestStep());
        row(sb, "wall time", String.format(Locale.ROOT, "%.1f s (evaluations and checkpoints included)",
                r.training().wallMillis() / 1000.0));
        row(sb, "machine", machine());
        row(sb, "date", LocalDate.now().toString());
        sb.append("\nCommand:\n\n```\nmvn -q -B install -DskipTests\nmvn -q -B -pl icl-examples exec:java "
                + "-Dexec.mainClass=io.github.icl4j.examples.TrainBuiltinModel -Dexec.classpathScope=compile\n```\n\n");
        sb.append("### Training curve\n\n| step | mean training loss since last row | learning rate | validation "
                + "accuracy (held-out, k = 2) | elapsed (s) |\n|---|---|---|---|---|\n");
        for (double[] c : curve) {
            sb.append(String.format(Locale.ROOT, "| %d | %.4f | %.2e | %.3f | %.1f |%n", (int) c[0], c[1], c[2], c[3],
                    c[4]));
        }
        sb.append("\n## Result\n\n");
        sb.append(String.format(Locale.ROOT, "Held-out accuracy (fresh episodes, seed %d, %d episodes, k = 2 per label, "
                + "balanced, random order): **%.3f** (foo vs bar), %.3f (argmax over the whole vocabulary).%n%n",
                BuiltinModel.TEST_SEED, r.test().episodes(), r.test().accuracy(), r.test().fullVocabAccuracy()));
        sb.append("## Few-shot behaviour (held-out pairs, " + BEHAVIOUR_EPISODES + " episodes per condition, seed "
                + (BuiltinModel.TEST_SEED + 1) + ")\n\n");
        sb.append(r.behaviour().markdown());
        sb.append("\nMeasured by `BuiltinModelCard.measure(model, task, " + BEHAVIOUR_EPISODES + ", "
                + (BuiltinModel.TEST_SEED + 1) + ")`.\n");
        sb.append(notes(r.behaviour()));
        return sb.toString();
    }

    /** Plain-language reading of the behaviour numbers (signs, not thresholds). */
    static String notes(BuiltinModelCard.Behaviour b) {
        StringBuilder sb = new StringBuilder("\n## Reading the numbers\n\n");
        double k1 = b.shotAccuracy(1);
        double k4 = b.shotAccuracy(4);
        sb.append(String.format(Locale.ROOT, "- Shots: accuracy %s from k = 1 (%.3f) to k = 4 (%.3f).%n",
                k4 > k1 + 0.01 ? "rises" : k4 < k1 - 0.01 ? "falls" : "stays flat", k1, k4));
        sb.append(String.format(Locale.ROOT, "- Flipping foo and bar in the demonstrations flips %.1f%% of the "
                + "predictions: the answer comes from the context, not from the sentence alone.%n", 100 * b.flipRate()));
        double fooMajority = b.majority().get(0).all().fooRate();
        double fooMinority = b.majority().get(2).all().fooRate();
        sb.append(String.format(Locale.ROOT, "- Label counts: the model predicts foo %.1f%% of the time with 3 foo + 1 "
                + "bar and %.1f%% with 1 foo + 3 bar, so it leans towards the %s label.%n", 100 * fooMajority,
                100 * fooMinority, fooMajority > fooMinority ? "majority" : "minority"));
        double barLast = b.recency().get(0).all().fooRate();
        double fooLast = b.recency().get(1).all().fooRate();
        double barLast4 = b.recency().get(3).all().fooRate();
        double fooLast4 = b.recency().get(4).all().fooRate();
        sb.append(String.format(Locale.ROOT, "- Order: grouped 2 + 2, foo is predicted %.1f%% with foo last and %.1f%% "
                + "with bar last (%s); grouped 4 + 4, %.1f%% and %.1f%% (%s).%n", 100 * fooLast, 100 * barLast,
                fooLast > barLast ? "recency" : "primacy", 100 * fooLast4, 100 * barLast4,
                fooLast4 > barLast4 ? "recency" : "primacy"));
        sb.append("- The curve shows the usual plateau of in-context learning at chance, then a sharp rise. On this task "
                + "and budget the escape from the plateau is fragile: with 8 words per class and 10% noise, or with "
                + "other seeds and sizes, runs of 2,000–3,000 steps stayed at chance or stopped near 0.77. Four words "
                + "per class and 5% noise escape after about 600 steps.\n");
        return sb.toString();
    }

    private static void row(StringBuilder sb, String k, String v) {
        sb.append("| ").append(k).append(" | ").append(v).append(" |\n");
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
}
