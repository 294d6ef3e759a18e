/**
 * Majority-label and recency bias of in-context learning, the two in-context-head fixes and calibration
 * baselines (METHOD.md §5–6).
 */
package io.github.icl4j.bias;
