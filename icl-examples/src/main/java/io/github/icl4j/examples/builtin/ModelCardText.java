package io.github.icl4j.examples.builtin;

import io.github.icl4j.model.ModelConfig;
import io.github.icl4j.train.SyntheticIclTask;
import io.github.icl4j.train.SyntheticTaskOptions;
import io.github.icl4j.train.TrainingConfig;
import java.util.List;
import java.util.Locale;

/**
 * The text of the built-in model's {@code MODEL_CARD.md}: the architecture, every training stage with its data,
 * loss, schedule and curve, the held-out accuracy and the few-shot behaviour, read out in plain language.
 */
final class ModelCardText {
    private ModelCardText() {
    }

    /** The card of a finished run; {@code task} is the last stage's task (its vocabulary and split). */
    static String card(SyntheticIclTask task, TrainBuiltinModel.Result r) {
        ModelConfig cfg = r.model();
        SyntheticTaskOptions o = task.options();
        StringBuilder sb = new StringBuilder();
        sb.append("# icl4j built-in model\n\n");
        sb.append("A small Llama-family transformer trained from scratch by `TrainBuiltinModel` on icl4j's synthetic "
                + "in-context classification task (`SyntheticIclTask`). Its only job is in-context learning: which "
                + "latent word class is written ` foo` and which ` bar` is drawn at random in every prompt, so it can "
                + "only be read from the demonstrations. Evaluation uses class pairs that never appear together in "
                + "training.\n\n");
        sb.append("Prompt format (the library's): `Sentence: {text}\\nLabel: foo\\nSentence: {text}\\nLabel: bar\\n"
                + "...Sentence: {query}\\nLabel:`\n\n");
        sb.append("## Model\n\n| field | value |\n|---|---|\n");
        row(sb, "architecture", "`llama` (LlamaForCausalLM): RMSNorm, rotary (rotate-half, whole head), gated SiLU "
                + "MLP, no biases, untied embeddings");
        row(sb, "layers × heads × d_head", cfg.nLayers() + " × " + cfg.nHeads() + " × " + cfg.dHead());
        row(sb, "d_model / d_mlp", cfg.dModel() + " / " + cfg.dMlp());
        row(sb, "vocabulary", cfg.vocabSize() + " (word-level: `<unk>`, " + (o.fusedTemplate()
                ? "`Sentence:`, `Label:` (split at whitespace only)" : "Sentence, Label, `:`") + ", foo, bar, "
                + o.classes() * o.wordsPerClass() + " class words" + (o.labelWords() > 2 ? ", " + (o.labelWords() - 2)
                + " more label words" : "") + ")");
        row(sb, "context", String.valueOf(cfg.maxPositions()));
        row(sb, "parameters", String.format(Locale.ROOT, "%,d", TrainBuiltinModel.parameterCount(cfg)));
        row(sb, "model.safetensors", String.format(Locale.ROOT, "%,d bytes (fp32), SHA-256 `%s`", r.modelBytes(),
                r.sha256()));
        sb.append("\n## Vocabulary and split\n\n| option | value |\n|---|---|\n");
        row(sb, "classes × words per class", o.classes() + " × " + o.wordsPerClass());
        row(sb, "sentence length", String.valueOf(o.sentenceLength()));
        row(sb, "held-out pairs", task.pairs(SyntheticIclTask.Split.HELD_OUT).size() + " of "
                + (task.pairs(SyntheticIclTask.Split.HELD_OUT).size() + task.pairs(SyntheticIclTask.Split.TRAIN).size())
                + " (split seed " + o.splitSeed() + "); never in any training episode");
        row(sb, "label words", o.labelWords() == 2 ? "foo, bar"
                : o.labelWords() + ": " + String.join(",", task.labelWords()).replace(" ", "") + " (evaluation: foo, bar)");
        sb.append("\n## Training\n\n");
        sb.append(String.format(Locale.ROOT, "%d stage%s on one CPU thread, %.1f s in all (evaluations and checkpoints "
                + "included) on %s, %s. Each stage keeps the checkpoint with the best validation accuracy (%d held-out "
                + "episodes, k = 2, seed %d); a later stage starts from it with a fresh optimizer.%n%n",
                r.stages().size(), r.stages().size() == 1 ? "" : "s", r.wallSeconds(), TrainBuiltinModel.machine(),
                TrainBuiltinModel.today(), TrainBuiltinModel.VALIDATION_EPISODES, BuiltinModel.VALIDATION_SEED));
        for (int i = 0; i < r.stages().size(); i++) {
            stage(sb, i + 1, r.stages().get(i));
        }
        sb.append("Command:\n\n```\nmvn -q -B install -DskipTests\nmvn -q -B -pl icl-examples exec:java "
                + "-Dexec.mainClass=io.github.icl4j.examples.builtin.TrainBuiltinModel -Dexec.classpathScope=compile\n```\n\n");
        sb.append("## Result\n\n");
        sb.append(String.format(Locale.ROOT, "Held-out accuracy (fresh episodes, seed %d, %d episodes, k = 2 per label, "
                + "balanced, random order): **%.3f** (foo vs bar), %.3f (argmax over the whole vocabulary).%n%n",
                BuiltinModel.TEST_SEED, r.test().episodes(), r.test().accuracy(), r.test().fullVocabAccuracy()));
        sb.append("## Few-shot behaviour (held-out pairs, " + TrainBuiltinModel.BEHAVIOUR_EPISODES + " episodes per "
                + "condition, seed " + (BuiltinModel.TEST_SEED + 1) + ")\n\n");
        sb.append(behaviour(r.behaviour()));
        sb.append("\nMeasured by `BuiltinModelCard.measure(model, task, " + TrainBuiltinModel.BEHAVIOUR_EPISODES + ", "
                + (BuiltinModel.TEST_SEED + 1) + ")`.\n");
        sb.append(notes(r.behaviour()));
        sb.append(MECHANISM);
        return sb.toString();
    }

