package io.github.icl4j.gguf;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Map;

/** The BPE merges of a SentencePiece vocabulary, recovered from its scores as transformers does. */
final class SentencePieceMerges {
    private SentencePieceMerges() {
    }

    /**
     * Merges implied by a SentencePiece vocabulary, as transformers' {@code generate_merges} derives them: every
     * split of a token into two tokens of the vocabulary, ordered by the merged token's score (best first), then
     * by the lengths of the two parts; within one token, by the parts' ids.
     *
     * <p>Linear in a token's length for a given vocabulary: only split points where both parts have the length of
     * some vocabulary token are tried, and the shorter part is looked up first (a 200 KB token took a minute when
     * every split built both halves).
     */
    static List<String[]> merges(float[] scores, Map<String, Integer> ids) {
        record Merge(String left, String right, float score, int li, int ri, int ll, int rl, long order) {
        }
        BitSet lengths = new BitSet();
        for (String piece : ids.keySet()) {
            lengths.set(piece.codePointCount(0, piece.length()));
        }
        List<Merge> all = new ArrayList<>();
        long order = 0;
        for (Map.Entry<String, Integer> e : ids.entrySet()) {
            String piece = e.getKey();
            float score = scores == null ? -e.getValue() : scores[e.getValue()];
            int n = piece.codePointCount(0, piece.length());
            if (n < 2) {
                continue;
            }
            List<Merge> local = new ArrayList<>();
            // candidate split points k (code points on the left) where both parts could be tokens
            for (int k = lengths.nextSetBit(1); k >= 0 && k < n; k = lengths.nextSetBit(k + 1)) {
                if (!lengths.get(n - k)) {
                    continue;
                }
                int offset = piece.offsetByCodePoints(0, k);
                Integer li;
                Integer ri;
                String l;
                String r;
                if (k <= n - k) {
                    l = piece.substring(0, offset);
                    li = ids.get(l);
                    if (li == null) {
                        continue;
                    }
                    r = piece.substring(offset);
                    ri = ids.get(r);
                } else {
                    r = piece.substring(offset);
                    ri = ids.get(r);
                    if (ri == null) {
                        continue;
                    }
                    l = piece.substring(0, offset);
                    li = ids.get(l);
                }
                if (li != null && ri != null) {
                    local.add(new Merge(l, r, score, li, ri, k, n - k, 0));
                }
            }
            local.sort((a, b) -> a.li != b.li ? Integer.compare(a.li, b.li) : Integer.compare(a.ri, b.ri));
            for (Merge mg : local) {
                all.add(new Merge(mg.left, mg.right, mg.score, mg.li, mg.ri, mg.ll, mg.rl, order++));
            }
        }
        // Python's sorted(..., key=(score, len(l), len(r)), reverse=True) is stable: ties keep their order.
        all.sort((a, b) -> {
            int c = Float.compare(b.score, a.score);
            if (c != 0) {
                return c;
            }
            c = Integer.compare(b.ll, a.ll);
            if (c != 0) {
                return c;
            }
            c = Integer.compare(b.rl, a.rl);
            return c != 0 ? c : Long.compare(a.order, b.order);
        });
        List<String[]> out = new ArrayList<>(all.size());
        for (Merge mg : all) {
            out.add(new String[] {mg.left, mg.right});
        }
        return out;
    }
}
