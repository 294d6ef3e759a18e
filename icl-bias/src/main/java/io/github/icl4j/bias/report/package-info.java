/**
 * The report writers of icl-bias: {@link io.github.icl4j.bias.report.BiasCsv} (the long-format comparison and the
 * raw measurements as CSV) and {@link io.github.icl4j.bias.report.BiasHtml} (a self-contained HTML fragment). The
 * results themselves are plain records in {@link io.github.icl4j.bias}.
 */
package io.github.icl4j.bias.report;
