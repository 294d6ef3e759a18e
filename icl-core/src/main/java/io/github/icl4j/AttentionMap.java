package io.github.icl4j;

import java.util.Arrays;

/**
 * Attention from each prompt's last position to chosen positions, for every layer and head:
 * {@code weights[prompt][layer][head][i]} is the attention to {@code positions[prompt][i]}.
 *
 * @param positions the key positions read, per prompt
 * @param weights   {@code [prompt][layer][head][position]}
 */
public record AttentionMap(int[][] positions, float[][][][] weights) {
    public AttentionMap {
        positions = deepCopy(positions);
        weights = deepCopy(weights);
    }

    /** Attention of one head of one prompt to its positions. */
    public float[] of(int prompt, HeadId head) {
        return weights[prompt][head.layer()][head.head()].clone();
    }

    /** Sum over positions for one prompt and head. */
    public double total(int prompt, HeadId head) {
        double s = 0;
        for (float v : weights[prompt][head.layer()][head.head()]) {
            s += v;
        }
        return s;
    }

    @Override
    public int[][] positions() {
        return deepCopy(positions);
    }

    @Override
    public float[][][][] weights() {
        return deepCopy(weights);
    }

    /** Number of prompts. */
    public int size() {
        return weights.length;
    }

    private static int[][] deepCopy(int[][] a) {
        int[][] c = new int[a.length][];
        for (int i = 0; i < a.length; i++) {
            c[i] = a[i].clone();
        }
        return c;
    }

    private static float[][][][] deepCopy(float[][][][] a) {
        float[][][][] c = new float[a.length][][][];
        for (int i = 0; i < a.length; i++) {
            c[i] = new float[a[i].length][][];
            for (int l = 0; l < a[i].length; l++) {
                c[i][l] = new float[a[i][l].length][];
                for (int h = 0; h < a[i][l].length; h++) {
                    c[i][l][h] = a[i][l][h].clone();
                }
            }
        }
        return c;
    }

    @Override
    public String toString() {
        int layers = weights.length == 0 ? 0 : weights[0].length;
        int heads = layers == 0 ? 0 : weights[0][0].length;
        return "AttentionMap[" + weights.length + " prompts × " + layers + " layers × " + heads + " heads, positions "
                + (positions.length == 1 ? Arrays.toString(positions[0]) : positions.length + " lists") + "]";
    }
}
