/**
 * Training small decoder-only models from scratch, and the synthetic in-context classification task the
 * built-in model is trained on.
 *
 * <ul>
 *   <li>{@link io.github.icl4j.train.ModelInit}: random Llama-family weights that can be trained;</li>
 *   <li>{@link io.github.icl4j.train.TrainingConfig} and {@link io.github.icl4j.train.Trainer}: AdamW with
 *       warm-up and cosine decay, gradient clipping, seeded data, periodic evaluation and checkpoints in the
 *       Hugging Face layout;</li>
 *   <li>{@link io.github.icl4j.train.SyntheticIclTask}: episodes in the library's prompt format whose
 *       foo/bar mapping can only be learned from the context;</li>
 *   <li>{@link io.github.icl4j.train.WordLevelTokenizerJson}: a word-level {@code tokenizer.json} for a
 *       closed vocabulary.</li>
 * </ul>
 */
package io.github.icl4j.train;
