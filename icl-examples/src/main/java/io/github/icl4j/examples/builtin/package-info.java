/**
 * The built-in model: its training recipe ({@link io.github.icl4j.examples.builtin.TrainBuiltinModel},
 * {@link io.github.icl4j.examples.builtin.BuiltinModel}), its model card, and the synthetic task's prompts and bias
 * tasks ({@link io.github.icl4j.examples.builtin.SyntheticPrompts}).
 */
package io.github.icl4j.examples.builtin;
