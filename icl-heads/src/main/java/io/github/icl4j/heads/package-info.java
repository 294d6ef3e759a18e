/**
 * In-context heads (METHOD.md §2–4): discovery by the one-pass log-probability increase and the batched ablation
 * ranking, the intervention experiment with a random-head control, and the value-output, attention and two-tower
 * analyses, with JSON, CSV and a self-contained HTML report.
 *
 * <p>Start with {@link io.github.icl4j.heads.InContextHeads#of(io.github.icl4j.Model)}; every choice the method
 * leaves open is an option of {@link io.github.icl4j.heads.HeadOptions} with the documented default. Results are
 * immutable records of plain Java data; {@link io.github.icl4j.heads.HeadsJson} reads and writes them as JSON, the
 * report package ({@link io.github.icl4j.heads.report.HeadsCsv}, {@link io.github.icl4j.heads.report.HeadsText},
 * {@link io.github.icl4j.heads.report.HeadsHtml}) renders them, and
 * {@link io.github.icl4j.heads.report.HeadsReportFiles} writes a {@link io.github.icl4j.heads.HeadsReport}, the
 * whole picture, into a folder.
 */
package io.github.icl4j.heads;
