package io.github.icl4j.examples.cli;

import io.github.icl4j.bias.BiasComparison;
import io.github.icl4j.bias.BiasKind;
import io.github.icl4j.bias.Correction;
import io.github.icl4j.bias.report.BiasHtml;
import io.github.icl4j.heads.AblationScreen;
import io.github.icl4j.heads.AttributionOptions;
import io.github.icl4j.heads.HeadOptions;
import io.github.icl4j.heads.HeadsReport;
import io.github.icl4j.heads.report.HeadsHtml;
import io.github.icl4j.report.Numbers;
import java.util.List;
import java.util.Locale;

/**
 * The main job's report page: the in-context heads report of icl-heads (heatmaps, head list, intervention, token
 * attention, value outputs, attention shift, two towers) with an "in brief" section at the top (key figures, the
 * findings in plain language, links to every section, the settings) and the bias comparison of icl-bias as its
 * last section, restyled to match. One self-contained file: inline CSS, script and SVG, no network resource.
 */
final class ReportPage {
    private ReportPage() {
    }

    /** The page. */
    static String html(HeadsReport heads, BiasComparison bias, Headline h, JobOptions o, String data, String model) {
        String page = HeadsHtml.page(heads);
        page = insertBefore(page, "</head>", STYLE);
        page = insertAfter(page, "<main>", brief(h, o, data, model));
        page = insertBefore(page, "<footer id=\"footer\">", "<div id=\"bias\">" + BiasHtml.fragment(bias) + "</div>\n");
        page = insertBefore(page, "</body>", SCRIPT);
        return page;
    }

    private static String insertBefore(String page, String marker, String text) {
        int i = page.indexOf(marker);
        if (i < 0) {
            throw new IllegalStateException("the heads report template has no " + marker + "; cannot add the "
                    + "main job's sections");
        }
        return page.substring(0, i) + text + page.substring(i);
    }

    private static String insertAfter(String page, String marker, String text) {
        int i = page.indexOf(marker);
        if (i < 0) {
            throw new IllegalStateException("the heads report template has no " + marker + "; cannot add the "
                    + "main job's sections");
        }
        return page.substring(0, i + marker.length()) + text + page.substring(i + marker.length());
    }

