package io.github.icl4j;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Where the pieces of a rendered prompt land in its tokens: the label word's own token (refused when it merged
 * with a neighbour), the tokens of a text span, and how many tokens the demonstrations part has on its own.
 */
final class PromptTokenSpans {
    private PromptTokenSpans() {
    }

    /**
     * The token that is exactly the label word written at characters {@code [from, to)}. Its span must equal
     * the word's, or the word's without surrounding whitespace (tokenizers that leave spaces out of offsets),
     * no other token may overlap the word, and its id must be the word's single-token id.
     */
    static int labelToken(Encoding enc, Tokenizer tokenizer, String word, int demo, int from, int to,
            long wordId) {
        int first = enc.firstTokenIn(from, to);
        int last = enc.lastTokenIn(from, to);
        int lead = word.length() - word.stripLeading().length();
        int trail = word.length() - word.stripTrailing().length();
        boolean alone = first >= 0 && first == last
                && ((enc.startOf(first) == from && enc.endOf(first) == to)
                || (enc.startOf(first) == from + lead && enc.endOf(first) == to - trail));
        if (!alone) {
            int a = first < 0 ? enc.firstTokenIn(Math.max(0, from - 1), to + 1) : first;
            int b = last < 0 ? a : last;
            throw new IllegalArgumentException("label word '" + word + "' of demonstration " + demo
                    + " (characters [" + from + ", " + to + ")) is not a token of its own: it merged with its"
                    + " neighbours into " + pieces(enc, a, b) + "; change the template so that the label word"
                    + " stands alone");
        }
        if (enc.id(first) != wordId) {
            throw new IllegalArgumentException("label word '" + word + "' of demonstration " + demo
                    + " became token " + enc.id(first) + " '" + tokenizer.decode(enc.id(first))
                    + "' in the prompt, not its single-token id " + wordId);
        }
        return first;
    }

    private static String pieces(Encoding enc, int a, int b) {
        if (a < 0) {
            return "no token";
        }
        List<String> out = new ArrayList<>();
        for (int t = a; t <= b; t++) {
            out.add("'" + PromptTemplate.escape(enc.text().substring(enc.startOf(t), enc.endOf(t))) + "'");
        }
        return "tokens " + a + ".." + b + " " + out;
    }

    /** Tokens overlapping characters {@code [from, to)}; an empty text gives an empty span where it sits. */
    static IclPrompt.Span tokensOf(Encoding enc, int from, int to) {
        int first = enc.firstTokenIn(from, to);
        if (first < 0) {
            int k = 0;
            while (k < enc.length() && enc.startOf(k) < to) {
                k++;
            }
            return new IclPrompt.Span(k, k);
        }
        return new IclPrompt.Span(first, enc.lastTokenIn(from, to) + 1);
    }

    /**
     * Number of tokens of the demonstrations part, or -1 when tokenising it alone does not give exactly the
     * prompt's first tokens, ending where the part ends.
     */
    static int prefixTokens(Encoding enc, Tokenizer tokenizer, String prefixText, Map<String, long[]> cache) {
        if (prefixText.isEmpty()) {
            return 0;
        }
        long[] alone = cache.computeIfAbsent(prefixText, t -> tokenizer.encode(t).ids());
        int k = alone.length;
        if (k == 0) {
            return enc.startOf(0) >= prefixText.length() ? 0 : -1;
        }
        // no token may straddle the boundary, and the tokens before it must be the part's own tokens
        if (k > enc.length() || enc.endOf(k - 1) > prefixText.length()
                || (k < enc.length() && enc.startOf(k) < prefixText.length())) {
            return -1;
        }
        for (int t = 0; t < k; t++) {
            if (enc.id(t) != alone[t]) {
                return -1;
            }
        }
        return k;
    }
}
