package io.github.icl4j.heads;

import io.github.icl4j.HeadId;
import java.util.List;

/**
 * METHOD §3.1: every head's log-probability increase at the last position,
 * {@code S(l,h) = log p(w | o^{l,h} + h_last^{l-1}) − log p(w | h_last^{l-1})} under the fixed-scale projection, for
 * w = each label word, averaged over examples and data sets. Class 0's ranking gives the foo heads, class 1's the
 * bar heads.
 *
 * @param labelWords     the label words as the tokenizer writes them, by class ({@code " foo"}, {@code " bar"})
 * @param labelTokenIds  their token ids
 * @param nLayers        layers of the model
 * @param nHeads         heads per layer
 * @param examples       which examples each label word was scored on
 * @param averaging      how the data sets were combined
 * @param datasets       each data set's own scores
 * @param scores         the combined scores {@code [class][layer][head]}
 */
public record HeadScores(List<String> labelWords, long[] labelTokenIds, int nLayers, int nHeads,
        HeadOptions.ScoreExamples examples, HeadOptions.DatasetAveraging averaging, List<DatasetScores> datasets,
        double[][][] scores) {

    /**
     * One data set's scores.
     *
     * @param name             the data set
     * @param prompts          prompts run
     * @param examplesPerClass examples each class's score averages over
     * @param scores           {@code [class][layer][head]}, NaN for a class without examples
     */
    public record DatasetScores(String name, int prompts, int[] examplesPerClass, double[][][] scores) {
        /** Copies the arrays. */
        public DatasetScores {
            examplesPerClass = Arr.copy(examplesPerClass);
            scores = Arr.copy(scores);
        }

        @Override
        public int[] examplesPerClass() {
            return Arr.copy(examplesPerClass);
        }

        @Override
        public double[][][] scores() {
            return Arr.copy(scores);
        }

        /** {@code DatasetScores[sst2: 200 prompts, 100/100 examples]}. */
        @Override
        public String toString() {
            return "DatasetScores[" + name + ": " + prompts + " prompts, " + examplesPerClass[0] + "/"
                    + examplesPerClass[1] + " examples]";
        }
    }

    /** Copies the arrays and lists. */
    public HeadScores {
        labelWords = List.copyOf(labelWords);
        labelTokenIds = Arr.copy(labelTokenIds);
        datasets = List.copyOf(datasets);
        scores = Arr.copy(scores);
    }

    @Override
    public long[] labelTokenIds() {
        return Arr.copy(labelTokenIds);
    }

    @Override
    public double[][][] scores() {
        return Arr.copy(scores);
    }

    /** The combined score matrix {@code [layer][head]} of class {@code c} (0 = foo, 1 = bar). */
    public double[][] of(int c) {
        return Arr.copy(scores[checkClass(c)]);
    }

    /** One head's combined score for class {@code c}. */
    public double score(int c, HeadId head) {
        head.checkIn(nLayers, nHeads);
        return scores[checkClass(c)][head.layer()][head.head()];
    }

    /** Every head, highest score for class {@code c} first. */
    public List<HeadId> ranking(int c) {
        return Arr.ranking(scores[checkClass(c)]);
    }

    /**
     * The {@code n} best heads for class {@code c}.
     *
     * @throws IllegalArgumentException when {@code n} is outside {@code [0, nLayers × nHeads]}
     */
    public List<HeadId> top(int c, int n) {
        return top(c, n, 0, nLayers);
    }

    /**
     * As {@link #top(int, int)}, among the heads of layers {@code [from, to)} only.
     *
     * @throws IllegalArgumentException for a layer range outside the model or {@code n} above its heads
     */
    public List<HeadId> top(int c, int n, int from, int to) {
        if (from < 0 || to > nLayers || to <= from) {
            throw new IllegalArgumentException("layers [" + from + ", " + to + ") out of range [0, " + nLayers + "]");
        }
        int total = (to - from) * nHeads;
        if (n < 0 || n > total) {
            throw new IllegalArgumentException("top " + n + " out of range [0, " + total + "] (" + (to - from == nLayers
                    ? "the model's " + nLayers + " × " + nHeads + " heads)"
                    : "the " + total + " heads of layers [" + from + ", " + to + "))"));
        }
        return ranking(c).stream().filter(h -> h.layer() >= from && h.layer() < to).limit(n).toList();
    }

    /** Total prompts over all data sets. */
    public int prompts() {
        return datasets.stream().mapToInt(DatasetScores::prompts).sum();
    }

    private int checkClass(int c) {
        if (c < 0 || c >= scores.length) {
            throw new IllegalArgumentException("class " + c + " out of range [0, " + scores.length + ")");
        }
        return c;
    }

    /** Every head's combined and per-data-set scores, one row per head, as CSV (header row first). */
    public String toCsv() {
        return Csv.of(this);
    }

    /** {@code HeadScores[3 × 4 heads, 2 data sets (40 prompts), foo top L2H1 +0.412, bar top L2H3 +0.388]}. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("HeadScores[").append(nLayers).append(" × ").append(nHeads)
                .append(" heads, ").append(datasets.size()).append(" data set").append(datasets.size() == 1 ? "" : "s")
                .append(" (").append(prompts()).append(" prompts), ").append(examples).append(" examples");
        for (int c = 0; c < scores.length; c++) {
            List<HeadId> r = ranking(c);
            sb.append(", '").append(labelWords.get(c).strip()).append("' top ");
            for (int i = 0; i < Math.min(3, r.size()); i++) {
                HeadId h = r.get(i);
                sb.append(i == 0 ? "" : " ").append(h).append(' ').append(Arr.s3(scores[c][h.layer()][h.head()]));
            }
        }
        return sb.append(']').toString();
    }
}
