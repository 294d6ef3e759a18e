package io.github.icl4j;

/**
 * Each head's output at each prompt's last position, in model space without the projection bias
 * ({@code hook_result}): {@code vectors[prompt][layer][head][d]}. Their sum over heads plus the bias is the
 * attention output.
 *
 * @param vectors {@code [prompt][layer][head][dModel]}
 */
public record HeadOutputs(float[][][][] vectors) {
    public HeadOutputs {
        float[][][][] c = new float[vectors.length][][][];
        for (int i = 0; i < vectors.length; i++) {
            c[i] = new float[vectors[i].length][][];
            for (int l = 0; l < vectors[i].length; l++) {
                c[i][l] = new float[vectors[i][l].length][];
                for (int h = 0; h < vectors[i][l].length; h++) {
                    c[i][l][h] = vectors[i][l][h].clone();
                }
            }
        }
        vectors = c;
    }

    /** One head's output for one prompt. */
    public float[] of(int prompt, HeadId head) {
        return vectors[prompt][head.layer()][head.head()].clone();
    }

    /** Number of prompts. */
    public int size() {
        return vectors.length;
    }

    @Override
    public String toString() {
        int layers = vectors.length == 0 ? 0 : vectors[0].length;
        int heads = layers == 0 ? 0 : vectors[0][0].length;
        int d = heads == 0 ? 0 : vectors[0][0][0].length;
        return "HeadOutputs[" + vectors.length + " prompts × " + layers + " layers × " + heads + " heads × d " + d + "]";
    }
}