    /**
     * What the heads analyses find in models of this recipe (checked by icl-examples' BuiltinModelAcceptanceTest
     * on the shipped weights, so a retrained model that differs fails there).
     */
    static final String MECHANISM = "\n## How it does it\n\n"
            + "`InContextHeads`, with the score top lists taken from the upper half of the layers like the ablation "
            + "ranking (`BuiltinModelAcceptanceTest`), finds L2H2 at the top of both the foo and the bar score ranking "
            + "and L1H1 at the top of the ablation ranking; removing the two takes accuracy to near chance, while two "
            + "random heads of layers 1-2 cost little. L2H2 is an in-context head as the paper describes one: from the "
            + "last token it puts most of its attention on the label words, most of that on the label words of the "
            + "demonstrations that share the query's label; its value outputs there have the label word as top token; "
            + "its attention moves from the foo to the bar positions when the prediction moves from foo to bar; and its "
            + "query-key score tracks the similarity of the query sentence to each demonstration. L1H1 reads the token "
            + "right after each label word, which has seen the label and its demonstration. Heads of layer 0 copy "
            + "every label word present to the last token: scoring every layer puts them at the top of the score "
            + "rankings, but their attention cannot depend on the query. `docs/builtin-model-experiments.md` has the "
            + "training designs tried before this one.\n";

