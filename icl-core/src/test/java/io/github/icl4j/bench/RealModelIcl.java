package io.github.icl4j.bench;

import io.github.icl4j.AccuracyReport;
import io.github.icl4j.Dataset;
import io.github.icl4j.Datasets;
import io.github.icl4j.Demonstrations;
import io.github.icl4j.Example;
import io.github.icl4j.IclPrompt;
import io.github.icl4j.LabelProbabilities;
import io.github.icl4j.LabelWords;
import io.github.icl4j.Model;
import io.github.icl4j.Probe;
import io.github.icl4j.ReadoutMetric;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * In-context accuracy of a GGUF model on real sentences (docs/real-model.md), in the three readouts of
 * {@link ReadoutMetric}: argmax accuracy, accuracy after batch calibration and the AUROC of the label logit difference.
 * Each setting uses {@code seeds} demonstration sets, each shared by {@code queries} class-balanced test sentences (so
 * the demonstration prefix is computed once per set, and a seed's queries are the batch that batch calibration centres
 * over). Per row: the mean over seeds ± the standard deviation across seeds, and each seed's value.
 *
 * <p>Usage: {@code RealModelIcl <model.gguf> [queries per seed] [seeds] [threads] [data sets, e.g. sst2,subj]
 * [settings, e.g. foo:1,2,4;natural:1,2,4]}. A setting is the label words ({@code foo} for " foo"/" bar",
 * {@code natural} for the data set's own words) and the demonstrations per label k to run them at.
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
        List<String> names = List.of((args.length > 4 ? args[4] : "sst2,subj").split(","));
        String settings = args.length > 5 ? args[5] : "foo:1,2,4;natural:1,2,4";
        List<Task> tasks = new ArrayList<>();
        for (String n : names) {
            LabelWords natural = switch (n) {
                case "sst2" -> LabelWords.of(" negative", " positive");
                case "subj" -> LabelWords.of(" subjective", " objective");
                case "cr" -> LabelWords.of(" negative", " positive");
                default -> throw new IllegalArgumentException("data set '" + n + "' has no natural label words here; "
                        + "use sst2, subj or cr");
            };
            tasks.add(new Task(n, Datasets.load(n, "train"), Datasets.load(n, "test"), natural));
        }
        try (Model model = Model.load(file)) {
            System.out.println("| data | labels | k per label | accuracy (argmax) | calibrated accuracy | AUROC "
                    + "| accuracy (full vocabulary) | mean p(class 0) | n | per seed: argmax / calibrated / AUROC |");
            System.out.println("|---|---|---|---|---|---|---|---|---|---|");
            for (Task t : tasks) {
                for (String setting : settings.split(";")) {
                    String[] kv = setting.split(":");
                    LabelWords words = kv[0].equals("foo") ? LabelWords.FOO_BAR : t.natural;
                    for (String kText : kv[1].split(",")) {
                        int k = Integer.parseInt(kText);
                        long t0 = System.nanoTime();
                        double[][] perSeed = new double[3][seeds];
                        List<LabelProbabilities.Row> all = new ArrayList<>();
                        for (int s = 0; s < seeds; s++) {
                            List<Example> qs = t.test.balanced(queries / 2, 1000 + s).examples();
                            Demonstrations demos = Demonstrations.sampleExcluding(t.pool, new int[] {k, k}, 7 + s, qs)
                                    .permuted(31 + s);
                            List<IclPrompt> prompts = IclPrompt.builder(model.tokenizer()).labelWords(words)
                                    .buildAll(demos, qs);
                            LabelProbabilities lp = Probe.on(model).prompts(prompts).batchSize(8).labelProbabilities();
                            AccuracyReport r = lp.report();
                            perSeed[0][s] = r.accuracy();
                            perSeed[1][s] = r.calibratedAccuracy();
                            perSeed[2][s] = r.auroc();
                            all.addAll(lp.rows());
                        }
                        LabelProbabilities pooled = new LabelProbabilities(all);
                        AccuracyReport r = pooled.report();
                        StringBuilder per = new StringBuilder();
                        for (int s = 0; s < seeds; s++) {
                            per.append(s == 0 ? "" : "; ").append(String.format(Locale.ROOT, "%.2f / %.2f / %.2f",
                                    perSeed[0][s], perSeed[1][s], perSeed[2][s]));
                        }
                        System.out.printf(Locale.ROOT, "| %s | %s | %d | %s | %s | %s | %.3f | %.3f | %d | %s |%n",
                                t.name, String.join("/", words.words()).replace(" ", "␣"), k, meanSd(perSeed[0]),
                                meanSd(perSeed[1]), meanSd(perSeed[2]), r.fullVocabAccuracy(), pooled.meanProbs()[0],
                                r.n(), per);
                        System.err.printf(Locale.ROOT, "%s %s k=%d: %.1f s%n", t.name, kv[0], k,
                                (System.nanoTime() - t0) / 1e9);
                    }
                }
            }
        }
    }

    /** {@code 0.700 ± 0.050}: the mean over seeds and the sample standard deviation across them. */
    private static String meanSd(double[] v) {
        double m = Arrays.stream(v).average().orElse(Double.NaN);
        double ss = 0;
        for (double x : v) {
            ss += (x - m) * (x - m);
        }
        double sd = v.length < 2 ? Double.NaN : Math.sqrt(ss / (v.length - 1));
        return String.format(Locale.ROOT, "%.3f ± %.3f", m, sd);
    }
}