    private static String brief(Headline h, JobOptions o, String data, String model) {
        StringBuilder sb = new StringBuilder("\n  <section id=\"brief\">\n    <h2>In brief</h2>\n");
        sb.append("    <nav class=\"toc\">");
        String[][] links = {{"where", "where the heads are"}, {"selected", "selected heads"},
            {"intervention-section", "removing them"}, {"reading", "what they read"}, {"vo", "what they write"},
            {"attention", "attention shift"}, {"towers-section", "two towers"}, {"bias", "biases and fixes"},
            {"settings", "settings"}};
        for (String[] l : links) {
            sb.append("<a href=\"#").append(l[0]).append("\">").append(esc(l[1])).append("</a>");
        }
        sb.append("</nav>\n    <div class=\"figures\">\n");
        figure(sb, Numbers.f3(h.baseline()) + " → " + Numbers.f3(h.ablated()), "accuracy with the " + h.heads()
                + " in-context heads zeroed", "bad");
        figure(sb, h.controlDraws() == 0 ? "–" : h.controlDistinct() == 1 ? Numbers.f3(h.controlMean())
                : Numbers.f3(h.controlMean()) + " ± " + Numbers.f3(h.controlStd()),
                "with as many random heads zeroed" + (h.controlDistinct() == 1 ? " (the only such set)" : ""), "");
        figure(sb, Numbers.f3(h.swapBefore()) + " → " + Numbers.f3(h.swapAfter()),
                "swap test: answer follows the copied demonstration", "");
        if (h.bias().stream().anyMatch(r -> r.bias() == BiasKind.MAJORITY)) {
            Headline.BiasRow n = h.biasRow(BiasKind.MAJORITY, Correction.NONE);
            Headline.BiasRow f = h.biasRow(BiasKind.MAJORITY, Correction.FIX);
            // a smaller fluctuation bought by losing accuracy is no gain (the bias table's rule)
            boolean costsAccuracy = f.accuracy() < n.accuracy() - 0.02;
            figure(sb, Numbers.f3(n.metric()) + " → " + Numbers.f3(f.metric()),
                    "majority-label fluctuation, fix (a<sub>c</sub> " + fmt(h.ac()) + ")",
                    costsAccuracy ? "" : tone(n.metric(), f.metric()));
        }
        if (h.bias().stream().anyMatch(r -> r.bias() == BiasKind.RECENCY)) {
            Headline.BiasRow n = h.biasRow(BiasKind.RECENCY, Correction.NONE);
            Headline.BiasRow f = h.biasRow(BiasKind.RECENCY, Correction.FIX);
            boolean costsAccuracy = f.accuracy() < n.accuracy() - 0.02;
            figure(sb, Numbers.f3(n.metric()) + " → " + Numbers.f3(f.metric()),
                    "recency: accuracy std across orders, fix", costsAccuracy ? "" : tone(n.metric(), f.metric()));
            figure(sb, Numbers.f3(n.accuracy()) + " → " + Numbers.f3(f.accuracy()), "recency: accuracy, fix",
                    costsAccuracy ? "bad" : "");
        }
        sb.append("    </div>\n    <ul class=\"notes\">\n");
        for (String n : HeadlineText.notes(h)) {
            sb.append("      <li>").append(esc(n)).append("</li>\n");
        }
        sb.append("    </ul>\n");
        sb.append("    <details id=\"settings\"><summary>Settings</summary>\n      <dl class=\"kv\">\n");
        kv(sb, "model", model);
        kv(sb, "data", data);
        kv(sb, "prompts", o.prompts() + " to find the heads, " + o.prompts() + " others to test them; k = " + o.shots()
                + " demonstrations per label");
        kv(sb, "selection", !o.ablation() ? "top " + o.topHeads() + " of the foo-score and bar-score rankings, merged "
                + "(no ablation ranking)"
                : "top " + o.topHeads() + " of each ranking (foo score, bar score, ablation drop), merged; ablation scans "
                + (o.heads().ablationFrom() == HeadOptions.UPPER_HALF ? "the upper half of the layers"
                : "layers [" + o.heads().ablationFrom() + ", " + o.heads().ablationTo() + ")")
                + screen(o)
                + (o.useHeads().isEmpty() ? "" : "; heads given: " + o.useHeads()));
        kv(sb, "bias study", o.biasTasks() + (o.biasTasks() == 1 ? " task" : " tasks") + " × " + o.biasSeeds()
                + " demonstration draws × " + o.biasQueries() + " queries per class; " + (2 + o.bias().permutations())
                + " orders; a_c " + (!o.tuneAc() ? "given" : o.tuneData().isEmpty() ? "tuned on separate tasks"
                : "tuned on other data sets: " + String.join(", ", o.tuneData())));
        kv(sb, "run", o.device() + ", " + o.dtype() + ", seed " + o.seed() + ", batch " + o.batchSize() + ", "
                + o.threads() + (o.threads() == 1 ? " thread" : " threads"));
        kv(sb, "command", command(o));
        sb.append("      </dl>\n    </details>\n  </section>\n");
        return sb.toString();
    }

    /** The command line that repeats this run. */
    static String command(JobOptions o) {
        StringBuilder c = new StringBuilder("report");
        if (o.model() != null) {
            c.append(" --model ").append(o.model());
        }
        if (o.data() != null) {
            c.append(" --data ").append(o.data()).append(" --classes ").append(o.classA()).append(',').append(o.classB());
        }
        if (!o.ablation()) {
            c.append(" --no-ablation");
        } else if (o.heads().ablationScreen() != AblationScreen.Strategy.EXHAUSTIVE) {
            c.append(" --ablation-screen ").append(o.heads().ablationScreen().flag());
            if (o.heads().ablationScreen() == AblationScreen.Strategy.ATP_VERIFIED) {
                c.append(" --atp-verify ").append(o.heads().attribution().verifyTop());
            }
            if (o.heads().attribution().gradDrop()) {
                c.append(" --atp-graddrop");
            }
        }
        if (o.readout() != io.github.icl4j.ReadoutMetric.ARGMAX) {
            c.append(" --readout ").append(o.readout().key());
        }
        c.append(" --seed ").append(o.seed()).append(" --prompts ").append(o.prompts()).append(" --shots ")
                .append(o.shots()).append(" --heads ").append(o.topHeads()).append(" --bias-seeds ").append(o.biasSeeds())
                .append(" --bias-tasks ").append(o.biasTasks()).append(" --bias-queries ").append(o.biasQueries());
        if (!o.tuneAc()) {
            c.append(" --ac ").append(o.bias().ac());
        } else if (!o.tuneData().isEmpty()) {
            c.append(" --tune-data ").append(String.join(",", o.tuneData()));
        }
        return c.toString();
    }

    /** How the ablation ranking chose the heads it removed, for the settings. */
    private static String screen(JobOptions o) {
        AttributionOptions a = o.heads().attribution();
        return switch (o.heads().ablationScreen()) {
            case EXHAUSTIVE -> "";
            case ATP -> "; heads ranked by attribution patching's estimate" + (a.gradDrop() ? " (GradDrop)" : "")
                    + ", none removed";
            case ATP_VERIFIED -> "; attribution patching" + (a.gradDrop() ? " (GradDrop)" : "") + " picked the "
                    + a.verifyTop() + " heads truly removed";
        };
    }

