/**
 * The report writers of icl-heads: {@link io.github.icl4j.heads.report.HeadsCsv} (the CSV table of every result),
 * {@link io.github.icl4j.heads.report.HeadsText} (readable summaries over several lines),
 * {@link io.github.icl4j.heads.report.HeadsHtml} (the self-contained HTML page of a
 * {@link io.github.icl4j.heads.HeadsReport}) and {@link io.github.icl4j.heads.report.HeadsReportFiles} (all of them
 * written into a folder). The results themselves are plain records in {@link io.github.icl4j.heads}.
 */
package io.github.icl4j.heads.report;
