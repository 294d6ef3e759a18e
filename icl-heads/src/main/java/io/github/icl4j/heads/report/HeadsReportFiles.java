package io.github.icl4j.heads.report;

import io.github.icl4j.heads.HeadsJson;
import io.github.icl4j.heads.HeadsReport;
import io.github.icl4j.runtime.AtomicFiles;
import java.nio.file.Path;

/**
 * A {@link HeadsReport} written as a folder of files: the HTML page ({@link HeadsHtml}), the report as JSON
 * ({@link HeadsJson}) and the CSV table of every analysis present ({@link HeadsCsv}).
 *
 * <pre>{@code
 * Path html = HeadsReportFiles.write(InContextHeads.of(model).report(set, prompts), Path.of("heads-report"));
 * }</pre>
 */
public final class HeadsReportFiles {
    private HeadsReportFiles() {
    }

    /**
     * Writes the report into {@code dir} (created if needed), each file atomically: {@code report.html},
     * {@code report.json} (the record), {@code heads.csv}, {@code scores.csv}, {@code ablation.csv},
     * {@code intervention.csv}, {@code value_outputs.csv}, {@code value_output_examples.csv}, {@code attention.csv},
     * {@code two_towers.csv}, {@code two_towers_summary.csv}, {@code reading.csv} (those whose analysis is present).
     *
     * @param report the report
     * @param dir    the folder
     * @return the path of {@code report.html}
     */
    public static Path write(HeadsReport report, Path dir) {
        AtomicFiles.writeString(dir.resolve("report.json"), HeadsJson.write(report));
        AtomicFiles.writeString(dir.resolve("heads.csv"), HeadsCsv.heads(report.set()));
        AtomicFiles.writeString(dir.resolve("scores.csv"), HeadsCsv.scores(report.set().scores()));
        if (report.set().ablation() != null) {
            AtomicFiles.writeString(dir.resolve("ablation.csv"), HeadsCsv.ablation(report.set().ablation()));
        }
        if (report.intervention() != null) {
            AtomicFiles.writeString(dir.resolve("intervention.csv"), HeadsCsv.intervention(report.intervention()));
        }
        if (report.valueOutputs() != null) {
            AtomicFiles.writeString(dir.resolve("value_outputs.csv"), HeadsCsv.valueOutputs(report.valueOutputs()));
            AtomicFiles.writeString(dir.resolve("value_output_examples.csv"),
                    HeadsCsv.valueOutputExamples(report.valueOutputs()));
        }
        if (report.attention() != null) {
            AtomicFiles.writeString(dir.resolve("attention.csv"), HeadsCsv.attention(report.attention()));
        }
        if (report.twoTowers() != null) {
            AtomicFiles.writeString(dir.resolve("two_towers.csv"), HeadsCsv.twoTowers(report.twoTowers()));
            AtomicFiles.writeString(dir.resolve("two_towers_summary.csv"),
                    HeadsCsv.twoTowersSummary(report.twoTowers()));
        }
        if (report.reading() != null) {
            AtomicFiles.writeString(dir.resolve("reading.csv"), HeadsCsv.reading(report.reading()));
        }
        Path html = dir.resolve("report.html");
        AtomicFiles.writeString(html, HeadsHtml.page(report));
        return html;
    }
}
