package io.github.icl4j.heads;

import io.github.icl4j.Datasets;
import io.github.icl4j.Demonstrations;
import io.github.icl4j.Example;
import io.github.icl4j.HeadId;
import io.github.icl4j.IclPrompt;
import io.github.icl4j.LabelWords;
import io.github.icl4j.Model;
import io.github.icl4j.runtime.Natives;
import io.github.icl4j.stats.Stats;
import io.github.icl4j.train.SyntheticIclTask;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Attribution patching beside exhaustive ablation in one run: wall time of the exhaustive ranking, of the AtP
 * screen and of the verified screen (N = 10, 20), Spearman's ρ of the estimates with the true effects of every head
 * (the change of the logit difference when the head is removed), and the recall of the exhaustive top 10 in AtP's
 * top 10 and top 20. Not a test: run it by hand (the numbers go to the report and docs/benchmarks.md).
 *
 * <pre>
 * mvn -q -pl icl-heads dependency:build-classpath -Dmdep.outputFile=cp.txt -DincludeScope=test
 * java -cp "$(cat icl-heads/cp.txt):icl-heads/target/classes:icl-heads/target/test-classes" \
 *     io.github.icl4j.heads.AttributionBenchmark builtin|FILE.gguf [prompts] [from] [to] [threads] [gradDrop]
 * </pre>
 * The built-in model runs its synthetic task's held-out prompts (k = 2); a GGUF model runs SST-2 with " negative" /
 * " positive" (k = 2, one shared demonstration set).
 */
public final class AttributionBenchmark {
    private AttributionBenchmark() {
    }

    public static void main(String[] args) {
        String which = args[0];
        int n = args.length > 1 ? Integer.parseInt(args[1]) : 40;
        int threads = args.length > 4 ? Integer.parseInt(args[4]) : 1;
        boolean gradDrop = args.length > 5 && Boolean.parseBoolean(args[5]);
        // on a large model the exhaustive ranking is read off the run that verifies every head (the same ablations)
        boolean separateExhaustive = args.length <= 6 || !args[6].equals("shared");
        Natives.setThreads(threads);
        try (Model model = which.equals("builtin") ? Model.builtin() : Model.load(Path.of(which))) {
            List<IclPrompt> prompts = prompts(model, which, n);
            int from = args.length > 2 ? Integer.parseInt(args[2]) : 0;
            int to = args.length > 3 ? Integer.parseInt(args[3]) : model.config().nLayers();
            int scanned = (to - from) * model.config().nHeads();
            System.out.printf(Locale.ROOT, "model %s%n%d prompts, mean %.1f tokens, layers [%d, %d): %d heads, %d "
                    + "threads, GradDrop %s%n", model.config(), n, prompts.stream().mapToInt(IclPrompt::length)
                    .average().orElse(0), from, to, scanned, threads, gradDrop);
            InContextHeads ich = InContextHeads.of(model).ablationLayers(from, to);
            AttributionOptions o = AttributionOptions.defaults().withGradDrop(gradDrop);
            ich.options(ich.options().withAblationScreen(AblationScreen.Strategy.ATP).withAttribution(o))
                    .ablationRanking(prompts.subList(0, Math.min(4, n))); // warm-up
            long t0 = System.nanoTime();
            AblationRanking exhaustive = separateExhaustive ? ich.ablationRanking(prompts) : null;
            double tEx = secs(t0);
            t0 = System.nanoTime();
            AblationRanking atp = screen(ich, prompts, AblationScreen.Strategy.ATP, o);
            double tAtp = secs(t0);
            t0 = System.nanoTime();
            AblationRanking v10 = screen(ich, prompts, AblationScreen.Strategy.ATP_VERIFIED, o.withVerifyTop(10));
            double tV10 = secs(t0);
            t0 = System.nanoTime();
            AblationRanking v20 = screen(ich, prompts, AblationScreen.Strategy.ATP_VERIFIED, o.withVerifyTop(20));
            double tV20 = secs(t0);
            // every head verified: its true effect in the metric (what the estimate estimates)
            t0 = System.nanoTime();
            AblationRanking all = screen(ich, prompts, AblationScreen.Strategy.ATP_VERIFIED, o.withVerifyTop(scanned));
            double tAll = secs(t0);
            AblationScreen sc = all.screen();
            AttributionEstimates est = atp.screen().estimates();
            if (exhaustive == null) {
                exhaustive = all; // every head truly removed: the exhaustive drops, ranked as the exhaustive ranking
                tEx = tAll - all.screen().estimates().millis() / 1000.0;
                System.out.printf(Locale.ROOT, "exhaustive time = the every-head verification run %.1f s less its "
                        + "gradient passes%n", tAll);
            }
            System.out.printf(Locale.ROOT, "baseline accuracy %.3f, clean logit difference %+.3f%n",
                    exhaustive.baselineAccuracy(), est.cleanMetric());
            System.out.printf(Locale.ROOT, "time: exhaustive %.1f s, atp %.1f s (gradient passes %.1f s), "
                    + "atp-verified N=10 %.1f s, N=20 %.1f s%n", tEx, tAtp, est.millis() / 1000.0, tV10, tV20);
            double[] e = new double[scanned];
            double[] t = new double[scanned];
            double[] drop = new double[scanned];
            List<HeadId> heads = new ArrayList<>();
            for (int l = from; l < to; l++) {
                for (int h = 0; h < model.config().nHeads(); h++) {
                    HeadId id = HeadId.of(l, h);
                    e[heads.size()] = est.estimate(id);
                    t[heads.size()] = sc.trueEffect(id);
                    drop[heads.size()] = exhaustive.goldProbDrop()[l][h];
                    heads.add(id);
                }
            }
            double rho = Stats.spearman(e, t);
            double[] ci = spearmanInterval(rho, scanned);
            System.out.printf(Locale.ROOT, "Spearman(estimate, true change of the metric) %.3f (95%% CI %.3f..%.3f, "
                    + "n = %d heads); Pearson %.3f; Spearman(-estimate, gold-probability drop) %.3f%n", rho, ci[0],
                    ci[1], scanned, Stats.pearson(e, t), Stats.spearman(neg(e), drop));
            List<HeadId> exTop = exhaustive.top(Math.min(10, scanned));
            List<HeadId> byTrue = rankByAbs(heads, t);
            System.out.printf(Locale.ROOT, "recall of the exhaustive top 10 (accuracy drop): in AtP's top 10 %d/10, "
                    + "top 20 %d/10; of the top 10 by |true effect|: in AtP's top 10 %d/10, top 20 %d/10%n",
                    overlap(exTop, est.top(Math.min(10, scanned))), overlap(exTop, est.top(Math.min(20, scanned))),
                    overlap(byTrue.subList(0, 10), est.top(10)), overlap(byTrue.subList(0, 10), est.top(20)));
            // the atp ranking's own order: estimated drop (−estimate), only heads whose removal is estimated to hurt
            System.out.printf(Locale.ROOT, "recall of the exhaustive top 10 in the atp ranking's (signed) top 10 %d/10, "
                    + "top 20 %d/10%n", overlap(exTop, atp.top(Math.min(10, scanned))),
                    overlap(exTop, atp.top(Math.min(20, scanned))));
            System.out.printf(Locale.ROOT, "verified N=10: top 10 equal to the exhaustive top 10 in %d/10 heads; "
                    + "N=20: %d/10%n", overlap(exTop, v10.top(10)), overlap(exTop, v20.top(10)));
            System.out.println("exhaustive top 10 " + exTop + "\nAtP top 10 " + est.top(10) + "\nby |true| top 10 "
                    + byTrue.subList(0, 10) + "\n" + exhaustive + "\n" + v20 + "\n" + est);
        }
    }

