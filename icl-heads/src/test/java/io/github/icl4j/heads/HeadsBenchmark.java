package io.github.icl4j.heads;

import io.github.icl4j.ActivationCache;
import io.github.icl4j.HeadId;
import io.github.icl4j.HookPoint;
import io.github.icl4j.IclPrompt;
import io.github.icl4j.LabelProbabilities;
import io.github.icl4j.Model;
import io.github.icl4j.Patch;
import io.github.icl4j.Probe;
import io.github.icl4j.model.ModelConfig;
import io.github.icl4j.runtime.Tensors;
import java.util.List;
import java.util.Locale;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * Head scoring and the ablation ranking of icl-heads beside the naive approach (one forward pass per head per
 * prompt through the Probe), in the same run, on a random 12-layer × 12-head GPT-2-architecture model with the
 * GPT-2 vocabulary and SST-2 prompts of about 200 tokens. Not a test: run it by hand (docs/benchmarks.md).
 *
 * <pre>
 * mvn -q -pl icl-heads dependency:build-classpath -Dmdep.outputFile=cp.txt -DincludeScope=test
 * java -cp "$(cat icl-heads/cp.txt):icl-heads/target/classes:icl-heads/target/test-classes" \
 *     -Dicl.data.dir=../shared/data io.github.icl4j.heads.HeadsBenchmark [prompts] [dModel] [naivePrompts]
 * </pre>
 * The naive runs are timed on the first {@code naivePrompts} prompts and extrapolated to all (the full naive run
 * would take hours on two cores); the report says so.
 */
public final class HeadsBenchmark {
    private HeadsBenchmark() {
    }

    public static void main(String[] args) {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 200;
        int d = args.length > 1 ? Integer.parseInt(args[1]) : 384;
        int naiveN = args.length > 2 ? Integer.parseInt(args[2]) : 4;
        String tok = Fixtures.gpt2TokenizerJson();
        try (Model model = Fixtures.randomGpt2(50257, d, 12, 12, 1024, 1L, tok)) {
            List<IclPrompt> prompts = Fixtures.sst2(model, n, 3, 7L);
            double meanLen = prompts.stream().mapToInt(IclPrompt::length).average().orElse(0);
            int maxLen = prompts.stream().mapToInt(IclPrompt::length).max().orElse(0);
            ModelConfig c = model.config();
            System.out.printf(Locale.ROOT, "model %s%nprompts %d, mean %.1f tokens (max %d), threads %d%n", c, n,
                    meanLen, maxLen, torch.get_num_threads());
            InContextHeads ich = InContextHeads.of(model);
            List<IclPrompt> sub = prompts.subList(0, naiveN);

            // warm-up (JIT, allocator)
            ich.scores(prompts.subList(0, 8));

            long t0 = System.nanoTime();
            HeadScores fast = ich.scores(prompts);
            double scoreS = secs(t0);
            System.out.printf(Locale.ROOT, "scoring, one pass per batch: %.1f s for %d prompts%n", scoreS, n);
            t0 = System.nanoTime();
            float[][][][] fastSub = Scoring.perPrompt(model, sub, sub.get(0).labelTokenIds(), false, 8);
            double scoreSubS = secs(t0);
            t0 = System.nanoTime();
            double[][][] naive = naiveScores(model, sub);
            double naiveSubS = secs(t0);
            double naiveScoreS = naiveSubS * n / naiveN;
            System.out.printf(Locale.ROOT, "scoring, naive (one forward per head per prompt): %.1f s for %d prompts "
                    + "(one pass: %.2f s) -> extrapolated %.0f s for %d; ratio %.0fx (same %d prompts: %.0fx); "
                    + "max |difference| %.2e%n", naiveSubS, naiveN, scoreSubS, naiveScoreS, n, naiveScoreS / scoreS,
                    naiveN, naiveSubS / scoreSubS, compare(fastSub, naive, sub));

            t0 = System.nanoTime();
            AblationRanking abl = ich.ablationRanking(prompts);
            double ablS = secs(t0);
            int heads = (abl.toLayer() - abl.fromLayer()) * c.nHeads();
            System.out.printf(Locale.ROOT, "ablation ranking, batched (layers [%d, %d), %d heads): %.1f s for %d "
                    + "prompts%n", abl.fromLayer(), abl.toLayer(), heads, ablS, n);
            t0 = System.nanoTime();
            AblationRanking subAbl = ich.ablationRanking(sub);
            double ablSubS = secs(t0);
            t0 = System.nanoTime();
            double[][] naiveAcc = naiveAblation(model, sub, abl.fromLayer(), abl.toLayer());
            double naiveAblSubS = secs(t0);
            double naiveAblS = naiveAblSubS * n / naiveN;
            int agree = 0;
            for (int l = abl.fromLayer(); l < abl.toLayer(); l++) {
                for (int h = 0; h < c.nHeads(); h++) {
                    agree += subAbl.accuracy()[l][h] == naiveAcc[l][h] ? 1 : 0;
                }
            }
            System.out.printf(Locale.ROOT, "ablation ranking, naive (one forward per head per prompt): %.1f s for %d "
                    + "prompts (batched: %.1f s) -> extrapolated %.0f s for %d; ratio %.1fx (same %d prompts: %.1fx);"
                    + " accuracies agree on %d/%d heads%n", naiveAblSubS, naiveN, ablSubS, naiveAblS, n,
                    naiveAblS / ablS, naiveN, naiveAblSubS / ablSubS, agree, heads);
            System.out.println(fast);
            System.out.println(abl);
        }
    }

