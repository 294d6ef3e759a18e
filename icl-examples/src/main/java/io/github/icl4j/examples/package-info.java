/**
 * Runnable, tested examples, one class per question (each with a {@code run} method its test calls). The main job
 * and its command line live in {@link io.github.icl4j.examples.cli}, the built-in model's training recipe and
 * prompts in {@link io.github.icl4j.examples.builtin}.
 */
package io.github.icl4j.examples;