    private static AblationRanking screen(InContextHeads ich, List<IclPrompt> prompts, AblationScreen.Strategy s,
            AttributionOptions o) {
        return ich.options(ich.options().withAblationScreen(s).withAttribution(o)).ablationRanking(prompts);
    }

    static List<IclPrompt> prompts(Model model, String which, int n) {
        if (which.equals("builtin")) {
            try (SyntheticIclTask task = SyntheticIclTask.builtin()) {
                return BuiltinAttributionTest.prompts(IclPrompt.builder(model.tokenizer()), task, n, 2,
                        Long.getLong("seed", 7));
            }
        }
        List<Example> queries = Datasets.load("sst2", "test").balanced(n / 2, 1000).examples();
        Demonstrations demos = Demonstrations.sampleExcluding(Datasets.load("sst2", "train"), new int[] {2, 2}, 7,
                queries).permuted(31);
        return IclPrompt.builder(model.tokenizer()).labelWords(LabelWords.of(" negative", " positive"))
                .buildAll(demos, queries);
    }

    /** Fisher's z interval of a rank correlation (standard error 1.03 / sqrt(n − 3), Fieller et al.). */
    static double[] spearmanInterval(double rho, int n) {
        double z = 0.5 * Math.log((1 + rho) / (1 - rho));
        double se = 1.03 / Math.sqrt(n - 3);
        return new double[] {Math.tanh(z - 1.96 * se), Math.tanh(z + 1.96 * se)};
    }

    private static List<HeadId> rankByAbs(List<HeadId> heads, double[] v) {
        List<Integer> idx = new ArrayList<>();
        for (int i = 0; i < v.length; i++) {
            idx.add(i);
        }
        idx.sort((a, b) -> Double.compare(Math.abs(v[b]), Math.abs(v[a])));
        return idx.stream().map(heads::get).toList();
    }

    private static int overlap(List<HeadId> a, List<HeadId> b) {
        return (int) a.stream().filter(b::contains).count();
    }

    private static double[] neg(double[] v) {
        double[] o = v.clone();
        for (int i = 0; i < o.length; i++) {
            o[i] = -o[i];
        }
        return o;
    }

    private static double secs(long t0) {
        return (System.nanoTime() - t0) / 1e9;
    }
}
