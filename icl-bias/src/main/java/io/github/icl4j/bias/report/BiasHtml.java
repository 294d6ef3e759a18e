package io.github.icl4j.bias.report;

import static io.github.icl4j.report.Numbers.f3;

import io.github.icl4j.ReadoutMetric;
import io.github.icl4j.bias.AcTuning;
import io.github.icl4j.bias.BiasComparison;
import io.github.icl4j.bias.BiasOptions;
import io.github.icl4j.bias.Correction;
import io.github.icl4j.bias.Interval;
import io.github.icl4j.bias.MajorityResult;
import io.github.icl4j.bias.RecencyResult;
import io.github.icl4j.report.Numbers;
import io.github.icl4j.runtime.AtomicFiles;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * A {@link BiasComparison} as a self-contained HTML fragment for embedding in a report page: one table per bias
 * with intervals, relative reductions coloured by whether they are a gain, and an SVG bar chart of each bias
 * metric.
 *
 * <pre>{@code
 * BiasHtml.write(comparison, Path.of("bias.html"));
 * }</pre>
 */
public final class BiasHtml {
    private BiasHtml() {
    }

    /**
     * Writes {@link #fragment} atomically (a temporary file in the same folder, then a move).
     *
     * @param c    the comparison
     * @param file the HTML file
     */
    public static void write(BiasComparison c, Path file) {
        AtomicFiles.writeString(file, fragment(c));
    }

