package io.github.icl4j;

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
     * Character spans of everything a prompt needs located: per demonstration its text and its label word, the
     * query's text, and where the query part starts (the end of the shared prefix).
     */
    record Rendered(String text, int[] textStart, int[] textEnd, int[] labelStart, int[] labelEnd,
            int queryTextStart, int queryTextEnd, int prefixEnd) {
    }

    Rendered render(List<Example> demonstrations, String queryText, LabelWords words) {
        Objects.requireNonNull(queryText, "query text");
        int n = demonstrations.size();
        int[] ts = new int[n];
        int[] te = new int[n];
        int[] ls = new int[n];
        int[] le = new int[n];
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            Example d = demonstrations.get(i);
            String word = words.word(d.label());
            sb.append(beforeText);
            ts[i] = sb.length();
            sb.append(d.text());
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
