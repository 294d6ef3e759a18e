package io.github.icl4j.heads;

import java.util.Arrays;

/**
 * Every head's log-probability increase on each prompt of one data set (METHOD §3.1 before averaging): the values
 * {@link HeadScores} averages, kept per prompt so that prompts can be scored in shards (on several machines) and
 * combined later with {@link HeadScores#combine}, to the same numbers as one {@link InContextHeads#scores} call.
 *
 * @param labelTokenIds the label token ids by class
 * @param gold          each prompt's gold class (-1 when unknown)
 * @param scores        {@code [prompt][class][layer][head]}
 */
public record PromptScores(long[] labelTokenIds, int[] gold, float[][][][] scores) {

    /**
     * Copies the arrays.
     *
     * @throws IllegalArgumentException when {@code gold} and {@code scores} disagree on the number of prompts
     */
    public PromptScores {
        if (gold.length != scores.length) {
            throw new IllegalArgumentException("gold labels for " + gold.length + " prompts but scores for "
                    + scores.length);
        }
        labelTokenIds = labelTokenIds.clone();
        gold = gold.clone();
        scores = copy(scores);
    }

    @Override
    public long[] labelTokenIds() {
        return labelTokenIds.clone();
    }

    @Override
    public int[] gold() {
        return gold.clone();
    }

    @Override
    public float[][][][] scores() {
        return copy(scores);
    }

    /** Prompts scored. */
    public int prompts() {
        return gold.length;
    }

    /** The score of head {@code (layer, head)} for class {@code c} on prompt {@code i}. */
    public float score(int i, int c, int layer, int head) {
        return scores[i][c][layer][head];
    }

    private static float[][][][] copy(float[][][][] a) {
        float[][][][] out = new float[a.length][][][];
        for (int i = 0; i < a.length; i++) {
            out[i] = new float[a[i].length][][];
            for (int c = 0; c < a[i].length; c++) {
                out[i][c] = new float[a[i][c].length][];
                for (int l = 0; l < a[i][c].length; l++) {
                    out[i][c][l] = a[i][c][l].clone();
                }
            }
        }
        return out;
    }

    /** {@code PromptScores[40 prompts, 2 classes, label ids [7, 9]]}. */
    @Override
    public String toString() {
        return "PromptScores[" + gold.length + " prompts, " + (scores.length == 0 ? 0 : scores[0].length)
                + " classes, label ids " + Arrays.toString(labelTokenIds) + "]";
    }
}
