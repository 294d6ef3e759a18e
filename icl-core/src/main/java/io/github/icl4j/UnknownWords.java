package io.github.icl4j;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Words a word-level tokenizer does not know. A WordLevel {@code tokenizer.json} (the built-in model's) maps every
 * unknown word to its {@code unk_token} without a word of warning, so a prompt of real sentences would reach the
 * model as a row of {@code <unk>}s: a silent wrong answer. {@link Tokenizer#encode} logs them (a warning naming the
 * words, each word once) and {@link Tokenizer#unknownWords} lists them for code that wants to refuse such text.
 * Subword tokenizers (BPE, Unigram, WordPiece) can spell any text and are not checked.
 */
final class UnknownWords {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Tokenizer.class);
    private static final int SHOWN = 8;
    private static final int MAX_REPORTED = 64;

    private UnknownWords() {
    }

    /** The unknown token's id of a WordLevel model, or -1 for other models or none declared. */
    static long unkId(JsonNode tokenizerJson) {
        JsonNode model = tokenizerJson.path("model");
        if (!"WordLevel".equals(model.path("type").asText()) || !model.path("unk_token").isTextual()) {
            return -1;
        }
        JsonNode id = model.path("vocab").path(model.path("unk_token").asText());
        return id.canConvertToLong() ? id.asLong() : -1;
    }

    /** The distinct words of {@code e} read as the unknown token (the unknown token written out is not one). */
    static List<String> of(Encoding e, long unkId, String unkText) {
        Set<String> unknown = new LinkedHashSet<>();
        for (int i = 0; unkId >= 0 && i < e.length(); i++) {
            if (e.id(i) == unkId) {
                String word = e.startOf(i) < 0 ? "?" : e.text().substring(e.startOf(i), e.endOf(i));
                if (!word.equals(unkText)) {
                    unknown.add(word);
                }
            }
        }
        return List.copyOf(unknown);
    }

    /** Logs the words not reported before (at most {@link #MAX_REPORTED} per tokenizer, then one last line). */
    static void report(List<String> words, Set<String> reported, String unkText, String source) {
        List<String> fresh = new ArrayList<>();
        synchronized (reported) {
            for (String w : words) {
                if (reported.size() < MAX_REPORTED && reported.add(w)) {
                    fresh.add(w);
                }
            }
            if (fresh.isEmpty()) {
                return;
            }
            LOG.warn("{} word(s) not in the vocabulary of the word-level tokenizer {}, each read as {}: {}{}",
                    fresh.size(), source, unkText, fresh.subList(0, Math.min(SHOWN, fresh.size())),
                    reported.size() >= MAX_REPORTED ? " (no more are reported for this tokenizer)" : "");
        }
    }
}
