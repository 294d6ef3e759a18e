package io.github.icl4j.train;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Writes a Hugging Face {@code tokenizer.json} for a closed, word-level vocabulary.
 *
 * <p>The tokenizer splits text with the {@code Whitespace} pre-tokenizer (runs of word characters, or runs of
 * other non-space characters: {@code "Label:"} becomes {@code Label}, {@code :}), or with
 * {@link Split#WHITESPACE_ONLY} the {@code WhitespaceSplit} one ({@code "Label:"} stays one piece), maps each piece
 * to its id and anything else to {@code <unk>} (id 0). Whitespace itself is not a token, so {@code " foo"} is the single
 * token {@code foo}. The {@code WordPiece} decoder puts a space between tokens on decoding.
 * <pre>{@code
 * String json = WordLevelTokenizerJson.build(List.of("Sentence", "Label", ":", "foo", "bar", "rumo", "tegi"));
 * try (Tokenizer tok = Tokenizer.fromJson(json, "word-level")) {
 *     long foo = tok.singleTokenId(" foo");   // 4
 * }
 * }</pre>
 */
public final class WordLevelTokenizerJson {
    /** The unknown token, always id 0. */
    public static final String UNK = "<unk>";

    private static final Pattern WORD = Pattern.compile("\\w+|[^\\w\\s]+");
    private static final Pattern NON_SPACE = Pattern.compile("\\S+");

    /** How the tokenizer cuts text into the pieces it looks up. */
    public enum Split {
        /** Hugging Face {@code Whitespace}: runs of word characters, runs of other non-space characters. */
        WORDS_AND_PUNCTUATION,
        /** Hugging Face {@code WhitespaceSplit}: every run of non-space characters is one piece. */
        WHITESPACE_ONLY
    }
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private WordLevelTokenizerJson() {
    }

    /**
     * The text of a {@code tokenizer.json} whose vocabulary is {@code <unk>} (id 0) followed by
     * {@code vocab} in order (ids 1, 2, ...). A leading {@code <unk>} in {@code vocab} is accepted and not
     * repeated.
     *
     * @throws IllegalArgumentException for an empty, duplicate or blank entry, or one the pre-tokenizer would
     *                                  split (it could never be produced), naming the entry and its index
     */
    public static String build(List<String> vocab) {
        return build(vocab, Split.WORDS_AND_PUNCTUATION);
    }

    /**
     * As {@link #build(List)}, with the given split.
     *
     * @throws IllegalArgumentException for an empty, duplicate or blank entry, or one the split would cut (it could
     *                                  never be produced), naming the entry and its index
     */
    public static String build(List<String> vocab, Split split) {
        java.util.Objects.requireNonNull(split, "split");
        ObjectNode root = JSON.createObjectNode();
        root.put("version", "1.0");
        root.putNull("truncation");
        root.putNull("padding");
        ObjectNode unk = root.putArray("added_tokens").addObject();
        unk.put("id", 0);
        unk.put("content", UNK);
        unk.put("single_word", false);
        unk.put("lstrip", false);
        unk.put("rstrip", false);
        unk.put("normalized", false);
        unk.put("special", true);
        root.putNull("normalizer");
        root.putObject("pre_tokenizer").put("type", split == Split.WHITESPACE_ONLY ? "WhitespaceSplit" : "Whitespace");
        root.putNull("post_processor");
        ObjectNode decoder = root.putObject("decoder");
        decoder.put("type", "WordPiece");
        decoder.put("prefix", "##");
        decoder.put("cleanup", false);
        ObjectNode model = root.putObject("model");
        model.put("type", "WordLevel");
        ObjectNode ids = model.putObject("vocab");
        ids.put(UNK, 0);
        Set<String> seen = new HashSet<>();
        seen.add(UNK);
        int next = 1;
        for (int i = 0; i < vocab.size(); i++) {
            String w = vocab.get(i);
            if (i == 0 && UNK.equals(w)) {
                continue;
            }
            if (w == null || w.isBlank()) {
                throw new IllegalArgumentException("vocabulary entry " + i + " is empty or blank");
            }
            if (split == Split.WHITESPACE_ONLY ? !NON_SPACE.matcher(w).matches() : !WORD.matcher(w).matches()) {
                throw new IllegalArgumentException("vocabulary entry " + i + " '" + w + "' would be split by the "
                        + (split == Split.WHITESPACE_ONLY ? "WhitespaceSplit pre-tokenizer (entries must match \\S+)"
                                : "Whitespace pre-tokenizer (entries must match \\w+ or [^\\w\\s]+)"));
            }
            if (!seen.add(w)) {
                throw new IllegalArgumentException("vocabulary entry " + i + " '" + w + "' is a duplicate");
            }
            ids.put(w, next++);
        }
        model.put("unk_token", UNK);
        try {
            return JSON.writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
