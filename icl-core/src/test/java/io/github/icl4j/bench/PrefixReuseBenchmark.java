package io.github.icl4j.bench;

import io.github.icl4j.Dataset;
import io.github.icl4j.Datasets;
import io.github.icl4j.Demonstrations;
import io.github.icl4j.IclPrompt;
import io.github.icl4j.LabelProbabilities;
import io.github.icl4j.Model;
import io.github.icl4j.Probe;
import java.nio.file.Path;
import java.util.List;
import org.bytedeco.pytorch.global.torch;

/**
 * Demonstration-prefix reuse against full recomputation, same run: N SST-2 queries sharing 8 demonstrations
 * (4 per label) on a GPT-2-small-shaped model. Prints times, the speed-up and the largest probability
 * difference between the two (should be ~1e-6).
 *
 * <p>Usage: {@code PrefixReuseBenchmark <checkpoint dir> [queries] [threads] [batch]}; the checkpoint needs a
 * GPT-2 vocabulary (the one made by forward_vs_hf.py); the GPT-2 tokenizer and SST-2 come from the shared data.
 */
public final class PrefixReuseBenchmark {
    private PrefixReuseBenchmark() {
    }

    public static void main(String[] args) {
        Path dir = Path.of(args[0]);
        int n = args.length > 1 ? Integer.parseInt(args[1]) : 200;
        int threads = args.length > 2 ? Integer.parseInt(args[2]) : 2;
        int batch = args.length > 3 ? Integer.parseInt(args[3]) : 8;
        io.github.icl4j.runtime.Natives.setThreads(threads);
        Dataset train = Datasets.load("sst2", "train");
        List<io.github.icl4j.Example> queries = Datasets.load("sst2", "test").sample(n, 3).examples();
        try (Model model = Model.load(dir);
                io.github.icl4j.Tokenizer tok = io.github.icl4j.Tokenizer.fromFile(
                        Datasets.dataDir().resolve("tokenizers/gpt2/tokenizer.json"))) {
            Demonstrations demos = Demonstrations.sampleExcluding(train, new int[] {4, 4}, 11, queries);
            List<IclPrompt> prompts = IclPrompt.builder(tok).buildAll(demos, queries);
            double meanLen = prompts.stream().mapToInt(IclPrompt::length).average().orElse(0);
            Probe.on(model).prompts(prompts.subList(0, batch)).batchSize(batch).labelProbabilities(); // warm-up
            long t0 = System.nanoTime();
            LabelProbabilities reuse = Probe.on(model).prompts(prompts).batchSize(batch).labelProbabilities();
            long t1 = System.nanoTime();
            LabelProbabilities full = Probe.on(model).prompts(prompts).batchSize(batch).reusePrefix(false)
                    .labelProbabilities();
            long t2 = System.nanoTime();
            double maxDiff = 0;
            for (int i = 0; i < n; i++) {
                maxDiff = Math.max(maxDiff, Math.abs(reuse.row(i).prob(0) - full.row(i).prob(0)));
            }
            System.out.printf("{\"bench\": \"prefix-reuse\", \"queries\": %d, \"prefix_tokens\": %d, "
                    + "\"mean_prompt_tokens\": %.1f, \"threads\": %d, \"batch\": %d, \"reuse_s\": %.2f, "
                    + "\"recompute_s\": %.2f, \"speedup\": %.2f, \"max_prob_diff\": %.2e}%n", n,
                    prompts.get(0).prefixLength(), meanLen, threads, batch, (t1 - t0) / 1e9, (t2 - t1) / 1e9,
                    (double) (t2 - t1) / (t1 - t0), maxDiff);
        }
    }
}
