package io.github.icl4j.bias;

import io.github.icl4j.TokenPrompt;
import java.util.ArrayList;
import java.util.List;

/**
 * Hand-made prompts for the random parity models (vocabulary 101): demonstrations whose label words (id 7 for
 * class 0, 9 for class 1) sit at positions 2, 5, 8, (11), then a query.
 */
final class Toy {
    private Toy() {
    }

    /** Five prompts with one demonstration of class {@code labels[j]} at position {@code 2 + 3j}. */
    static List<TokenPrompt> prompts(int... labels) {
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
        List<TokenPrompt> out = new ArrayList<>();
        for (int i = 0; i < queries.length; i++) {
            long[] ids = new long[prefix.length + queries[i].length];
            System.arraycopy(prefix, 0, ids, 0, prefix.length);
            System.arraycopy(queries[i], 0, ids, prefix.length, queries[i].length);
            out.add(new TokenPrompt(ids, positions, labels, new long[] {7, 9}, i % 2));
        }
        return out;
    }
}
