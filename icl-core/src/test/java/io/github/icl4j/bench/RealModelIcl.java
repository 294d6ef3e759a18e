package io.github.icl4j.bench;

import io.github.icl4j.AccuracyReport;
import io.github.icl4j.Dataset;
import io.github.icl4j.Datasets;
import io.github.icl4j.Demonstrations;
import io.github.icl4j.Example;
import io.github.icl4j.IclPrompt;
import io.github.icl4j.LabelWords;
import io.github.icl4j.Model;
import io.github.icl4j.Probe;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.pytorch.global.torch;

/**
 * First measurements on a real pretrained model (docs/real-model.md): in-context accuracy of a GGUF model on
 * SST-2 and SUBJ with " foo"/" bar" labels for k = 1, 2, 4 demonstrations per label, and with natural labels.
 * Each setting uses {@code seeds} demonstration sets, each shared by {@code queries} test sentences (so the
 * demonstration prefix is computed once per set).
 *
 * <p>Usage: {@code RealModelIcl <model.gguf> [queries per seed] [seeds] [threads]}.
 */
public final class RealModelIcl {
    private RealModelIcl() {
    }

    record Task(String name, Dataset pool, Dataset test, LabelWords natural) {
    }

    public static void main(String[] args) {
        Path file = Path.of(args[0]);
        int queries = args.length > 1 ? Integer.parseInt(args[1]) : 100;
        int seeds = args.length > 2 ? Integer.parseInt(args[2]) : 3;
        io.github.icl4j.runtime.Natives.setThreads(args.length > 3 ? Integer.parseInt(args[3]) : 2);
        List<Task> tasks = List.of(
                new Task("sst2", Datasets.load("sst2", "train"), Datasets.load("sst2", "test"),
                        LabelWords.of(" negative", " positive")),
                new Task("subj", Datasets.load("subj", "train"), Datasets.load("subj", "test"),
                        LabelWords.of(" subjective", " objective")));
        try (Model model = Model.load(file)) {
            System.out.println("| data | labels | k per label | accuracy (label words) | accuracy (full vocabulary) "
                    + "| macro-F1 | mean p(class 0) | n |");
            System.out.println("|---|---|---|---|---|---|---|---|");
            for (Task t : tasks) {
                for (LabelWords words : List.of(LabelWords.FOO_BAR, t.natural)) {
                    for (int k : new int[] {1, 2, 4}) {
                        List<IclPrompt> prompts = new ArrayList<>();
                        for (int s = 0; s < seeds; s++) {
                            List<Example> qs = t.test.balanced(queries / 2, 1000 + s).examples();
                            Demonstrations demos = Demonstrations.sampleExcluding(t.pool, new int[] {k, k}, 7 + s, qs)
                                    .permuted(31 + s);
                            prompts.addAll(IclPrompt.builder(model.tokenizer()).labelWords(words).buildAll(demos, qs));
                        }
                        var lp = Probe.on(model).prompts(prompts).batchSize(16).labelProbabilities();
                        AccuracyReport r = lp.report();
                        System.out.printf("| %s | %s | %d | %.3f | %.3f | %.3f | %.3f | %d |%n", t.name,
                                String.join("/", words.words()).replace(" ", "␣"), k, r.accuracy(),
                                r.fullVocabAccuracy(), r.macroF1(), lp.meanProbs()[0], r.n());
                    }
                }
            }
        }
    }
}
