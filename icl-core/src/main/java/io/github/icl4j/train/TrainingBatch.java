package io.github.icl4j.train;

import java.util.Arrays;

/**
 * Token sequences to train on, and in each the positions of the tokens the loss is taken on: the model's
 * prediction at {@code p − 1} is scored against the token at {@code p}.
 *
 * @param sequences token ids, one array per sequence (lengths may differ: the batch is padded)
 * @param targets   for each sequence, the positions (in [1, length)) whose tokens are predicted
 */
public record TrainingBatch(long[][] sequences, int[][] targets) {
    public TrainingBatch {
        if (sequences.length == 0 || sequences.length != targets.length) {
            throw new IllegalArgumentException("a batch needs >= 1 sequence and one target list per sequence; got "
                    + sequences.length + " sequences and " + targets.length + " target lists");
        }
        sequences = sequences.clone();
        targets = targets.clone();
        for (int i = 0; i < sequences.length; i++) {
            for (int p : targets[i]) {
                if (p < 1 || p >= sequences[i].length) {
                    throw new IllegalArgumentException("target position " + p + " of sequence " + i
                            + " out of range [1, " + sequences[i].length + ")");
                }
            }
        }
    }

    /** Number of sequences. */
    public int size() {
        return sequences.length;
    }

    /** Number of target tokens in the batch. */
    public int targetCount() {
        return Arrays.stream(targets).mapToInt(t -> t.length).sum();
    }
}
