package io.github.icl4j;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;

/**
 * The word written for each class in a prompt: class index → label word. The method uses semantically
 * unrelated words ({@link #FOO_BAR}) so that the model must learn the task from the demonstrations rather than
 * from the label's meaning.
 *
 * <p>Words carry their leading space ({@code " foo"}), because that is how they follow {@code "Label:"} in the
 * prompt and how a BPE vocabulary stores them; each must be a single token, which {@link #ids(Tokenizer)} checks.
 * <pre>{@code
 * LabelWords words = LabelWords.FOO_BAR;        // 0 → " foo", 1 → " bar"
 * long[] ids = words.ids(tokenizer);           // GPT-2: [22944, 2318]
 * LabelWords swapped = words.flipped();        // 0 → " bar", 1 → " foo"
 * }</pre>
 */
public final class LabelWords {
    /** The METHOD's default: class 0 → {@code " foo"}, class 1 → {@code " bar"}. */
    public static final LabelWords FOO_BAR = of(" foo", " bar");

    private final List<String> words;

    private LabelWords(List<String> words) {
        this.words = words;
    }

    /**
     * Label words by class: {@code words[i]} is written for class {@code i}.
     *
     * @throws IllegalArgumentException for no words, an empty or blank word, or a repeated word
     */
    public static LabelWords of(String... words) {
        Objects.requireNonNull(words, "words");
        List<String> list = new ArrayList<>();
        for (int i = 0; i < words.length; i++) {
            String w = words[i];
            if (w == null || w.isBlank()) {
                throw new IllegalArgumentException("label word " + i + " is " + (w == null ? "null" : "'" + w + "'")
                        + "; a label word must have a visible character");
            }
            list.add(w);
        }
        if (list.isEmpty()) {
            throw new IllegalArgumentException("need at least one label word, got none");
        }
        if (new HashSet<>(list).size() != list.size()) {
            throw new IllegalArgumentException("label words must differ, got " + quoted(list));
        }
        return new LabelWords(List.copyOf(list));
    }

    /** The words, indexed by class. */
    public List<String> words() {
        return words;
    }

    /** Number of classes covered. */
    public int size() {
        return words.size();
    }

    /**
     * The word of class {@code label}.
     *
     * @throws IllegalArgumentException for a label outside {@code [0, size())}
     */
    public String word(int label) {
        if (label < 0 || label >= words.size()) {
            throw new IllegalArgumentException("label " + label + " has no label word; label words cover [0, "
                    + words.size() + ") " + quoted(words));
        }
        return words.get(label);
    }

    /**
     * The two words swapped (class 0 gets class 1's word and back): the control in which the demonstrations'
     * mapping is inverted.
     *
     * @throws IllegalStateException when there are not exactly two words (a swap is then ambiguous)
     */
    public LabelWords flipped() {
        if (words.size() != 2) {
            throw new IllegalStateException("flipped() swaps two label words; these are " + words.size() + ": "
                    + quoted(words));
        }
        return new LabelWords(List.of(words.get(1), words.get(0)));
    }

    /**
     * The token id of each word, indexed by class, checking that each is exactly one token and that the ids
     * differ (two words on one token could not be told apart).
     *
     * @throws IllegalArgumentException naming the word and the pieces it splits into (from
     *                                  {@link Tokenizer#singleTokenId}), or the words sharing an id
     */
    public long[] ids(Tokenizer tokenizer) {
        Objects.requireNonNull(tokenizer, "tokenizer");
        long[] ids = new long[words.size()];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = tokenizer.singleTokenId(words.get(i));
            for (int j = 0; j < i; j++) {
                if (ids[j] == ids[i]) {
                    throw new IllegalArgumentException("label words '" + words.get(j) + "' and '" + words.get(i)
                            + "' are the same token " + ids[i] + " with " + tokenizer.source()
                            + "; label words must be distinct tokens");
                }
            }
        }
        return ids;
    }

    private static String quoted(List<String> words) {
        List<String> q = new ArrayList<>();
        for (String w : words) {
            q.add("'" + w + "'");
        }
        return q.toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LabelWords w && words.equals(w.words);
    }

    @Override
    public int hashCode() {
        return words.hashCode();
    }

    /** {@code LabelWords[0 ' foo', 1 ' bar']}. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("LabelWords[");
        for (int i = 0; i < words.size(); i++) {
            sb.append(i == 0 ? "" : ", ").append(i).append(" '").append(words.get(i)).append('\'');
        }
        return sb.append(']').toString();
    }
}
