/** Runnable, tested examples and the main job. */
package io.github.icl4j.examples;
