package io.github.icl4j;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;

/**
 * One tokenised in-context prompt — demonstrations then a query — with every position the method reads located
 * in tokens: each demonstration's label word (the <em>label positions</em>), each demonstration's sentence, the
 * query's sentence, and the last token, whose next-token distribution is the prediction.
 *
 * <p>Plain Java data, independent of any model or native memory. Positions come from the tokenizer's character
 * offsets of the rendered text, never from searching the tokens, and each label position is checked to hold the
 * label word's own single-token id.
 * <pre>{@code
 * IclPrompt.Builder prompts = IclPrompt.builder(tokenizer);          // DEFAULT template, foo/bar
 * Demonstrations demos = Demonstrations.sample(train, new int[] {2, 2}, 42, query);
 * IclPrompt p = prompts.build(demos, query);
 * // IclPrompt[57 tokens, 4 demos (foo,bar,foo,bar), query label bar, label positions [12, 25, 38, 51], last 56]
 * System.out.println(p.describe(tokenizer));                       // tokens with label positions marked
 * }</pre>
 *
 * @param text           the prompt text (without the BOS token, which has no text)
 * @param ids            the token ids fed to the model, BOS first when the builder adds one
 * @param labelPositions token index of each demonstration's label word, in demonstration order
 * @param demoLabels     class of each demonstration, in demonstration order
 * @param demoSpans      tokens of each demonstration's sentence
 * @param querySpan      tokens of the query's sentence
 * @param lastPosition   index of the final token, whose next-token distribution is the prediction
 * @param queryLabel     the query's gold class, or {@link Example#UNLABELLED}
 * @param labelTokenIds  the token id of each class's label word, indexed by class
 * @param labelWords     each class's label word, indexed by class
 * @param prefixLength   number of leading tokens that are the demonstrations part alone (BOS included), the same
 *                       for every query with these demonstrations; 0 when there is no reusable prefix: no
 *                       demonstrations and no BOS, or tokenising that part alone does not give exactly these tokens
 */