    static double secs(long t0) {
        return (System.nanoTime() - t0) / 1e9;
    }

    /** Naive scores of the gold label {@code [prompt][layer][head]}, one forward per head per prompt. */
    static double[][][] naiveScores(Model model, List<IclPrompt> prompts) {
        ModelConfig c = model.config();
        double[][][] out = new double[prompts.size()][c.nLayers()][c.nHeads()];
        for (int i = 0; i < prompts.size(); i++) {
            IclPrompt p = prompts.get(i);
            int g = p.queryLabel();
            for (int l = 0; l < c.nLayers(); l++) {
                for (int h = 0; h < c.nHeads(); h++) {
                    // a forward for this head: its output, the residual before its layer, the final residual
                    try (ActivationCache cache = Probe.on(model).prompt(p).cache(HookPoint.result(l),
                            HookPoint.residPre(l), HookPoint.residPost(c.nLayers() - 1));
                            PointerScope s = new PointerScope()) {
                        int last = p.lastPosition();
                        Tensor o = cache.get(HookPoint.result(l)).select(0, 0).select(0, last).select(0, h);
                        Tensor r = cache.get(HookPoint.residPre(l)).select(0, 0).select(0, last);
                        Tensor hf = cache.get(HookPoint.residPost(c.nLayers() - 1)).select(0, 0).select(0, last);
                        FixedScaleProjection proj = FixedScaleProjection.of(model, false);
                        Tensor inv = proj.inverseScale(hf.unsqueeze(0)); // [1]
                        Tensor ids = Tensors.fromLongs(p.labelTokenIds(), 2).to(ScalarType.Long);
                        float[] with = Tensors.toFloats(proj.logProbsOf(r.add(o).unsqueeze(0), inv, ids));
                        float[] base = Tensors.toFloats(proj.logProbsOf(r.unsqueeze(0), inv, ids));
                        out[i][l][h] = with[g] - base[g];
                    }
                }
            }
        }
        return out;
    }

    static double compare(float[][][][] fast, double[][][] naive, List<IclPrompt> prompts) {
        double max = 0;
        for (int i = 0; i < naive.length; i++) {
            int g = prompts.get(i).queryLabel();
            for (int l = 0; l < naive[i].length; l++) {
                for (int h = 0; h < naive[i][l].length; h++) {
                    max = Math.max(max, Math.abs(fast[i][g][l][h] - naive[i][l][h]));
                }
            }
        }
        return max;
    }

    /** Naive ablation: for each head, each prompt alone through the Probe with that head zeroed. */
    static double[][] naiveAblation(Model model, List<IclPrompt> prompts, int from, int to) {
        ModelConfig c = model.config();
        double[][] acc = new double[c.nLayers()][c.nHeads()];
        for (int l = from; l < to; l++) {
            for (int h = 0; h < c.nHeads(); h++) {
                int correct = 0;
                for (IclPrompt p : prompts) {
                    LabelProbabilities lp = Probe.on(model).prompt(p).patchHeads(List.of(HeadId.of(l, h)),
                            Patch.zero()).labelProbabilities();
                    correct += lp.row(0).correct() ? 1 : 0;
                }
                acc[l][h] = (double) correct / prompts.size();
            }
        }
        return acc;
    }
}