    private static void stage(StringBuilder sb, int n, TrainBuiltinModel.StageResult sr) {
        TrainBuiltinModel.Stage s = sr.stage();
        SyntheticTaskOptions o = s.task();
        TrainingConfig tc = s.training();
        sb.append("### Stage ").append(n).append(": ").append(s.name()).append("\n\n| field | value |\n|---|---|\n");
        row(sb, "classes per training episode", o.classesPerEpisode() == 2 ? "2, one per label"
                : "2–" + o.classesPerEpisode() + (o.labelWords() < o.classesPerEpisode()
                ? ", so a label covers up to " + (o.classesPerEpisode() + o.labelWords() - 1) / o.labelWords()
                + " classes" : ", each with its own label word"));
        row(sb, "shots per class", o.minShots() + "–" + o.maxShots());
        row(sb, "noise (word from another class)", String.valueOf(o.noise()));
        row(sb, "imbalanced / grouped episodes", o.imbalancedFraction() + " / " + o.groupedFraction());
        row(sb, "queries repeating a demonstration", String.valueOf(o.queryCopyFraction()));
        row(sb, "loss on", switch (s.lossOn()) {
            case QUERY -> "the query's answer only";
            case ALL_LABELS -> "every label token (each demonstration's and the query's answer)";
            case INFORMED_LABELS -> "every demonstration label but the first of its class (the others repeat an "
                    + "earlier demonstration's label), and the query's answer";
            case ALL_TOKENS -> "every token";
        });
        row(sb, "steps × batch", tc.steps() + " × " + tc.batchSize());
        row(sb, "optimizer", "AdamW (β 0.9, 0.95; ε 1e-8), weight decay " + tc.weightDecay()
                + " on matrices, none on norm scales; gradient clipping at global norm " + tc.gradClipNorm());
        row(sb, "learning rate", tc.learningRate() + ", linear warm-up " + tc.warmupSteps() + " steps, cosine to "
                + tc.minLearningRate());
        row(sb, "start", n == 1 ? "fresh weights N(0, " + tc.initStd() + "²), residual-writing projections N(0, ("
                + tc.initStd() + " / √(2 · layers))²), norm scales 1; seed " + tc.seed()
                : "stage " + (n - 1) + "'s kept checkpoint; data seed " + tc.seed());
        row(sb, "checkpoint kept", "step " + sr.training().bestStep() + String.format(Locale.ROOT,
                " (validation accuracy %.3f)", sr.training().bestEval()));
        sb.append("\n| step | mean training loss since last row | learning rate | validation accuracy (held-out, "
                + "k = 2) | elapsed (s) |\n|---|---|---|---|---|\n");
        for (double[] c : sr.curve()) {
            sb.append(String.format(Locale.ROOT, "| %d | %.4f | %.2e | %.3f | %.1f |%n", (int) c[0], c[1], c[2], c[3],
                    c[4]));
        }
        sb.append('\n');
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
        return sb.toString();
    }

    private static void row(StringBuilder sb, String k, String v) {
        sb.append("| ").append(k).append(" | ").append(v).append(" |\n");
    }

    /** The behaviour's tables in Markdown (the model card's measurements). */
    static String behaviour(BuiltinModelCard.Behaviour b) {
        StringBuilder sb = new StringBuilder();
        sb.append("### Accuracy against shots (held-out pairs, balanced, random order)\n\n");
        sb.append("| shots per label | episodes | accuracy (foo vs bar) | accuracy (full vocabulary) |\n");
        sb.append("|---|---|---|---|\n");
        for (BuiltinModelCard.Condition c : b.shots()) {
            sb.append(String.format(Locale.ROOT, "| %s | %d | %.3f | %.3f |%n", c.name(), c.all().episodes(),
                    c.all().accuracy(), c.all().fullVocabAccuracy()));
        }
        sb.append("\n### Flipping the mapping (foo ↔ bar in the demonstrations, same sentences, k = 2)\n\n");
        sb.append("| episodes | accuracy, original | accuracy, flipped (flipped gold) | predictions that flip |\n");
        sb.append("|---|---|---|---|\n");
        sb.append(String.format(Locale.ROOT, "| %d | %.3f | %.3f | %.3f |%n", b.original().episodes(),
                b.original().accuracy(), b.flipped().accuracy(), b.flipRate()));
        sb.append("\n### Majority-label bias (imbalanced demonstrations, random order)\n\n");
        conditions(sb, b.majority());
        sb.append("\n### Recency bias (demonstrations grouped by label)\n\n");
        conditions(sb, b.recency());
        return sb.toString();
    }

    private static void conditions(StringBuilder sb, List<BuiltinModelCard.Condition> rows) {
        sb.append("| demonstrations | episodes | accuracy | predicts foo | accuracy, gold foo | accuracy, gold bar "
                + "| mean logit(foo) − logit(bar) |\n");
        sb.append("|---|---|---|---|---|---|---|\n");
        for (BuiltinModelCard.Condition c : rows) {
            sb.append(String.format(Locale.ROOT, "| %s | %d | %.3f | %.3f | %.3f | %.3f | %+.2f |%n", c.name(),
                    c.all().episodes(), c.all().accuracy(), c.all().fooRate(), c.fooQueries().accuracy(),
                    c.barQueries().accuracy(), c.all().meanMargin()));
        }
    }
}
