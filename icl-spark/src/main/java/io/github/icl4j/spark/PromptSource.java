package io.github.icl4j.spark;

import io.github.icl4j.Model;
import io.github.icl4j.PromptTokens;
import java.io.Serializable;
import java.util.List;

/**
 * A user's own prompts for a sweep cell, built on each executor from the model it loaded (so its tokenizer is at
 * hand). It travels to the executors serialised: capture plain data (paths, names, seeds), never a {@link Model},
 * tokenizer or tensor, which hold native memory and do not serialise ({@link SparkHeads} says which cell's source
 * fails before any task runs). It must return the same prompts in the same order on every call.
 */
@FunctionalInterface
public interface PromptSource extends Serializable {
    /** The prompts, tokenised by {@code model}'s tokenizer. */
    List<? extends PromptTokens> build(Model model);
}
