package io.github.icl4j.examples.cli;

import io.github.icl4j.HeadId;
import io.github.icl4j.bias.Interval;
import io.github.icl4j.heads.HeadsJson;
import io.github.icl4j.report.CsvTable;
import io.github.icl4j.runtime.AtomicFiles;
import io.github.icl4j.report.Numbers;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Renders a {@link SeedSummary}: {@code seeds.csv} (one line per quantity: mean, interval, n, each seed's value),
 * {@code seed_heads.csv} (one line per head: how many seeds selected it, as a foo or a bar head), {@code seeds.json}
 * (the whole summary), {@code seeds.md} (the tables a person reads) and {@code seeds.html} (the same tables on one
 * self-contained page, linking each seed's report).
 */
public final class SeedSummaryReport {
    /** The files {@link #write} writes, in the order written. */
    public static final List<String> FILES = List.of("seeds.csv", "seed_heads.csv", "seeds.json", "seeds.md",
            "seeds.html");

    private SeedSummaryReport() {
    }

    /**
     * Writes {@link #FILES} into {@code dir}, each atomically.
     *
     * @return the files written
     */
    public static List<Path> write(SeedSummary s, Path dir) {
        List<String> text = List.of(csv(s), headsCsv(s), HeadsJson.write(s), markdown(s), html(s));
        List<Path> out = new ArrayList<>();
        for (int i = 0; i < FILES.size(); i++) {
            Path f = dir.resolve(FILES.get(i));
            AtomicFiles.writeString(f, text.get(i));
            out.add(f);
        }
        return out;
    }

    /**
     * {@code quantity,n,mean,lower,upper,level,seed_42,seed_43,...}: exact numbers, empty cells for NaN (a seed
     * without the quantity, bounds below two seeds).
     */
    public static String csv(SeedSummary s) {
        List<String> header = new ArrayList<>(List.of("quantity", "n", "mean", "lower", "upper", "level"));
        s.seeds().forEach(seed -> header.add("seed_" + seed));
        CsvTable t = CsvTable.exact(header.toArray(String[]::new));
        for (SeedSummary.Quantity q : s.quantities()) {
            Interval i = q.interval();
            List<Object> row = new ArrayList<>(List.of(q.name(), i.n()));
            row.add(num(i.mean()));
            row.add(num(i.lower()));
            row.add(num(i.upper()));
            row.add(s.level());
            q.perSeed().forEach(v -> row.add(num(v)));
            t.row(row.toArray());
        }
        return t.toString();
    }

    /** {@code head,seeds,as_foo,as_bar,of}: one line per head selected in some seed. */
    public static String headsCsv(SeedSummary s) {
        CsvTable t = CsvTable.exact("head", "seeds", "as_foo", "as_bar", "of");
        s.heads().forEach(h -> t.row(h.head(), h.seeds(), h.asFoo(), h.asBar(), s.seeds().size()));
        return t.toString();
    }

    /** A number, or null (an empty cell) for NaN. */
    private static Double num(double v) {
        return Double.isNaN(v) ? null : v;
    }

    /** The summary as a Markdown document: the settings, the quantities' table, the heads' tables. */
    public static String markdown(SeedSummary s) {
        StringBuilder sb = new StringBuilder("# icl4j report over " + s.seeds().size() + " seeds\n\n");
        sb.append("- settings: ").append(s.settings()).append('\n');
        sb.append("- seeds: ").append(String.join("; ", s.runs().stream().map(SeedSummaryReport::runText)
                .toList())).append('\n');
        sb.append("- ").append(intervalNote(s)).append("\n\n");
        sb.append("| quantity | n | mean | ").append(pct(s.level())).append(" interval |");
        s.seeds().forEach(seed -> sb.append(" seed ").append(seed).append(" |"));
        sb.append("\n|---|---|---|---|").append("---|".repeat(s.seeds().size())).append('\n');
        for (SeedSummary.Quantity q : s.quantities()) {
            Interval i = q.interval();
            sb.append("| ").append(q.name()).append(" | ").append(i.n()).append(" | ").append(Numbers.f3(i.mean()))
                    .append(" | ").append(bounds(i)).append(" |");
            q.perSeed().forEach(v -> sb.append(' ').append(Numbers.f3(v)).append(" |"));
            sb.append('\n');
        }
        sb.append("\n## In-context heads\n\n| head | selected in | as foo head | as bar head |\n|---|---|---|---|\n");
        for (SeedSummary.HeadCount h : s.heads()) {
            sb.append("| ").append(h.head()).append(" | ").append(h.seeds()).append(" of ").append(s.seeds().size())
                    .append(" seeds | ").append(h.asFoo()).append(" | ").append(h.asBar()).append(" |\n");
        }
        sb.append("\n| seed | foo heads | bar heads |\n|---|---|---|\n");
        for (SeedSummary.SeedRun r : s.runs()) {
            sb.append("| ").append(r.seed()).append(" | ").append(heads(r.fooHeads())).append(" | ")
                    .append(heads(r.barHeads())).append(" |\n");
        }
        return sb.toString();
    }

    /** The interval's bounds, {@code [0.412, 0.788]}, or a dash below two seeds. */
    static String bounds(Interval i) {
        return i.hasBounds() ? "[" + Numbers.f3(i.lower()) + ", " + Numbers.f3(i.upper()) + "]" : "–";
    }

    private static String intervalNote(SeedSummary s) {
        return "intervals: " + pct(s.level()) + " Student-t over seeds (mean ± t · sd / √n), clipped to the range "
                + "the quantity can take; n counts the seeds with a value (a seed without, e.g. one that found no "
                + "bar heads, is left out); – where n < 2";
    }

    private static String runText(SeedSummary.SeedRun r) {
        return String.format(Locale.ROOT, "%d (%s, %.1f s, %s)", r.seed(), r.resumed() ? "read back" : "run",
                r.seconds(), r.dir());
    }

    private static String heads(List<HeadId> hs) {
        return hs.isEmpty() ? "–" : String.join(", ", hs.stream().map(HeadId::toString).toList());
    }

    private static String pct(double level) {
        return Numbers.percent(level) + "%";
    }

    /** The summary on one self-contained page (inline CSS, no script, no network resource). */
    public static String html(SeedSummary s) {
        StringBuilder sb = new StringBuilder("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
                + "<title>icl4j report over " + s.seeds().size() + " seeds</title><style>" + STYLE
                + "</style></head>\n<body><main>\n<h1>icl4j report over " + s.seeds().size() + " seeds</h1>\n");
        sb.append("<p class=\"settings\">").append(ReportPage.esc(s.settings())).append("</p>\n<ul>");
        for (SeedSummary.SeedRun r : s.runs()) {
            sb.append("<li>seed ").append(r.seed()).append(": <a href=\"").append(ReportPage.esc(link(r)))
                    .append("\">report</a> (").append(ReportPage.esc(runText(r))).append(")</li>");
        }
        sb.append("</ul>\n<p>").append(ReportPage.esc(intervalNote(s))).append(".</p>\n<table><thead><tr>"
                + "<th>quantity</th><th>n</th><th>mean</th><th>").append(pct(s.level())).append(" interval</th>");
        s.seeds().forEach(seed -> sb.append("<th>seed ").append(seed).append("</th>"));
        sb.append("</tr></thead><tbody>\n");
        for (SeedSummary.Quantity q : s.quantities()) {
            Interval i = q.interval();
            sb.append("<tr><td>").append(ReportPage.esc(q.name())).append("</td><td>").append(i.n())
                    .append("</td><td>").append(Numbers.f3(i.mean())).append("</td><td>").append(bounds(i))
                    .append("</td>");
            q.perSeed().forEach(v -> sb.append("<td>").append(Numbers.f3(v)).append("</td>"));
            sb.append("</tr>\n");
        }
        sb.append("</tbody></table>\n<h2>In-context heads</h2>\n<table><thead><tr><th>head</th><th>selected in</th>"
                + "<th>as foo head</th><th>as bar head</th></tr></thead><tbody>\n");
        for (SeedSummary.HeadCount h : s.heads()) {
            sb.append("<tr><td>").append(h.head()).append("</td><td>").append(h.seeds()).append(" of ")
                    .append(s.seeds().size()).append(" seeds</td><td>").append(h.asFoo()).append("</td><td>")
                    .append(h.asBar()).append("</td></tr>\n");
        }
        return sb.append("</tbody></table>\n</main></body></html>\n").toString();
    }

    /** The seed's report page relative to the summary's folder (the seed folders sit inside it). */
    private static String link(SeedSummary.SeedRun r) {
        return Path.of(r.dir()).getFileName() + "/report.html";
    }

    private static final String STYLE = "body{font-family:system-ui,sans-serif;margin:2em;color:#222}"
            + "table{border-collapse:collapse;margin:1em 0}th,td{border:1px solid #ccc;padding:.25em .6em;"
            + "text-align:right}th:first-child,td:first-child{text-align:left}.settings{color:#555;max-width:70em}";
}
