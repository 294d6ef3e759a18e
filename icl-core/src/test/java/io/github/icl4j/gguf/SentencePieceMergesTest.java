package io.github.icl4j.gguf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Merge recovery of SentencePiece vocabularies (issue 14, item 6): the same merges as every split, in linear time. */
class SentencePieceMergesTest {
    /** Every split of every token, as transformers' generate_merges does: the reference. */
    private static List<String> bruteForce(float[] scores, Map<String, Integer> ids) {
        record M(String l, String r, float score, int li, int ri, long order) {
        }
        List<M> all = new ArrayList<>();
        long order = 0;
        for (var e : ids.entrySet()) {
            String p = e.getKey();
            List<M> local = new ArrayList<>();
            for (int k = 1; k < p.length(); k++) {
                Integer li = ids.get(p.substring(0, k));
                Integer ri = ids.get(p.substring(k));
                if (li != null && ri != null) {
                    local.add(new M(p.substring(0, k), p.substring(k), scores[e.getValue()], li, ri, 0));
                }
            }
            local.sort(Comparator.comparingInt(M::li).thenComparingInt(M::ri));
            for (M m : local) {
                all.add(new M(m.l, m.r, m.score, m.li, m.ri, order++));
            }
        }
        all.sort(Comparator.comparingDouble((M m) -> -m.score).thenComparingInt(m -> -m.l.length())
                .thenComparingInt(m -> -m.r.length()).thenComparingLong(M::order));
        return all.stream().map(m -> m.l + " " + m.r).toList();
    }

    private static List<String> fast(float[] scores, Map<String, Integer> ids) {
        return SentencePieceMerges.merges(scores, ids).stream().map(p -> p[0] + " " + p[1]).toList();
    }

    @Test
    void sameMergesAsEverySplitOnRandomVocabularies() {
        Random r = new Random(6);
        for (int trial = 0; trial < 200; trial++) {
            Map<String, Integer> ids = new LinkedHashMap<>();
            int size = 5 + r.nextInt(40);
            while (ids.size() < size) {
                int len = 1 + r.nextInt(r.nextBoolean() ? 3 : 9);
                StringBuilder b = new StringBuilder();
                for (int i = 0; i < len; i++) {
                    b.append("abc".charAt(r.nextInt(3)));
                }
                ids.putIfAbsent(b.toString(), ids.size());
            }
            float[] scores = new float[size];
            for (int i = 0; i < size; i++) {
                scores[i] = r.nextInt(5); // ties exercise the stable order
            }
            assertThat(fast(scores, ids)).as("trial " + trial).isEqualTo(bruteForce(scores, ids));
        }
    }

    @Test
    void aHugeTokenDoesNotTakeQuadraticTime() {
        Map<String, Integer> ids = new LinkedHashMap<>();
        for (String t : List.of("a", "b", "ab", "ba", "aab")) {
            ids.put(t, ids.size());
        }
        String huge = "ab".repeat(1_000_000) + "a"; // 2 MB: every split built both halves before (hours)
        ids.put(huge, ids.size());
        ids.put(huge + "b", ids.size());
        float[] scores = new float[ids.size()];
        List<String> merges = assertTimeoutPreemptively(Duration.ofSeconds(60), () -> fast(scores, ids));
        assertThat(merges).contains("a b", "b a", "a ab", huge + " b").doesNotContain(huge.substring(1) + " x");
    }
}
