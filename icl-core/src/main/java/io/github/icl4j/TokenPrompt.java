package io.github.icl4j;

import java.util.Objects;

/**
 * A prompt given directly as token ids, with its demonstrations' label positions and classes: the plain
 * {@link PromptTokens} for hand-made or rewritten prompts (a swapped query, a test's toy prompt). The arrays are
 * copied in and out, so a {@code TokenPrompt} never changes.
 *
 * @param tokenIds token ids of the whole prompt
 * @param labelPositions token index of every demonstration's label word
 * @param demoLabels class of each demonstration, aligned with {@code labelPositions}
 * @param labelTokenIds token id of each class's label word, indexed by class
 * @param queryLabel gold class of the query, or -1 when unknown
 */
public record TokenPrompt(long[] tokenIds, int[] labelPositions, int[] demoLabels, long[] labelTokenIds,
        int queryLabel) implements PromptTokens {

    /** Copies the arrays, so that later changes to the caller's arrays do not reach the prompt. */
    public TokenPrompt {
        tokenIds = Objects.requireNonNull(tokenIds, "tokenIds").clone();
        labelPositions = Objects.requireNonNull(labelPositions, "labelPositions").clone();
        demoLabels = Objects.requireNonNull(demoLabels, "demoLabels").clone();
        labelTokenIds = Objects.requireNonNull(labelTokenIds, "labelTokenIds").clone();
    }

    /** Token ids of the whole prompt (a copy). */
    @Override
    public long[] tokenIds() {
        return tokenIds.clone();
    }

    /** Token index of every demonstration's label word (a copy). */
    @Override
    public int[] labelPositions() {
        return labelPositions.clone();
    }

    /** Class of each demonstration, aligned with {@link #labelPositions()} (a copy). */
    @Override
    public int[] demoLabels() {
        return demoLabels.clone();
    }

    /** Token id of each class's label word, indexed by class (a copy). */
    @Override
    public long[] labelTokenIds() {
        return labelTokenIds.clone();
    }
}
