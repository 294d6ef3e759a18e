/**
 * The main job and its command line: {@link io.github.icl4j.examples.cli.IclMain} (the {@code icl4j} command),
 * {@link io.github.icl4j.examples.cli.MainJob} (discover, intervene, analyse, debias, report) and its settings
 * {@link io.github.icl4j.examples.cli.JobOptions}.
 */
package io.github.icl4j.examples.cli;
