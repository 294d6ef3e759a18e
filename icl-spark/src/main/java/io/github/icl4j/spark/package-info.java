/**
 * Head scoring and ablation-ranking sweeps on Apache Spark: {@link io.github.icl4j.spark.SparkHeads} runs them with
 * prompts and heads sharded over executors, each executor loading a model once ({@link
 * io.github.icl4j.spark.ModelCache}); {@link io.github.icl4j.spark.SweepJob} is the {@code spark-submit} entry point.
 * Every call into icl-core, icl-heads and icl-examples goes through {@link io.github.icl4j.spark.IclBackend}.
 */
package io.github.icl4j.spark;