public record IclPrompt(String text, long[] ids, int[] labelPositions, int[] demoLabels, List<Span> demoSpans,
        Span querySpan, int lastPosition, int queryLabel, long[] labelTokenIds, List<String> labelWords,
        int prefixLength) implements PromptTokens {

    /**
     * Checks that the parts agree (one label position, label and span per demonstration; positions inside the
     * prompt) and copies the arrays.
     *
     * @throws IllegalArgumentException naming the part that disagrees
     */
    public IclPrompt {
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(querySpan, "querySpan");
        ids = ids.clone();
        labelPositions = labelPositions.clone();
        demoLabels = demoLabels.clone();
        demoSpans = List.copyOf(demoSpans);
        labelTokenIds = labelTokenIds.clone();
        labelWords = List.copyOf(labelWords);
        int n = ids.length;
        if (demoLabels.length != labelPositions.length || demoSpans.size() != labelPositions.length) {
            throw new IllegalArgumentException(labelPositions.length + " label positions, " + demoLabels.length
                    + " demonstration labels and " + demoSpans.size() + " demonstration spans; need one each per"
                    + " demonstration");
        }
        if (labelTokenIds.length != labelWords.size()) {
            throw new IllegalArgumentException(labelTokenIds.length + " label token ids for " + labelWords.size()
                    + " label words; need one per class");
        }
        if (lastPosition != n - 1 || n == 0) {
            throw new IllegalArgumentException("lastPosition " + lastPosition + " must be the final token " + (n - 1)
                    + " of a non-empty prompt");
        }
        for (int i = 0; i < labelPositions.length; i++) {
            checkIndex("label position of demonstration " + i, labelPositions[i], n);
            if (demoLabels[i] < 0 || demoLabels[i] >= labelWords.size()) {
                throw new IllegalArgumentException("demonstration " + i + ": label " + demoLabels[i]
                        + " out of range [0, " + labelWords.size() + ")");
            }
        }
        if (queryLabel < Example.UNLABELLED || queryLabel >= labelWords.size()) {
            throw new IllegalArgumentException("queryLabel " + queryLabel + " out of range [-1, "
                    + labelWords.size() + ")");
        }
        if (prefixLength < 0 || prefixLength > n) {
            throw new IllegalArgumentException("prefixLength " + prefixLength + " out of range [0, " + n + "]");
        }
        for (Span s : demoSpans) {
            if (s.end() > n) {
                throw new IllegalArgumentException("demonstration span " + s + " ends beyond the prompt's " + n
                        + " tokens");
            }
        }
        if (querySpan.end() > n) {
            throw new IllegalArgumentException("query span " + querySpan + " ends beyond the prompt's " + n
                    + " tokens");
        }
    }

    private static void checkIndex(String what, int i, int n) {
        if (i < 0 || i >= n) {
            throw new IllegalArgumentException(what + " " + i + " out of range [0, " + n + ")");
        }
    }

    /**
     * A run of tokens {@code [start, end)}.
     *
     * @param start first token index
     * @param end   one past the last token index ({@code start} for an empty span)
     */
    public record Span(int start, int end) {
        /**
         * Checks {@code 0 <= start <= end}.
         *
         * @throws IllegalArgumentException otherwise
         */
        public Span {
            if (start < 0 || end < start) {
                throw new IllegalArgumentException("span [" + start + ", " + end + ") must have 0 <= start <= end");
            }
        }

        /** Number of tokens. */
        public int length() {
            return end - start;
        }

        /** True when token {@code i} is in the span. */
        public boolean contains(int i) {
            return i >= start && i < end;
        }

        /** {@code [3, 12)}. */
        @Override
        public String toString() {
            return "[" + start + ", " + end + ")";
        }

        Span shift(int by) {
            return new Span(start + by, end + by);
        }
    }

    /**
     * Starts building prompts tokenised by {@code tokenizer}, with {@link PromptTemplate#DEFAULT},
     * {@link LabelWords#FOO_BAR}, and the tokenizer's own BOS token first when its post-processor adds one
     * ({@code add_bos_token}: Gemma, which needs it; not SmolLM2, GPT-2 or word-level tokenizers).
     */
    public static Builder builder(Tokenizer tokenizer) {
        Objects.requireNonNull(tokenizer, "tokenizer");
        return new Builder(tokenizer, PromptTemplate.DEFAULT, LabelWords.FOO_BAR, PromptAssembly.addedBos(tokenizer));
    }

    /** The token ids fed to the model (a copy). */
    @Override
    public long[] ids() {
        return ids.clone();
    }

    /** Token index of each demonstration's label word, in demonstration order (a copy). */
    @Override
    public int[] labelPositions() {
        return labelPositions.clone();
    }

    /** Class of each demonstration, in demonstration order (a copy). */
    @Override
    public int[] demoLabels() {
        return demoLabels.clone();
    }

    /** Token id of each class's label word, indexed by class (a copy). */
    @Override
    public long[] labelTokenIds() {
        return labelTokenIds.clone();
    }

    /** The token ids fed to the model (a copy); the same as {@link #ids()}, under the name the Probe reads. */
    public long[] tokenIds() {
        return ids.clone();
    }

    /** Number of tokens. */
    public int length() {
        return ids.length;
    }

    /** Number of demonstrations. */
    public int numDemos() {
        return labelPositions.length;
    }

    /** Label position of demonstration {@code i}. */
    public int labelPosition(int i) {
        return labelPositions[i];
    }

    /**
     * The label positions of the demonstrations of class {@code cls}, in demonstration order: e.g. the foo
     * positions and the bar positions of the attention and value-output analyses.
     *
     * @throws IllegalArgumentException for a class outside {@code [0, labelWords().size())}
     */
    public int[] positionsOfLabel(int cls) {
        if (cls < 0 || cls >= labelWords.size()) {
            throw new IllegalArgumentException("class " + cls + " out of range [0, " + labelWords.size() + ")");
        }
        return Arrays.stream(indices()).filter(i -> demoLabels[i] == cls).map(i -> labelPositions[i]).toArray();
    }

    private int[] indices() {
        int[] idx = new int[labelPositions.length];
        Arrays.setAll(idx, i -> i);
        return idx;
    }

    /** True when {@link #prefixIds()} is available (see {@link #prefixLength()}). */
    public boolean hasReusablePrefix() {
        return prefixLength > 0;
    }

    /**
     * The first {@link #prefixLength()} ids: the demonstrations part alone (BOS included), identical for every
     * query with the same demonstrations, so its keys and values can be computed once and reused.
     *
     * @throws IllegalStateException when there is none ({@link #prefixLength()} 0): the prompt has neither
     *                               demonstrations nor BOS, or tokenising the demonstrations part alone does not
     *                               reproduce the prompt's first tokens (the separator merges with the query)
     */
    public long[] prefixIds() {
        if (prefixLength == 0) {
            throw new IllegalStateException(numDemos() == 0
                    ? "this prompt has no reusable prefix: it has no demonstrations (and no BOS token)"
                    : "this prompt has no reusable prefix: tokenising its demonstrations part alone does not give"
                    + " the prompt's first tokens (the text across the boundary merges into one token); use a"
                    + " template whose separator ends on a token boundary, e.g. \"\\n\"");
        }
        return Arrays.copyOf(ids, prefixLength);
    }

    /**
     * Checks the prompt fits a model's context and returns it.
     *
     * @throws IllegalArgumentException with both lengths when it does not
     */
    public IclPrompt checkFits(int contextLength) {
        if (ids.length > contextLength) {
            throw new IllegalArgumentException("prompt is " + ids.length + " tokens; the context holds "
                    + contextLength + " (" + numDemos() + " demonstrations: use fewer or shorter ones)");
        }
        return this;
    }

    /**
     * The tokens for a human to read: each token between {@code |}, lines broken where the text breaks, label
     * positions shown as {@code [12: foo]}, the last position as {@code [56:':' -> next]} and the end of the
     * reusable prefix marked.
     */
    public String describe(Tokenizer tokenizer) {
        return PromptDescription.of(this, tokenizer);
    }

    private String shortWord(int cls) {
        return labelWords.get(cls).strip();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof IclPrompt p && text.equals(p.text) && Arrays.equals(ids, p.ids)
                && Arrays.equals(labelPositions, p.labelPositions) && Arrays.equals(demoLabels, p.demoLabels)
                && demoSpans.equals(p.demoSpans) && querySpan.equals(p.querySpan) && lastPosition == p.lastPosition
                && queryLabel == p.queryLabel && Arrays.equals(labelTokenIds, p.labelTokenIds)
                && labelWords.equals(p.labelWords) && prefixLength == p.prefixLength;
    }

    @Override
    public int hashCode() {
        return text.hashCode() * 31 + Arrays.hashCode(ids);
    }

    /**
     * {@code IclPrompt[57 tokens, 4 demos (foo,bar,foo,bar), query label bar, label positions [12, 25, 38, 51],
     * last 56]}.
     */
    @Override
    public String toString() {
        StringBuilder demos = new StringBuilder();
        for (int i = 0; i < demoLabels.length; i++) {
            demos.append(i == 0 ? "" : ",").append(shortWord(demoLabels[i]));
        }
        return "IclPrompt[" + ids.length + " tokens, " + demoLabels.length + " demos (" + demos + "), query "
                + (queryLabel < 0 ? "unlabelled" : "label " + shortWord(queryLabel)) + ", label positions "
                + Arrays.toString(labelPositions) + ", last " + lastPosition + "]";
    }

    /**
     * Builds {@link IclPrompt}s with one tokenizer, template, set of label words and BOS choice. Immutable:
     * each option returns a new builder, so one can branch from another.
     */
    public static final class Builder {
        private final Tokenizer tokenizer;
        private final PromptTemplate template;
        private final LabelWords labelWords;
        private final Long bos;

        private Builder(Tokenizer tokenizer, PromptTemplate template, LabelWords labelWords, Long bos) {
            this.tokenizer = tokenizer;
            this.template = template;
            this.labelWords = labelWords;
            this.bos = bos;
        }

        /** The prompt layout (default {@link PromptTemplate#DEFAULT}). */
        public Builder template(PromptTemplate template) {
            return new Builder(tokenizer, Objects.requireNonNull(template, "template"), labelWords, bos);
        }

        /** The word written for each class (default {@link LabelWords#FOO_BAR}). */
        public Builder labelWords(LabelWords labelWords) {
            return new Builder(tokenizer, template, Objects.requireNonNull(labelWords, "labelWords"), bos);
        }

        /**
         * Puts this token id first (Llama-family models are trained with a BOS token and need it); every
         * position then moves one token to the right. Default: the tokenizer's own when its post-processor adds
         * one ({@code add_bos_token}), else none (GPT-2 style).
         *
         * @throws IllegalArgumentException for an id outside the tokenizer's vocabulary
         */
        public Builder bosTokenId(long id) {
            if (id < 0 || id >= tokenizer.vocabSize()) {
                throw new IllegalArgumentException("BOS token id " + id + " out of range [0, "
                        + tokenizer.vocabSize() + ") of " + tokenizer.source());
            }
            return new Builder(tokenizer, template, labelWords, id);
        }

        /** Puts no BOS token first, even when the tokenizer adds one by itself. */
        public Builder withoutBos() {
            return new Builder(tokenizer, template, labelWords, null);
        }

        /**
         * The prompt of these demonstrations and this query.
         *
         * @throws IllegalArgumentException when the query is among the demonstrations, a label has no label word,
         *                                  a label word is not a single token, or a label word merges with its
         *                                  neighbours in the prompt (naming the word, demonstration and tokens)
         */
        public IclPrompt build(Demonstrations demos, Example query) {
            return build(demos, query, labelWords.ids(tokenizer), new HashMap<>());
        }

        /**
         * As {@link #build(Demonstrations, Example)}, checking the prompt fits a context of {@code maxTokens}.
         *
         * @throws IllegalArgumentException with both lengths when the prompt is longer
         */
        public IclPrompt build(Demonstrations demos, Example query, int maxTokens) {
            return build(demos, query).checkFits(maxTokens);
        }

        /**
         * One prompt per query, all with the same demonstrations (so they share their prefix: see
         * {@link IclPrompt#prefixIds()}).
         *
         * @throws IllegalArgumentException as {@link #build(Demonstrations, Example)}, naming the query
         */
        public List<IclPrompt> buildAll(Demonstrations demos, List<Example> queries) {
            long[] labelIds = labelWords.ids(tokenizer);
            Map<String, long[]> prefixes = new HashMap<>();
            List<IclPrompt> out = new ArrayList<>(queries.size());
            for (int i = 0; i < queries.size(); i++) {
                out.add(buildNamed(demos, queries.get(i), i, labelIds, prefixes));
            }
            return List.copyOf(out);
        }

        /**
         * One prompt per query, each with fresh demonstrations drawn from the pool
         * ({@link Demonstrations#sample(Dataset, int[], long, Example)}, the query left out). The i-th draw's
         * seed is the i-th number of a {@link Random} seeded with {@code seed}, so the whole set is fixed by the
         * seed.
         *
         * @throws IllegalArgumentException as {@link Demonstrations#sample} and
         *                                  {@link #build(Demonstrations, Example)}, naming the query
         */
        public List<IclPrompt> buildEpisodes(Dataset pool, List<Example> queries, int[] countsPerClass,
                long seed) {
            long[] labelIds = labelWords.ids(tokenizer);
            Random seeds = new Random(seed);
            Map<String, long[]> noSharing = new HashMap<>();
            List<IclPrompt> out = new ArrayList<>(queries.size());
            for (int i = 0; i < queries.size(); i++) {
                Example q = queries.get(i);
                long episodeSeed = seeds.nextLong();
                Demonstrations demos;
                try {
                    demos = Demonstrations.sample(pool, countsPerClass, episodeSeed, q);
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("query " + i + " " + q + ": " + e.getMessage(), e);
                }
                out.add(buildNamed(demos, q, i, labelIds, noSharing));
                noSharing.clear();
            }
            return List.copyOf(out);
        }

        private IclPrompt buildNamed(Demonstrations demos, Example query, int i, long[] labelIds,
                Map<String, long[]> prefixes) {
            try {
                return build(demos, query, labelIds, prefixes);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("query " + i + " " + query + ": " + e.getMessage(), e);
            }
        }

        private IclPrompt build(Demonstrations demos, Example query, long[] labelIds, Map<String, long[]> prefixes) {
            return PromptAssembly.assemble(tokenizer, template, labelWords, bos, demos, query, labelIds, prefixes);
        }

        /** {@code IclPrompt.Builder[Tokenizer[...], PromptTemplate[...], LabelWords[...], no BOS]}. */
        @Override
        public String toString() {
            return "IclPrompt.Builder[" + tokenizer + ", " + template + ", " + labelWords + ", "
                    + (bos == null ? "no BOS" : "BOS " + bos) + "]";
        }
    }
}
