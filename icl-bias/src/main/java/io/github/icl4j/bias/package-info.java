/**
 * Majority-label and recency bias of in-context learning, the two in-context-head fixes and calibration
 * baselines (METHOD.md §5–6).
 *
 * <ul>
 *   <li>{@link io.github.icl4j.bias.BiasStudy} — the entry point: {@code BiasStudy.of(model).heads(heads)} then
 *       {@code majority(tasks)}, {@code recency(tasks)}, {@code compare(tasks)}, {@code tuneAc(validation)} or
 *       {@code run(test, validation)} (tune a_c on a separate split, then compare everything on the test tasks).</li>
 *   <li>{@link io.github.icl4j.bias.MajorityLabelFix} — the value-output boost of the minority label positions,
 *       added to the final residual before the final norm.</li>
 *   <li>{@link io.github.icl4j.bias.RecencyFix} — rotary-free attention scores in the in-context heads.</li>
 *   <li>{@link io.github.icl4j.bias.Calibration} — contextual, domain-context and batch calibration as plain
 *       arithmetic.</li>
 *   <li>{@link io.github.icl4j.bias.BiasMetrics} and {@link io.github.icl4j.bias.Interval} — fluctuation,
 *       spreads across orders, relative reductions, t and bootstrap intervals over seeds.</li>
 *   <li>Results: {@link io.github.icl4j.bias.MajorityResult}, {@link io.github.icl4j.bias.RecencyResult},
 *       {@link io.github.icl4j.bias.BiasComparison}, {@link io.github.icl4j.bias.AcTuning},
 *       {@link io.github.icl4j.bias.Measurement}: plain records with readable {@code toString}.</li>
 *   <li>{@link io.github.icl4j.bias.report} — their CSV ({@link io.github.icl4j.bias.report.BiasCsv}) and
 *       self-contained HTML ({@link io.github.icl4j.bias.report.BiasHtml}).</li>
 * </ul>
 * Every unknown detail of the paper's protocol is an option of {@link io.github.icl4j.bias.BiasOptions} with the
 * METHOD's default.
 */
package io.github.icl4j.bias;
