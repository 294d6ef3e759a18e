package io.github.icl4j.heads;

import io.github.icl4j.HeadId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

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

    /**
     * Averages per-prompt scores over examples ({@link HeadOptions#scoreExamples()}) and data sets
     * ({@link HeadOptions#datasetAveraging()}), in prompt order: what {@link InContextHeads#scores} returns for the
     * same prompts, however the per-prompt scores were computed (in one call, or in shards on several machines).
     *
     * @param labelWords the label words by class, as the tokenizer writes them
     * @param byDataset  each data set's per-prompt scores, in the order the data sets are combined
     * @throws IllegalArgumentException for no data set, label ids that differ between data sets, a shape that does
     *                                  not match {@code nLayers × nHeads}, or (with {@code GOLD_ONLY}) a class without
     *                                  examples or a prompt without a gold label
     */
    public static HeadScores combine(List<String> labelWords, int nLayers, int nHeads, HeadOptions options,
            Map<String, PromptScores> byDataset) {
        if (byDataset == null || byDataset.isEmpty()) {
            throw new IllegalArgumentException("combine needs at least one data set; got none");
        }
        boolean goldOnly = options.scoreExamples() == HeadOptions.ScoreExamples.GOLD_ONLY;
        long[] ids = null;
        List<DatasetScores> per = new ArrayList<>();
        double[][][] pooled = new double[2][nLayers][nHeads];
        int[] pooledN = new int[2];
        for (Map.Entry<String, PromptScores> e : byDataset.entrySet()) {
            PromptScores ps = e.getValue();
            if (ids == null) {
                ids = ps.labelTokenIds();
            } else if (!Arrays.equals(ids, ps.labelTokenIds())) {
                throw new IllegalArgumentException("data set '" + e.getKey() + "' has label token ids "
                        + Arrays.toString(ps.labelTokenIds()) + " but the first has "
                        + Arrays.toString(ids) + "; all data sets must share their label words");
            }
            double[][][] sum = new double[2][nLayers][nHeads];
            int[] n = new int[2];
            for (int i = 0; i < ps.prompts(); i++) {
                int g = ps.gold()[i];
                if (goldOnly && g != 0 && g != 1) {
                    throw new IllegalArgumentException("data set '" + e.getKey() + "': prompt " + i + " has gold label "
                            + g + "; GOLD_ONLY scoring needs {0, 1}");
                }
                for (int k = 0; k < 2; k++) {
                    if (goldOnly && g != k) {
                        continue;
                    }
                    n[k]++;
                    for (int l = 0; l < nLayers; l++) {
                        for (int h = 0; h < nHeads; h++) {
                            sum[k][l][h] += ps.score(i, k, l, h);
                        }
                    }
                }
            }
            double[][][] mean = new double[2][nLayers][nHeads];
            for (int k = 0; k < 2; k++) {
                pooledN[k] += n[k];
                for (int l = 0; l < nLayers; l++) {
                    for (int h = 0; h < nHeads; h++) {
                        pooled[k][l][h] += sum[k][l][h];
                        mean[k][l][h] = n[k] == 0 ? Double.NaN : sum[k][l][h] / n[k];
                    }
                }
            }
            per.add(new DatasetScores(e.getKey(), ps.prompts(), n, mean));
        }
        double[][][] combined = new double[2][nLayers][nHeads];
        for (int k = 0; k < 2; k++) {
            if (pooledN[k] == 0) {
                throw new IllegalArgumentException("no example has gold label " + k + " ('" + labelWords.get(k)
                        + "'); scoring with GOLD_ONLY needs examples of both labels (or use ScoreExamples.ALL)");
            }
            for (int l = 0; l < nLayers; l++) {
                for (int h = 0; h < nHeads; h++) {
                    if (options.datasetAveraging() == HeadOptions.DatasetAveraging.POOLED) {
                        combined[k][l][h] = pooled[k][l][h] / pooledN[k];
                    } else {
                        double s = 0;
                        int m = 0;
                        for (DatasetScores d : per) {
                            if (d.examplesPerClass[k] > 0) {
                                s += d.scores[k][l][h];
                                m++;
                            }
                        }
                        combined[k][l][h] = s / m;
                    }
                }
            }
        }
        return new HeadScores(labelWords, ids, nLayers, nHeads, options.scoreExamples(), options.datasetAveraging(),
                per, combined);
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
