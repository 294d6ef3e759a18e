package io.github.icl4j.bias;

import io.github.icl4j.PromptTokens;
import java.util.ArrayList;
import java.util.List;

/**
 * A hand-made prompt for the random parity models (vocabulary 101): demonstrations whose label words (id 7 for
 * class 0, 9 for class 1) sit at positions 2, 5, 8, (11), then a query.
 */
record Toy(long[] tokenIds, int[] labelPositions, int[] demoLabels, int queryLabel) implements PromptTokens {

    @Override
    public long[] tokenIds() {
        return tokenIds.clone();
    }

    @Override
    public int[] labelPositions() {
        return labelPositions.clone();
    }

    @Override
    public int[] demoLabels() {
        return demoLabels.clone();
    }

    @Override
    public long[] labelTokenIds() {
        return new long[] {7, 9};
    }

    /** Five prompts with one demonstration of class {@code labels[j]} at position {@code 2 + 3j}. */
    static List<Toy> prompts(int... labels) {
        long[][] queries = {{65, 35}, {89, 79, 32}, {38, 46}, {26, 43, 83, 27}, {95, 2}};
        long[] filler = {3, 14, 15, 92, 44, 21, 53, 58, 97, 93};
        int[] positions = new int[labels.length];
        long[] prefix = new long[3 * labels.length];
        for (int j = 0; j < labels.length; j++) {
            prefix[3 * j] = filler[(2 * j) % filler.length];
            prefix[3 * j + 1] = filler[(2 * j + 1) % filler.length];
            prefix[3 * j + 2] = labels[j] == 0 ? 7 : 9;
            positions[j] = 3 * j + 2;
        }
        List<Toy> out = new ArrayList<>();
        for (int i = 0; i < queries.length; i++) {
            long[] ids = new long[prefix.length + queries[i].length];
            System.arraycopy(prefix, 0, ids, 0, prefix.length);
            System.arraycopy(queries[i], 0, ids, prefix.length, queries[i].length);
            out.add(new Toy(ids, positions, labels.clone(), i % 2));
        }
        return out;
    }
}
