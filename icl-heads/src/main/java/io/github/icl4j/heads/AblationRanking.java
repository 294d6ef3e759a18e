package io.github.icl4j.heads;

import io.github.icl4j.HeadId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * METHOD §3.2: the drop in accuracy when one head is removed, for every head of the scanned layers
 * {@code [fromLayer, toLayer)}; heads outside them are NaN. Ranked by drop in the chosen protocol, ties broken by
 * the drop of the gold label's renormalised probability (a continuous measure, so equal accuracy drops on few
 * prompts still rank).
 *
 * @param nLayers                   layers of the model
 * @param nHeads                    heads per layer
 * @param fromLayer                 first scanned layer
 * @param toLayer                   one past the last scanned layer
 * @param protocol                  the accuracy {@link #drop()} is measured in
 * @param ablateAt                  where heads were zeroed
 * @param averaging                 how data sets were combined
 * @param datasets                  each data set's own results
 * @param baselineAccuracy          accuracy without ablation, protocol (a), combined over data sets
 * @param baselineFullVocabAccuracy accuracy without ablation, protocol (b)
 * @param accuracy                  {@code [layer][head]} accuracy with that head removed, protocol (a)
 * @param fullVocabAccuracy         {@code [layer][head]} the same, protocol (b)
 * @param drop                      {@code [layer][head]} baseline minus ablated accuracy in {@code protocol}
 * @param goldProbDrop              {@code [layer][head]} mean drop of the gold label's renormalised probability
 */
public record AblationRanking(int nLayers, int nHeads, int fromLayer, int toLayer, HeadOptions.Protocol protocol,
        HeadOptions.AblateAt ablateAt, HeadOptions.DatasetAveraging averaging, List<DatasetAblation> datasets,
        double baselineAccuracy, double baselineFullVocabAccuracy, double[][] accuracy, double[][] fullVocabAccuracy,
        double[][] drop, double[][] goldProbDrop) {

    /**
     * One data set's ablation results.
     *
     * @param name                      the data set
     * @param prompts                   prompts run
     * @param baselineAccuracy          protocol (a) without ablation
     * @param baselineFullVocabAccuracy protocol (b) without ablation
     * @param accuracy                  {@code [layer][head]} protocol (a) with the head removed (NaN outside the scan)
     * @param fullVocabAccuracy         {@code [layer][head]} protocol (b)
     * @param goldProbDrop              {@code [layer][head]} mean drop of the gold label's renormalised probability
     */
    public record DatasetAblation(String name, int prompts, double baselineAccuracy, double baselineFullVocabAccuracy,
            double[][] accuracy, double[][] fullVocabAccuracy, double[][] goldProbDrop) {
        /** Copies the arrays. */
        public DatasetAblation {
            accuracy = Arr.copy(accuracy);
            fullVocabAccuracy = Arr.copy(fullVocabAccuracy);
            goldProbDrop = Arr.copy(goldProbDrop);
        }

        @Override
        public double[][] accuracy() {
            return Arr.copy(accuracy);
        }

        @Override
        public double[][] fullVocabAccuracy() {
            return Arr.copy(fullVocabAccuracy);
        }

        @Override
        public double[][] goldProbDrop() {
            return Arr.copy(goldProbDrop);
        }

        /** {@code DatasetAblation[sst2: 200 prompts, baseline 0.870 / 0.655]}. */
        @Override
        public String toString() {
            return "DatasetAblation[" + name + ": " + prompts + " prompts, baseline " + Arr.f3(baselineAccuracy) + " / "
                    + Arr.f3(baselineFullVocabAccuracy) + "]";
        }
    }

    /** Copies the arrays and lists. */
    public AblationRanking {
        datasets = List.copyOf(datasets);
        accuracy = Arr.copy(accuracy);
        fullVocabAccuracy = Arr.copy(fullVocabAccuracy);
        drop = Arr.copy(drop);
        goldProbDrop = Arr.copy(goldProbDrop);
    }

    @Override
    public double[][] accuracy() {
        return Arr.copy(accuracy);
    }

    @Override
    public double[][] fullVocabAccuracy() {
        return Arr.copy(fullVocabAccuracy);
    }

    @Override
    public double[][] drop() {
        return Arr.copy(drop);
    }

    @Override
    public double[][] goldProbDrop() {
        return Arr.copy(goldProbDrop);
    }

    /** The scanned heads, largest drop first (ties: larger gold-probability drop first, then by head). */
    public List<HeadId> ranking() {
        List<HeadId> all = new ArrayList<>();
        for (int l = fromLayer; l < toLayer; l++) {
            for (int h = 0; h < nHeads; h++) {
                all.add(HeadId.of(l, h));
            }
        }
        all.sort(Comparator.<HeadId>comparingDouble(x -> -drop[x.layer()][x.head()])
                .thenComparingDouble(x -> -goldProbDrop[x.layer()][x.head()]).thenComparing(x -> x));
        return List.copyOf(all);
    }

    /**
     * The {@code n} heads with the largest drop.
     *
     * @throws IllegalArgumentException when {@code n} exceeds the scanned heads
     */
    public List<HeadId> top(int n) {
        int scanned = (toLayer - fromLayer) * nHeads;
        if (n < 0 || n > scanned) {
            throw new IllegalArgumentException("top " + n + " out of range [0, " + scanned + "] (the " + scanned
                    + " heads of the scanned layers [" + fromLayer + ", " + toLayer + "))");
        }
        return ranking().subList(0, n);
    }

    /** The drop of one head (NaN outside the scanned layers). */
    public double drop(HeadId head) {
        head.checkIn(nLayers, nHeads);
        return drop[head.layer()][head.head()];
    }

    /** Total prompts over all data sets. */
    public int prompts() {
        return datasets.stream().mapToInt(DatasetAblation::prompts).sum();
    }

    /** The scanned heads' accuracies, drops and ranks as CSV (header row first). */
    public String toCsv() {
        return Csv.of(this);
    }

    /** {@code AblationRanking[layers [2, 4) at ALL_POSITIONS, 40 prompts, baseline 0.875, top L3H1 −0.250 ...]}. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("AblationRanking[layers [").append(fromLayer).append(", ").append(toLayer)
                .append(") at ").append(ablateAt).append(", ").append(prompts()).append(" prompts, baseline ")
                .append(Arr.f3(baselineAccuracy)).append(" (full vocabulary ").append(Arr.f3(baselineFullVocabAccuracy))
                .append("), largest drops");
        List<HeadId> r = ranking();
        for (int i = 0; i < Math.min(5, r.size()); i++) {
            HeadId h = r.get(i);
            sb.append(' ').append(h).append(' ').append(Arr.s3(drop[h.layer()][h.head()]));
        }
        return sb.append(']').toString();
    }
}
