package io.github.icl4j;

/**
 * What the {@link Probe} needs of a prompt: its tokens and where its label words and prediction are.
 * {@code IclPrompt} implements it; so can any hand-made prompt.
 */
public interface PromptTokens {
    /** Token ids of the whole prompt. */
    long[] tokenIds();

    /** Index of the final token, whose next-token distribution is the prediction. */
    default int lastPosition() {
        return tokenIds().length - 1;
    }

    /** Token index of every demonstration's label word (empty when the prompt has none). */
    default int[] labelPositions() {
        return new int[0];
    }

    /** Class of each demonstration, aligned with {@link #labelPositions()}. */
    default int[] demoLabels() {
        return new int[0];
    }

    /** Token id of each class's label word. */
    default long[] labelTokenIds() {
        return new long[0];
    }

    /** Gold class of the query, or -1 when unknown. */
    default int queryLabel() {
        return -1;
    }

    /** Leading tokens shared with other prompts built from the same demonstrations (0 = none). */
    default int prefixLength() {
        return 0;
    }

    /** A prompt of bare tokens. */
    static PromptTokens of(long... ids) {
        long[] copy = ids.clone();
        return () -> copy.clone();
    }
}