    /**
     * A self-contained HTML fragment ({@code <section class="icl-bias">}): scoped inline CSS, one table per bias
     * and an SVG bar chart of each bias metric with its interval. No scripts, no external resources.
     *
     * @param c the comparison
     * @return the fragment
     */
    public static String fragment(BiasComparison c) {
        MajorityResult majority = c.majority();
        RecencyResult recency = c.recency();
        AcTuning tuning = c.tuning();
        StringBuilder h = new StringBuilder();
        h.append("<section class=\"icl-bias\">\n<style>\n")
                .append(".icl-bias{font-family:system-ui,sans-serif;font-size:14px;color:#222}\n")
                .append(".icl-bias table{border-collapse:collapse;margin:8px 0 16px;display:block;max-width:100%;"
                        + "overflow-x:auto}\n")
                .append(".icl-bias svg{max-width:100%;height:auto}\n")
                .append(".icl-bias th,.icl-bias td{border:1px solid #ccc;padding:3px 8px;text-align:right}\n")
                .append(".icl-bias th{background:#f3f3f3}\n")
                .append(".icl-bias td:first-child,.icl-bias th:first-child{text-align:left}\n")
                .append(".icl-bias .ci{color:#777;font-size:12px}\n")
                .append(".icl-bias .good{color:#1a7f37}.icl-bias .bad{color:#cf222e}\n")
                .append(".icl-bias .meta{color:#555}\n</style>\n");
        h.append("<h2>Biases of in-context learning and their fixes</h2>\n");
        BiasOptions o = majority != null ? majority.options() : recency.options();
        String model = majority != null ? majority.model() : recency.model();
        List<?> heads = majority != null ? majority.heads() : recency.heads();
        List<String> tasks = majority != null ? majority.tasks() : recency.tasks();
        h.append("<p class=\"meta\">Model ").append(esc(model)).append("; in-context heads ").append(esc(heads.toString()))
                .append("; tasks ").append(esc(String.join(", ", tasks))).append("; k = ").append(o.perClass())
                .append(" demonstrations per label; ").append(o.seeds().size()).append(" seeds. Values are means over")
                .append(" seeds with ").append(Numbers.percent(o.level())).append("% ")
                .append(o.interval() == Interval.Kind.T ? "Student-t" : "percentile-bootstrap")
                .append(" intervals; relative reductions against <i>none</i> with paired-bootstrap intervals.</p>\n");
        if (o.readout() != ReadoutMetric.ARGMAX) {
            h.append("<p class=\"meta\">Readout <b>").append(o.readout().key()).append("</b>: every accuracy below")
                    .append(" (and the fluctuation and spread of it) is ")
                    .append(o.readout() == ReadoutMetric.AUROC
                            ? "the AUROC of the label logit difference (chance 0.5)"
                            : "accuracy after batch calibration over the context's queries")
                    .append(", not argmax accuracy (METHOD §8).</p>\n");
        }
        if (tuning != null) {
            h.append("<p class=\"meta\">a<sub>c</sub> = ").append(tuning.best()).append(" tuned on ")
                    .append(esc(tuning.on())).append(" by ").append(tuning.objective().name().toLowerCase(Locale.ROOT))
                    .append(" over ").append(esc(java.util.Arrays.toString(tuning.grid()))).append(".</p>\n");
        }
        if (majority != null) {
            h.append("<h3>Majority-label bias</h3>\n<p class=\"meta\">Balanced demonstrations versus the same set")
                    .append(" less one demonstration of one label; fluctuation = ")
                    .append(o.fluctuation() == BiasOptions.Fluctuation.ABSOLUTE ? "mean |change|" : "mean change")
                    .append(" of accuracy. Fix: value-output boost of the minority label positions, a<sub>c</sub> = ")
                    .append(majority.options().ac()).append(".</p>\n<table>\n<tr><th>correction</th>")
                    .append("<th>accuracy (less one)</th><th>macro-F1</th><th>balanced accuracy</th>")
                    .append("<th>fluctuation</th><th>reduction</th></tr>\n");
            for (MajorityResult.Row r : majority.rows()) {
                h.append("<tr><td>").append(esc(r.correction().label())).append("</td>").append(td(r.accuracy()))
                        .append(td(r.macroF1())).append(td(r.balancedAccuracy())).append(td(r.fluctuation()))
                        .append(reductionTd(r.correction(), r.fluctuationReduction(),
                                fellBy(majority.rows().get(0).accuracy(), r.accuracy()))).append("</tr>\n");
            }
            h.append("</table>\n");
            List<Interval> fl = majority.rows().stream().map(MajorityResult.Row::fluctuation).toList();
            h.append(bars("fluctuation of accuracy", majority.rows().stream().map(r -> r.correction().label()).toList(),
                    fl));
        }
        if (recency != null) {
            h.append("<h3>Recency bias</h3>\n<p class=\"meta\">The same demonstrations in ").append(recency.orders())
                    .append(" orders (as sampled, reversed, ").append(recency.orders() - 2)
                    .append(recency.orders() == 3 ? " seeded permutation" : " seeded permutations")
                    .append("); standard deviation across orders of accuracy and of the in-context")
                    .append(" heads' attention at label positions (")
                    .append(o.attentionSpread() == BiasOptions.AttentionSpread.PER_DEMONSTRATION ? "per demonstration"
                            : "per class")
                    .append("). Fix: rotary-free attention scores in the in-context heads ")
                    .append(esc(recency.fixes()))
                    .append(".</p>\n<table>\n<tr><th>correction</th><th>accuracy</th><th>macro-F1</th>")
                    .append("<th>accuracy std</th><th>reduction</th><th>attention std</th><th>reduction</th></tr>\n");
            for (RecencyResult.Row r : recency.rows()) {
                boolean fell = fellBy(recency.rows().get(0).accuracy(), r.accuracy());
                h.append("<tr><td>").append(esc(recency.label(r))).append("</td>").append(td(r.accuracy()))
                        .append(td(r.macroF1())).append(td(r.accuracyStd()))
                        .append(reductionTd(r.correction(), r.accuracyStdReduction(), fell))
                        .append(td(r.attentionStd()))
                        .append(reductionTd(r.correction(), r.attentionStdReduction(), fell)).append("</tr>\n");
            }
            h.append("</table>\n");
            List<String> labels = recency.rows().stream().map(recency::label).toList();
            h.append(bars("std of accuracy across orders", labels,
                    recency.rows().stream().map(RecencyResult.Row::accuracyStd).toList()));
            h.append(bars("std of attention across orders", labels,
                    recency.rows().stream().map(RecencyResult.Row::attentionStd).toList()));
        }
        return h.append("</section>\n").toString();
    }

    private static String td(Interval i) {
        if (i == null || Double.isNaN(i.mean())) {
            return "<td>n/a</td>";
        }
        String ci = i.hasBounds() ? "<br><span class=\"ci\">[" + f3(i.lower()) + ", "
                + f3(i.upper()) + "]</span>" : "";
        return "<td>" + f3(i.mean()) + ci + "</td>";
    }

