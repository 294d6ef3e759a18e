package io.github.icl4j.heads;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.icl4j.HeadId;
import io.github.icl4j.IclPrompt;
import io.github.icl4j.Model;
import io.github.icl4j.runtime.Natives;
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
            long c0 = CPU.getCurrentThreadCpuTime();
            long t0 = System.nanoTime();
            HeadScores s = ich.scores(scoring);
            line("scoring", "prompts", nScore, "heads", s.nLayers() * s.nHeads(), "seconds", secs(t0),
                    "cpuSeconds", cpuSecs(c0));
            c0 = CPU.getCurrentThreadCpuTime();
            t0 = System.nanoTime();
            AblationRanking abl = ich.ablationLayers(from, to).ablationRanking(ablation);
            line("ablation", "prompts", nAbl, "fromLayer", from, "toLayer", to, "heads",
                    (to - from) * model.config().nHeads(), "seconds", secs(t0),
                    "cpuSeconds", cpuSecs(c0), "baselineAccuracy",
                    abl.baselineAccuracy());
            attribution(ich, ablation, from, to);
        }
    }

    /**
     * Attribution patching over every head, then the AtP row of the layers [from, to): the ablation ranking with the
     * {@code atp} and {@code atp-verified} (top 10) screens, and with every head of the range verified, whose true
     * effects on the metric give Spearman's correlation with the estimates and the recall of the true top 10 (largest
     * |true effect|) in AtP's top 10 and top 20 (largest score).
     */
    private static void attribution(InContextHeads ich, List<IclPrompt> prompts, int from, int to) {
        int nLayers = ich.model().config().nLayers();
        int nHeads = ich.model().config().nHeads();
        InContextHeads all = ich.ablationLayers(0, nLayers);
        all.attribution(prompts.subList(0, Math.min(8, prompts.size())), AttributionOptions.defaults()); // warm-up
        long c0 = CPU.getCurrentThreadCpuTime();
        long t0 = System.nanoTime();
        AttributionEstimates est = all.attribution(prompts, AttributionOptions.defaults());
        line("attribution", "prompts", prompts.size(), "heads", nLayers * nHeads, "seconds", secs(t0),
                "cpuSeconds", cpuSecs(c0), "options", AttributionOptions.defaults().toString(), "top10",
                est.ranking().subList(0, 10).stream().map(h -> "[" + h.layer() + "," + h.head() + "]").toList()
                        .toString());
        HeadOptions base = ich.options();
        int heads = (to - from) * nHeads;
        c0 = CPU.getCurrentThreadCpuTime();
        t0 = System.nanoTime();
        ich.options(base.withAblationScreen(AblationScreen.Strategy.ATP)).ablationLayers(from, to)
                .ablationRanking(prompts);
        line("screen-atp", "prompts", prompts.size(), "heads", heads, "seconds", secs(t0), "cpuSeconds", cpuSecs(c0));
        c0 = CPU.getCurrentThreadCpuTime();
        t0 = System.nanoTime();
        ich.options(base.withAblationScreen(AblationScreen.Strategy.ATP_VERIFIED)
                .withAttribution(base.attribution().withVerifyTop(Math.min(10, heads)))).ablationLayers(from, to)
                .ablationRanking(prompts);
        line("screen-atp-verified", "prompts", prompts.size(), "heads", heads, "verified", Math.min(10, heads),
                "seconds", secs(t0), "cpuSeconds", cpuSecs(c0));
        c0 = CPU.getCurrentThreadCpuTime();
        t0 = System.nanoTime();
        AblationScreen screen = ich.options(base.withAblationScreen(AblationScreen.Strategy.ATP_VERIFIED)
                .withAttribution(base.attribution().withVerifyTop(heads))).ablationLayers(from, to)
                .ablationRanking(prompts).screen();
        double allSeconds = secs(t0);
        double allCpu = cpuSecs(c0);
        List<HeadId> byTrue = screen.verified().stream()
                .sorted(java.util.Comparator.comparingDouble((HeadId h) -> -Math.abs(screen.trueEffect(h)))).toList();
        List<HeadId> true10 = byTrue.subList(0, Math.min(10, byTrue.size()));
        List<HeadId> atpTop = screen.estimates().ranking();
        line("screen-all-verified", "prompts", prompts.size(), "heads", heads, "seconds", allSeconds, "cpuSeconds",
                allCpu, "spearman",
                screen.spearman(), "recallTop10in10", recall(true10, atpTop, 10), "recallTop10in20",
                recall(true10, atpTop, 20));
    }

    /** The fraction of {@code truth} found in the first {@code k} of {@code ranking}. */
    private static double recall(List<HeadId> truth, List<HeadId> ranking, int k) {
        java.util.Set<HeadId> top = new java.util.HashSet<>(ranking.subList(0, Math.min(k, ranking.size())));
        return truth.stream().filter(top::contains).count() / (double) truth.size();
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

    private static final java.lang.management.ThreadMXBean CPU =
            java.lang.management.ManagementFactory.getThreadMXBean();

    /** CPU seconds of this thread since {@code c0}: on one thread, the work itself whatever the machine's load. */
    private static double cpuSecs(long c0) {
        return (CPU.getCurrentThreadCpuTime() - c0) / 1e9;
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
