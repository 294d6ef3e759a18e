/**
 * In-context heads: discovery by log-probability increase and ablation, the intervention experiment, and
 * the value-output, attention and two-tower analyses (METHOD.md §2–4).
 */
package io.github.icl4j.heads;
