package io.github.icl4j;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What {@link IclPrompt.Builder} does for each prompt: renders it with the template, tokenises the text and locates
 * every position the method reads from the tokenizer's character offsets (label words checked to be tokens of their
 * own), with the BOS token in front when the builder adds one.
 */
final class PromptAssembly {
    private PromptAssembly() {
    }

    /** The id the tokenizer's post-processor puts before every text, or null when it adds none there. */
    static Long addedBos(Tokenizer tokenizer) {
        long[] plain = tokenizer.encode("a", false).ids();
        long[] special = tokenizer.encode("a", true).ids();
        boolean prefixed = special.length == plain.length + 1
                && Arrays.equals(Arrays.copyOfRange(special, 1, special.length), plain);
        return prefixed ? special[0] : null;
    }

    /**
     * The prompt of {@code demos} and {@code query}; {@code prefixes} caches the token count of each demonstrations
     * part already tokenised alone (shared by the prompts of one {@link IclPrompt.Builder#buildAll} call).
     *
     * @throws IllegalArgumentException as {@link IclPrompt.Builder#build(Demonstrations, Example)}
     */
    static IclPrompt assemble(Tokenizer tokenizer, PromptTemplate template, LabelWords labelWords, Long bos,
            Demonstrations demos, Example query, long[] labelIds, Map<String, long[]> prefixes) {
        Objects.requireNonNull(demos, "demos");
        Objects.requireNonNull(query, "query");
        int nWords = labelWords.size();
        if (demos.numClasses() > nWords) {
            throw new IllegalArgumentException("demonstrations of " + demos.numClasses() + " classes, but "
                    + labelWords + " cover [0, " + nWords + ")");
        }
        if (query.label() >= nWords) {
            throw new IllegalArgumentException("query label " + query.label() + " out of range [-1, " + nWords
                    + ") of " + labelWords);
        }
        List<Example> ex = demos.examples();
        for (int i = 0; i < ex.size(); i++) {
            if (ex.get(i).text().equals(query.text())) {
                throw new IllegalArgumentException("the query is also demonstration " + i + " " + ex.get(i)
                        + "; a query must never be among its demonstrations (sample them with the query"
                        + " excluded)");
            }
        }
        PromptTemplate.Rendered r = template.render(ex, query.text(), labelWords);
        Encoding enc = tokenizer.encode(r.text());
        if (enc.length() == 0) {
            throw new IllegalArgumentException("prompt \"" + PromptTemplate.escape(r.text()) + "\" has no tokens");
        }
        int shift = bos == null ? 0 : 1;
        int n = ex.size();
        int[] labelStart = r.labelStart();
        int[] labelEnd = r.labelEnd();
        int[] textStart = r.textStart();
        int[] textEnd = r.textEnd();
        int[] labelPositions = new int[n];
        int[] demoLabels = new int[n];
        List<IclPrompt.Span> demoSpans = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            int cls = ex.get(i).label();
            demoLabels[i] = cls;
            labelPositions[i] = PromptTokenSpans.labelToken(enc, tokenizer, labelWords.word(cls), i,
                    labelStart[i], labelEnd[i], labelIds[cls])
                    + shift;
            demoSpans.add(PromptTokenSpans.tokensOf(enc, textStart[i], textEnd[i]).shift(shift));
        }
        IclPrompt.Span querySpan = PromptTokenSpans.tokensOf(enc, r.queryTextStart(), r.queryTextEnd())
                .shift(shift);
        int prefix = PromptTokenSpans.prefixTokens(enc, tokenizer, r.text().substring(0, r.prefixEnd()), prefixes);
        long[] ids = new long[enc.length() + shift];
        if (bos != null) {
            ids[0] = bos;
        }
        System.arraycopy(enc.ids(), 0, ids, shift, enc.length());
        return new IclPrompt(r.text(), ids, labelPositions, demoLabels, demoSpans, querySpan, ids.length - 1,
                query.label(), labelIds, labelWords.words(), prefix < 0 ? 0 : prefix + shift);
    }
}
