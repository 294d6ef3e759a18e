package io.github.icl4j.spark;

import io.github.icl4j.heads.AblationRanking;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A sweep's summary, one line per model and seed: the data sets and their clean accuracy, the top heads of each score
 * ranking and of the ablation ranking. Renders CSV (for tools) and Markdown (for people).
 */
public final class SweepSummary {
    private SweepSummary() {
    }

    /** CSV with a header row; head lists as {@code L2H2 +0.4121; L1H3 +0.1010}. */
    public static String csv(List<SweepResult> results, int top) {
        StringBuilder sb = new StringBuilder("model,seed,datasets,prompts,clean_accuracy,top_score_class0,"
                + "top_score_class1,top_ablation\n");
        for (SweepResult r : results) {
            sb.append(quote(r.model())).append(',').append(r.seed()).append(',')
                    .append(quote(String.join(";", r.datasets()))).append(',').append(r.scores().prompts()).append(',')
                    .append(quote(baselines(r.ablation()))).append(',')
                    .append(quote(IclBackend.top(r.scores(), 0, top))).append(',')
                    .append(quote(IclBackend.top(r.scores(), 1, top))).append(',')
                    .append(quote(r.ablation() == null ? "" : IclBackend.top(r.ablation(), top))).append('\n');
        }
        return sb.toString();
    }

    /** A Markdown table. */
    public static String markdown(List<SweepResult> results, int top) {
        StringBuilder sb = new StringBuilder("| model | seed | data sets | prompts | clean accuracy (label argmax) | top '");
        String w0 = results.isEmpty() ? "class 0" : results.get(0).scores().labelWords().get(0).strip();
        String w1 = results.isEmpty() ? "class 1" : results.get(0).scores().labelWords().get(1).strip();
        sb.append(w0).append("' score heads | top '").append(w1).append("' score heads | top ablation heads (drop) |\n")
                .append("|---|---|---|---|---|---|---|---|\n");
        for (SweepResult r : results) {
            sb.append("| ").append(r.model()).append(" | ").append(r.seed()).append(" | ")
                    .append(String.join(", ", r.datasets())).append(" | ").append(r.scores().prompts()).append(" | ")
                    .append(baselines(r.ablation())).append(" | ").append(IclBackend.top(r.scores(), 0, top))
                    .append(" | ").append(IclBackend.top(r.scores(), 1, top)).append(" | ")
                    .append(r.ablation() == null ? "–" : IclBackend.top(r.ablation(), top)).append(" |\n");
        }
        return sb.toString();
    }

    private static String baselines(AblationRanking a) {
        if (a == null) {
            return "";
        }
        StringBuilder sb = new StringBuilder();
        for (Map.Entry<String, double[]> e : IclBackend.baselines(a).entrySet()) {
            sb.append(sb.length() == 0 ? "" : "; ").append(e.getKey()).append(' ')
                    .append(String.format(Locale.ROOT, "%.3f", e.getValue()[0]));
        }
        return sb.toString();
    }

    private static String quote(String s) {
        return s.contains(",") || s.contains("\"") ? "\"" + s.replace("\"", "\"\"") + "\"" : s;
    }
}