    /** Accuracy this much below no correction's makes a smaller bias no gain (the same rule as the report's brief). */
    private static final double ACCURACY_COST = 0.02;

    /** True when {@code corrected} accuracy is more than {@link #ACCURACY_COST} below {@code none}'s. */
    private static boolean fellBy(Interval none, Interval corrected) {
        return none != null && corrected != null && corrected.mean() < none.mean() - ACCURACY_COST;
    }

    /**
     * A relative reduction, green when it is a gain and red when the bias grew; a reduction bought by losing
     * accuracy (falling to chance spreads nothing across orders) is shown uncoloured with the accuracy cost named.
     */
    private static String reductionTd(Correction c, Interval r, boolean accuracyFell) {
        if (c == Correction.NONE) {
            return "<td></td>";
        }
        if (r == null || Double.isNaN(r.mean())) {
            return "<td>n/a</td>";
        }
        String cls = r.mean() < 0 ? "bad" : r.mean() > 0 && !accuracyFell ? "good" : "";
        String ci = r.hasBounds() ? String.format(Locale.ROOT, "<br><span class=\"ci\">[%.1f%%, %.1f%%]</span>",
                100 * r.lower(), 100 * r.upper()) : "";
        String cost = accuracyFell && r.mean() > 0 ? "<br><span class=\"ci\">accuracy fell: no gain</span>" : "";
        return String.format(Locale.ROOT, "<td class=\"%s\">%.1f%%%s%s</td>", cls, 100 * r.mean(), ci, cost);
    }

    /** A horizontal bar chart: one bar per correction with its interval as a whisker. */
    private static String bars(String title, List<String> labels, List<Interval> values) {
        int labelW = 230;
        int plotW = 320;
        int rowH = 20;
        int top = 24;
        int height = top + rowH * labels.size() + 24;
        double max = 0;
        for (Interval v : values) {
            for (double x : new double[] {v.mean(), v.upper()}) {
                if (Double.isFinite(x)) {
                    max = Math.max(max, x);
                }
            }
        }
        max = max <= 0 ? 1 : max * 1.05;
        StringBuilder s = new StringBuilder();
        s.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
                + "viewBox=\"0 0 %d %d\" role=\"img\" aria-label=\"%s\">\n", labelW + plotW + 70, height,
                labelW + plotW + 70, height, esc(title)));
        s.append(String.format(Locale.ROOT, "<text x=\"0\" y=\"16\" font-size=\"13\" font-weight=\"bold\">%s</text>\n",
                esc(title)));
        for (int i = 0; i < labels.size(); i++) {
            Interval v = values.get(i);
            int y = top + i * rowH;
            s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" font-size=\"12\" text-anchor=\"end\">%s</text>\n",
                    labelW - 6, y + 14, esc(labels.get(i))));
            if (!Double.isFinite(v.mean())) {
                s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" font-size=\"12\" fill=\"#777\">n/a</text>\n",
                        labelW + 4, y + 14));
                continue;
            }
            double w = Math.max(0, v.mean()) / max * plotW;
            String fill = i == 0 ? "#8c959f" : labels.get(i).contains("fix") ? "#2f81f7" : "#d4a72c";
            s.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"%s\"/>\n",
                    labelW, y + 3, w, rowH - 6, fill));
            if (v.hasBounds()) {
                double lo = labelW + Math.max(0, v.lower()) / max * plotW;
                double hi = labelW + Math.max(0, Math.min(max, v.upper())) / max * plotW;
                int cy = y + rowH / 2;
                s.append(String.format(Locale.ROOT, "<path d=\"M%.1f %dH%.1fM%.1f %dV%dM%.1f %dV%d\" "
                        + "stroke=\"#222\" stroke-width=\"1\" fill=\"none\"/>\n", lo, cy, hi, lo, cy - 4, cy + 4, hi,
                        cy - 4, cy + 4));
            }
            s.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" font-size=\"11\" fill=\"#444\">%s</text>\n",
                    labelW + plotW + 6.0, y + 14, f3(v.mean())));
        }
        return s.append("</svg>\n").toString();
    }

    private static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