    private static String tone(double before, double after) {
        return after < before ? "good" : after > before ? "bad" : "";
    }

    private static String fmt(double v) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%s", v) : "–";
    }

    private static void figure(StringBuilder sb, String big, String small, String tone) {
        sb.append("      <div class=\"figure ").append(tone).append("\"><b>").append(esc(big)).append("</b><span>")
                .append(small).append("</span></div>\n");
    }

    private static void kv(StringBuilder sb, String k, String v) {
        sb.append("        <dt>").append(esc(k)).append("</dt><dd>").append(esc(v)).append("</dd>\n");
    }

    static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    /** Section names the page must hold (checked by the tests). */
    static final List<String> SECTIONS = List.of("brief", "where", "selected", "intervention-section", "reading", "vo",
            "attention", "towers-section", "bias");

    /**
     * Moves a value label of the intervention chart to the right of a dashed "clean accuracy" marker that would
     * cross it.
     */
    private static final String SCRIPT = """
            <script>
            (function () {
              const svg = document.getElementById("intervention-svg");
              if (!svg) return;
              const marks = Array.from(svg.querySelectorAll("line[stroke-dasharray]"));
              svg.querySelectorAll("text.num").forEach(t => {
                const b = t.getBBox();
                marks.forEach(m => {
                  const x = +m.getAttribute("x1"), y1 = +m.getAttribute("y1"), y2 = +m.getAttribute("y2");
                  if (x >= b.x - 3 && x <= b.x + b.width + 3 && y2 >= b.y && y1 <= b.y + b.height) {
                    t.setAttribute("x", x + 8);
                  }
                });
              });
            })();
            </script>
            """;

    /** The brief section, and the bias fragment restyled to look like the rest of the page. */
    private static final String STYLE = """
            <style>
              html { scroll-behavior: smooth; }
              #brief nav.toc { display: flex; flex-wrap: wrap; gap: 6px; margin: 6px 0 14px; }
              #brief nav.toc a { color: var(--ink); text-decoration: none; border: 1px solid var(--line);
                border-radius: 999px; padding: 3px 11px; font-size: 12.5px; background: #fafbfc; }
              #brief nav.toc a:hover { background: #eef2fb; }
              #brief .figures { display: grid; grid-template-columns: repeat(auto-fill, minmax(165px, 1fr));
                gap: 10px; margin-bottom: 14px; }
              #brief .figure { border: 1px solid var(--line); border-left: 4px solid #9aa3b5; border-radius: 10px;
                padding: 8px 12px; }
              #brief .figure.good { border-left-color: #1a7f37; }
              #brief .figure.bad { border-left-color: #c0452f; }
              #brief .figure b { display: block; font: 650 18px ui-monospace, Menlo, Consolas, monospace; }
              #brief .figure span { color: var(--muted); font-size: 12px; }
              #brief ul.notes { margin: 0 0 10px; padding-left: 20px; max-width: 980px; }
              #brief ul.notes li { margin: 3px 0; }
              #brief details summary { cursor: pointer; color: var(--muted); font-size: 13px; }
              #brief dl.kv { display: grid; grid-template-columns: 110px 1fr; gap: 4px 14px; margin: 8px 0 0;
                font-size: 12.5px; }
              #brief dl.kv dt { color: var(--muted); }
              #brief dl.kv dd { margin: 0; font-family: ui-monospace, Menlo, Consolas, monospace; word-break: break-all; }
              section.icl-bias { font: inherit; color: var(--ink); }
              section.icl-bias h2 { margin: 0 0 4px; font-size: 17px; }
              section.icl-bias h3 { font-size: 14px; margin: 18px 0 4px; }
              section.icl-bias p.meta { color: var(--muted); font-size: 13px; max-width: 900px; margin: 0 0 10px; }
              section.icl-bias table { width: auto; min-width: 720px; border-collapse: collapse; font-size: 13px; }
              section.icl-bias th, section.icl-bias td { border: 0; border-bottom: 1px solid var(--line);
                padding: 6px 12px; text-align: right; }
              section.icl-bias th { background: none; color: var(--muted); font-weight: 600; font-size: 11.5px;
                text-transform: uppercase; letter-spacing: .4px; }
              section.icl-bias td:first-child, section.icl-bias th:first-child { text-align: left; }
              section.icl-bias td { font-variant-numeric: tabular-nums; }
            </style>
            """;
}
