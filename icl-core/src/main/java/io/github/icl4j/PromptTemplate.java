package io.github.icl4j;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * How a prompt is written: a demonstration pattern with {@code {text}} and {@code {label}} (once each,
 * {@code {text}} first) and a separator between demonstrations. The query is the pattern cut just before
 * {@code {label}}, so the model's next token after the prompt is the label it predicts.
 *
 * <p>{@link #DEFAULT} (the METHOD's choice) writes
 * <pre>
 * Sentence: {text}\nLabel: foo\nSentence: {text}\nLabel: bar\n...Sentence: {query}\nLabel:
 * </pre>
 * from pattern {@code "Sentence: {text}\nLabel:{label}"} and separator {@code "\n"}; the label word brings its
 * own leading space ({@link LabelWords}).
 */
public final class PromptTemplate {
    /** Placeholder for the sentence. */
    public static final String TEXT = "{text}";
    /** Placeholder for the label word. */
    public static final String LABEL = "{label}";

    /** {@code Sentence: {text}\nLabel:{label}}, demonstrations separated by {@code \n}. */
    public static final PromptTemplate DEFAULT = of("Sentence: {text}\nLabel:{label}", "\n");

    private final String pattern;
    private final String separator;
    private final String beforeText;
    private final String betweenTextAndLabel;
    private final String afterLabel;

    private PromptTemplate(String pattern, String separator) {
        this.pattern = pattern;
        this.separator = separator;
        int t = pattern.indexOf(TEXT);
        int l = pattern.indexOf(LABEL);
        this.beforeText = pattern.substring(0, t);
        this.betweenTextAndLabel = pattern.substring(t + TEXT.length(), l);
        this.afterLabel = pattern.substring(l + LABEL.length());
    }

    /**
     * A template from a demonstration pattern and a separator.
     *
     * @throws IllegalArgumentException quoting the pattern when {@code {text}} or {@code {label}} is missing or
     *                                  repeated, or {@code {label}} comes before {@code {text}}
     */
    public static PromptTemplate of(String pattern, String separator) {
        if (pattern == null) {
            throw new IllegalArgumentException("template pattern must not be null");
        }
        if (separator == null) {
            throw new IllegalArgumentException("template separator must not be null (use \"\" for none)");
        }
        String expected = "; a demonstration pattern needs " + TEXT + " and " + LABEL + " exactly once each, "
                + TEXT + " first, e.g. \"Sentence: {text}\\nLabel:{label}\"";
        for (String placeholder : List.of(TEXT, LABEL)) {
            int n = occurrences(pattern, placeholder);
            if (n != 1) {
                throw new IllegalArgumentException("template \"" + escape(pattern) + "\" has " + placeholder + " "
                        + n + " times" + expected);
            }
        }
        if (pattern.indexOf(LABEL) < pattern.indexOf(TEXT)) {
            throw new IllegalArgumentException("template \"" + escape(pattern) + "\" has " + LABEL + " before "
                    + TEXT + expected);
        }
        return new PromptTemplate(pattern, separator);
    }

    /** The demonstration pattern. */
    public String pattern() {
        return pattern;
    }

    /** What goes between demonstrations, and between the last demonstration and the query. */
    public String separator() {
        return separator;
    }

    /** The query pattern: the demonstration pattern cut just before {@code {label}}. */
    public String queryPattern() {
        return beforeText + TEXT + betweenTextAndLabel;
    }

    /**
     * The prompt text for these demonstrations and this query; {@link IclPrompt.Builder#build} makes the same
     * text and also locates every part of it in tokens.
     *
     * @throws IllegalArgumentException for a demonstration whose label has no word in {@code words}
     */
    public String render(Demonstrations demonstrations, Example query, LabelWords words) {
        return render(demonstrations.examples(), query.text(), words).text();
    }

    /**
     * A rendered prompt with the character span of every part a prompt needs located.
     *
     * @param text           the prompt text
     * @param textStart      first character of each demonstration's text
     * @param textEnd        one past the last character of each demonstration's text
     * @param labelStart     first character of each demonstration's label word
     * @param labelEnd       one past the last character of each demonstration's label word
     * @param queryTextStart first character of the query's text
     * @param queryTextEnd   one past the last character of the query's text
     * @param prefixEnd      where the query part starts: the end of the demonstrations part, which every query with
     *                       these demonstrations shares
     */
    public record Rendered(String text, int[] textStart, int[] textEnd, int[] labelStart, int[] labelEnd,
            int queryTextStart, int queryTextEnd, int prefixEnd) {
        /** Copies the arrays. */
        public Rendered {
            textStart = textStart.clone();
            textEnd = textEnd.clone();
            labelStart = labelStart.clone();
            labelEnd = labelEnd.clone();
        }

        /** First character of each demonstration's text (a copy). */
        @Override
        public int[] textStart() {
            return textStart.clone();
        }

        /** One past the last character of each demonstration's text (a copy). */
        @Override
        public int[] textEnd() {
            return textEnd.clone();
        }

        /** First character of each demonstration's label word (a copy). */
        @Override
        public int[] labelStart() {
            return labelStart.clone();
        }

        /** One past the last character of each demonstration's label word (a copy). */
        @Override
        public int[] labelEnd() {
            return labelEnd.clone();
        }
    }

    Rendered render(List<Example> demonstrations, String queryText, LabelWords words) {
        Objects.requireNonNull(queryText, "query text");
        List<String> texts = new ArrayList<>(demonstrations.size());
        List<String> labels = new ArrayList<>(demonstrations.size());
        for (Example d : demonstrations) {
            texts.add(d.text());
            labels.add(words.word(d.label()));
        }
        return render(texts, labels, queryText);
    }

    /**
     * The prompt of demonstration texts {@code texts} labelled {@code labelWords} (one word per demonstration, each
     * with its own leading space, e.g. {@code " foo"}) and the query text, with the character span of every part.
     * The synthetic task renders its episodes, whose label words vary from episode to episode, through this.
     *
     * @throws IllegalArgumentException for lists of different lengths or a null element
     */
    public Rendered render(List<String> texts, List<String> labelWords, String queryText) {
        if (texts == null || labelWords == null || queryText == null || texts.size() != labelWords.size()) {
            throw new IllegalArgumentException("render needs as many label words as demonstration texts and a query "
                    + "text; got " + (texts == null ? "null" : texts.size()) + " texts, "
                    + (labelWords == null ? "null" : labelWords.size()) + " label words, query "
                    + (queryText == null ? "null" : "\"" + escape(queryText) + "\""));
        }
        int n = texts.size();
        int[] ts = new int[n];
        int[] te = new int[n];
        int[] ls = new int[n];
        int[] le = new int[n];
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            String text = texts.get(i);
            String word = labelWords.get(i);
            if (text == null || word == null) {
                throw new IllegalArgumentException("demonstration " + i + " has a null " + (text == null ? "text"
                        : "label word"));
            }
            sb.append(beforeText);
            ts[i] = sb.length();
            sb.append(text);
            te[i] = sb.length();
            sb.append(betweenTextAndLabel);
            ls[i] = sb.length();
            sb.append(word);
            le[i] = sb.length();
            sb.append(afterLabel).append(separator);
        }
        int prefixEnd = sb.length();
        sb.append(beforeText);
        int qs = sb.length();
        sb.append(queryText);
        int qe = sb.length();
        sb.append(betweenTextAndLabel);
        return new Rendered(sb.toString(), ts, te, ls, le, qs, qe, prefixEnd);
    }

    private static int occurrences(String s, String sub) {
        int n = 0;
        for (int i = s.indexOf(sub); i >= 0; i = s.indexOf(sub, i + sub.length())) {
            n++;
        }
        return n;
    }

    /** Newlines and tabs shown as {@code \n} and {@code \t}, so a template reads on one line in a message. */
    static String escape(String s) {
        return s.replace("\\", "\\\\").replace("\n", "\\n").replace("\t", "\\t").replace("\r", "\\r");
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PromptTemplate t && pattern.equals(t.pattern) && separator.equals(t.separator);
    }

    @Override
    public int hashCode() {
        return pattern.hashCode() * 31 + separator.hashCode();
    }

    /** {@code PromptTemplate["Sentence: {text}\nLabel:{label}", separator "\n"]}, newlines escaped. */
    @Override
    public String toString() {
        return "PromptTemplate[\"" + escape(pattern) + "\", separator \"" + escape(separator) + "\"]";
    }
}
