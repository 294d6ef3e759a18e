package io.github.icl4j.heads;

import io.github.icl4j.HeadId;
import java.util.List;

/**
 * Where the in-context heads read: the attention of each head from the last position, summed over the roles of
 * the prompt's tokens and averaged over prompts. METHOD §4 reads the heads at the label positions only; this says
 * how much of their attention is there at all, and how much goes to the sentences of the demonstrations that share
 * the query's label (the ones a similarity metric should find) against the other demonstrations. A head whose
 * attention sits on the matching demonstrations' words rather than on their label positions compares sentences
 * where the paper's heads compare label positions.
 *
 * @param prompts prompts analysed
 * @param heads   one row per in-context head
 */
public record ReadingAnalysis(int prompts, List<HeadReading> heads) {

    /**
     * One head's attention from the last position by token role (the six roles other than {@code matchingLabels},
     * which is part of {@code labelPositions}, sum to 1 up to rounding).
     *
     * @param head             the head
     * @param group            its group in the set
     * @param labelPositions   on the demonstrations' label words
     * @param matchingLabels   the part of {@code labelPositions} on the label words of demonstrations whose label is
     *                         the query's gold label (the paper's heads put most of it there when the model is right)
     * @param matchingSentences on the sentence tokens of demonstrations whose label is the query's gold label
     * @param otherSentences   on the sentence tokens of the other demonstrations
     * @param query            on the query sentence's tokens
     * @param afterLabels      on the token right after each label word (the next line's first template token,
     *                         which sees the label and the demonstration before it: a key a head can use in the
     *                         label word's place)
     * @param rest             on every other token (the template's words, the last position itself)
     */
    public record HeadReading(HeadId head, LabelGroup group, double labelPositions, double matchingLabels,
            double matchingSentences, double otherSentences, double query, double afterLabels, double rest) {
        /**
         * Attention on the label words of the query's label over attention on all label words (0.5 with balanced
         * prompts: no preference; NaN when the head does not look at label words).
         */
        public double matchingLabelShare() {
            return labelPositions > 0 ? matchingLabels / labelPositions : Double.NaN;
        }

        /**
         * Attention on the matching demonstrations' sentences over attention on all demonstration sentences (0.5:
         * no preference; NaN when the head does not look at sentences).
         */
        public double matchingShare() {
            double all = matchingSentences + otherSentences;
            return all > 0 ? matchingSentences / all : Double.NaN;
        }

        /**
         * {@code L1H1 (foo): label positions 0.031 (query's label 0.80), sentences of the query's label 0.412 (share
         * 0.81), ...}.
         */
        @Override
        public String toString() {
            return head + " (" + group + "): label positions " + Arr.f3(labelPositions) + " (query's label "
                    + Arr.f3(matchingLabelShare()) + "), sentences of the query's "
                    + "label " + Arr.f3(matchingSentences) + ", of the other label " + Arr.f3(otherSentences)
                    + " (share " + Arr.f3(matchingShare()) + "), query " + Arr.f3(query) + ", after the labels "
                    + Arr.f3(afterLabels) + ", rest " + Arr.f3(rest);
        }
    }

    /** Copies the list. */
    public ReadingAnalysis {
        heads = List.copyOf(heads);
    }

    /** {@code ReadingAnalysis[2 heads, 200 prompts]}. */
    @Override
    public String toString() {
        return "ReadingAnalysis[" + heads.size() + " heads, " + prompts + " prompts]";
    }
}
