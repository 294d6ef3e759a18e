package io.github.icl4j.heads;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.icl4j.IclPrompt;
import io.github.icl4j.Model;
import io.github.icl4j.runtime.Natives;
import java.lang.reflect.Method;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * icl4j's side of the peer benchmark beside TransformerLens (issue 18 item 2; {@code tools/bench/run-peer-bench.sh}
 * runs both sides in one go): writes the SST-2 prompts it uses (token ids, last position, label ids, gold label) to a
 * JSON file that {@code tools/bench/peer_tl.py} reads, so both sides run the same weights on the same tokens; then
 * times head scoring (one pass per batch of 8), the exhaustive ablation ranking of the given layers and, when icl-heads
 * has it, attribution patching. One JSON object per line. Not a test.
 *
 * <pre>
 * java ... io.github.icl4j.heads.PeerBenchmark &lt;model dir or .gguf&gt; &lt;prompts.json&gt; [scorePrompts=32]
 *     [ablationPrompts=16] [fromLayer] [toLayer] [threads=1]
 * </pre>
 */
public final class PeerBenchmark {
    private PeerBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        Path modelPath = Path.of(args[0]);
        Path promptsJson = Path.of(args[1]);
        int nScore = args.length > 2 ? Integer.parseInt(args[2]) : 32;
        int nAbl = args.length > 3 ? Integer.parseInt(args[3]) : 16;
        int threads = args.length > 6 ? Integer.parseInt(args[6]) : 1;
        Natives.setThreads(threads);
        try (Model model = Model.load(modelPath)) {
            int from = args.length > 4 ? Integer.parseInt(args[4]) : model.config().nLayers() - 2;
            int to = args.length > 5 ? Integer.parseInt(args[5]) : model.config().nLayers();
            List<IclPrompt> prompts = Fixtures.sst2(model, Math.max(nScore, nAbl), 3, 7L);
            write(prompts, promptsJson);
            line("setup", "model", model.config().toString(), "blas", Natives.blas(), "threads", threads, "prompts",
                    prompts.size(), "meanTokens", prompts.stream().mapToInt(IclPrompt::length).average().orElse(0));
            InContextHeads ich = InContextHeads.of(model).batchSize(8);
            List<IclPrompt> scoring = prompts.subList(0, nScore);
            List<IclPrompt> ablation = prompts.subList(0, nAbl);
            ich.scores(scoring.subList(0, Math.min(8, nScore))); // warm-up
            long t0 = System.nanoTime();
            HeadScores s = ich.scores(scoring);
            line("scoring", "prompts", nScore, "heads", s.nLayers() * s.nHeads(), "seconds", secs(t0));
            t0 = System.nanoTime();
            AblationRanking abl = ich.ablationLayers(from, to).ablationRanking(ablation);
            line("ablation", "prompts", nAbl, "fromLayer", from, "toLayer", to, "heads",
                    (to - from) * model.config().nHeads(), "seconds", secs(t0), "baselineAccuracy",
                    abl.baselineAccuracy());
            attribution(ich.ablationLayers(0, model.config().nLayers()), ablation, model.config().nLayers()
                    * model.config().nHeads());
        }
    }

    /** Attribution patching through icl-heads' API when it exists in this build (issue 18 item 1). */
    private static void attribution(InContextHeads ich, List<IclPrompt> prompts, int heads) throws Exception {
        Method m;
        Object options;
        try {
            Class<?> opts = Class.forName("io.github.icl4j.heads.AttributionOptions");
            options = opts.getMethod("defaults").invoke(null);
            m = InContextHeads.class.getMethod("attribution", List.class, opts);
        } catch (ReflectiveOperationException e) {
            line("attribution", "skipped", "no InContextHeads.attribution(List, AttributionOptions) in this build");
            return;
        }
        m.invoke(ich, prompts.subList(0, Math.min(8, prompts.size())), options); // warm-up
        long t0 = System.nanoTime();
        m.invoke(ich, prompts, options);
        line("attribution", "prompts", prompts.size(), "heads", heads, "seconds", secs(t0));
    }

    private static void write(List<IclPrompt> prompts, Path file) throws java.io.IOException {
        ObjectMapper json = new ObjectMapper();
        ArrayNode arr = json.createArrayNode();
        for (IclPrompt p : prompts) {
            ObjectNode o = arr.addObject();
            ArrayNode ids = o.putArray("ids");
            for (long id : p.ids()) {
                ids.add(id);
            }
            o.put("last", p.lastPosition());
            o.put("gold", p.queryLabel());
            ArrayNode labels = o.putArray("labelIds");
            for (long id : p.labelTokenIds()) {
                labels.add(id);
            }
        }
        json.writeValue(file.toFile(), arr);
    }

    private static double secs(long t0) {
        return (System.nanoTime() - t0) / 1e9;
    }

    private static void line(String what, Object... kv) {
        StringBuilder sb = new StringBuilder("{\"impl\":\"icl4j\",\"step\":\"").append(what).append('"');
        for (int i = 0; i + 1 < kv.length; i += 2) {
            Object v = kv[i + 1];
            String s = v instanceof Number || v instanceof Boolean ? String.format(Locale.ROOT, "%s", v)
                    : "\"" + String.valueOf(v).replace("\"", "'") + "\"";
            sb.append(",\"").append(kv[i]).append("\":").append(s);
        }
        System.out.println(sb.append('}'));
    }
}
