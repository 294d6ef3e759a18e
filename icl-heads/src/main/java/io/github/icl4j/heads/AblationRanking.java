package io.github.icl4j.heads;

import io.github.icl4j.HeadId;
import io.github.icl4j.ReadoutMetric;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * METHOD §3.2: the drop in accuracy when one head is removed, for every head of the scanned layers
 * {@code [fromLayer, toLayer)}; heads outside them are NaN. Ranked by drop in the chosen readout
 * ({@link ReadoutMetric}: with the default {@code argmax}, the accuracy of the chosen protocol; with
 * {@code calibrated} or {@code auroc}, that readout of the label words), ties broken by the drop of the gold label's
 * renormalised probability (a continuous measure, so equal accuracy drops on few prompts still rank). A calibrated
 * readout's batch is one data set's prompts under one condition (clean, or one head removed).
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
 * @param drop                      {@code [layer][head]} baseline minus ablated value of the readout
 *                                  ({@code argmax}: accuracy in {@code protocol})
 * @param goldProbDrop              {@code [layer][head]} mean drop of the gold label's renormalised probability
 * @param readout                   the readout heads are ranked by
 * @param baselineReadout           the readout without ablation, combined over data sets
 * @param readoutValue              {@code [layer][head]} the readout with that head removed
 * @param screen                    how the ablated heads were chosen: every head (exhaustive), or by attribution
 *                                  patching; the accuracies, drops and readouts of heads not ablated are NaN
 */
public record AblationRanking(int nLayers, int nHeads, int fromLayer, int toLayer, HeadOptions.Protocol protocol,
        HeadOptions.AblateAt ablateAt, HeadOptions.DatasetAveraging averaging, List<DatasetAblation> datasets,
        double baselineAccuracy, double baselineFullVocabAccuracy, double[][] accuracy, double[][] fullVocabAccuracy,
        double[][] drop, double[][] goldProbDrop, ReadoutMetric readout, double baselineReadout,
        double[][] readoutValue, AblationScreen screen) {

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
     * @param baselineReadout           the ranking's readout without ablation
     * @param readoutValue              {@code [layer][head]} the readout with the head removed (NaN outside the scan)
     */
    public record DatasetAblation(String name, int prompts, double baselineAccuracy, double baselineFullVocabAccuracy,
            double[][] accuracy, double[][] fullVocabAccuracy, double[][] goldProbDrop, double baselineReadout,
            double[][] readoutValue) {
        /** Copies the arrays. */
        public DatasetAblation {
            readoutValue = Arr.copy(readoutValue);
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

        @Override
        public double[][] readoutValue() {
            return Arr.copy(readoutValue);
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
        readoutValue = Arr.copy(readoutValue);
        if (screen == null) {
            throw new IllegalArgumentException("screen must not be null (AblationScreen.exhaustive() for every head)");
        }
    }

    /**
     * Accuracies and drops from per-prompt outcomes, combined over data sets as {@link HeadOptions#datasetAveraging()}
     * says and ranked in {@link HeadOptions#readout()} (with {@code argmax}, in {@link HeadOptions#protocol()}): what
     * {@link InContextHeads#ablationRanking} returns for the
     * same prompts, however the outcomes were computed (in one call, or in shards on several machines).
     *
     * @param byDataset each data set's outcomes (all over the same layers), in the order they are combined
     * @throws IllegalArgumentException for no data set, no prompts, or data sets ablated over different layers
     */
    public static AblationRanking combine(int nLayers, int nHeads, HeadOptions options,
            Map<String, PromptAblations> byDataset) {
        return combine(nLayers, nHeads, options, byDataset, options.readout());
    }

    /**
     * As {@link #combine(int, int, HeadOptions, Map)}, ranked by the drop in {@code readout}.
     *
     * @throws IllegalArgumentException as there, and for the {@code auroc} readout on data sets of more than two
     *                                  classes
     */
    public static AblationRanking combine(int nLayers, int nHeads, HeadOptions options,
            Map<String, PromptAblations> byDataset, ReadoutMetric readout) {
        return combine(nLayers, nHeads, options, byDataset, readout, AblationScreen.exhaustive());
    }

    /**
     * As {@link #combine(int, int, HeadOptions, Map, ReadoutMetric)}, for outcomes of the heads a {@code screen}
     * chose (the others' outcomes are null in the {@link PromptAblations}, and their results NaN).
     */
    public static AblationRanking combine(int nLayers, int nHeads, HeadOptions options,
            Map<String, PromptAblations> byDataset, ReadoutMetric readout, AblationScreen screen) {
        if (byDataset == null || byDataset.isEmpty()) {
            throw new IllegalArgumentException("combine needs at least one data set; got none");
        }
        PromptAblations first = byDataset.values().iterator().next();
        int from = first.fromLayer();
        int to = first.toLayer();
        List<DatasetAblation> per = new ArrayList<>();
        for (Map.Entry<String, PromptAblations> e : byDataset.entrySet()) {
            PromptAblations pa = e.getValue();
            if (pa.fromLayer() != from || pa.toLayer() != to || pa.nHeads() != nHeads) {
                throw new IllegalArgumentException("data set '" + e.getKey() + "' was ablated over layers ["
                        + pa.fromLayer() + ", " + pa.toLayer() + ") × " + pa.nHeads() + " heads but the first over ["
                        + from + ", " + to + ") × " + nHeads);
            }
            int n = pa.prompts();
            if (n == 0) {
                throw new IllegalArgumentException("data set '" + e.getKey() + "' has no prompts");
            }
            PromptAblations.Outcome[] clean = pa.clean();
            double[] base = accuracy(clean);
            double baseR = PromptAblations.readout(readout, clean);
            double[][] rv = Arr.nan(nLayers, nHeads);
            double[][] acc = Arr.nan(nLayers, nHeads);
            double[][] fv = Arr.nan(nLayers, nHeads);
            double[][] gp = Arr.nan(nLayers, nHeads);
            PromptAblations.Outcome[][][] ablated = pa.ablated();
            for (int l = from; l < to; l++) {
                for (int h = 0; h < nHeads; h++) {
                    PromptAblations.Outcome[] rows = ablated[l - from][h];
                    if (rows == null) {
                        continue; // not ablated (a screen passed it over): NaN
                    }
                    double[] a = accuracy(rows);
                    acc[l][h] = a[0];
                    fv[l][h] = a[1];
                    rv[l][h] = PromptAblations.readout(readout, rows);
                    double d = 0;
                    for (int i = 0; i < n; i++) {
                        d += clean[i].goldProb() - rows[i].goldProb();
                    }
                    gp[l][h] = d / n;
                }
            }
            per.add(new DatasetAblation(e.getKey(), n, base[0], base[1], acc, fv, gp, baseR, rv));
        }
        boolean pooled = options.datasetAveraging() == HeadOptions.DatasetAveraging.POOLED;
        double total = per.stream().mapToInt(DatasetAblation::prompts).sum();
        double baseA = 0;
        double baseB = 0;
        double baseR = 0;
        double[][] rv = Arr.nan(nLayers, nHeads);
        double[][] acc = Arr.nan(nLayers, nHeads);
        double[][] fv = Arr.nan(nLayers, nHeads);
        double[][] gp = Arr.nan(nLayers, nHeads);
        double[][] drop = Arr.nan(nLayers, nHeads);
        for (DatasetAblation d : per) {
            double w = pooled ? d.prompts() / total : 1.0 / per.size();
            baseA += w * d.baselineAccuracy();
            baseB += w * d.baselineFullVocabAccuracy();
            baseR += w * d.baselineReadout();
        }
        for (int l = from; l < to; l++) {
            for (int h = 0; h < nHeads; h++) {
                double a = 0;
                double b = 0;
                double g = 0;
                double r = 0;
                for (DatasetAblation d : per) {
                    double w = pooled ? d.prompts() / total : 1.0 / per.size();
                    r += w * d.readoutValue[l][h];
                    a += w * d.accuracy[l][h];
                    b += w * d.fullVocabAccuracy[l][h];
                    g += w * d.goldProbDrop[l][h];
                }
                acc[l][h] = a;
                fv[l][h] = b;
                gp[l][h] = g;
                rv[l][h] = r;
                if (readout != ReadoutMetric.ARGMAX) {
                    drop[l][h] = baseR - r;
                } else {
                    drop[l][h] = options.protocol() == HeadOptions.Protocol.LABEL_ARGMAX ? baseA - a : baseB - b;
                }
            }
        }
        return new AblationRanking(nLayers, nHeads, from, to, options.protocol(), options.ablateAt(),
                options.datasetAveraging(), per, baseA, baseB, acc, fv, drop, gp, readout, baseR, rv, screen);
    }

    /** {protocol (a), protocol (b)} accuracy of outcomes (all with gold labels). */
    private static double[] accuracy(PromptAblations.Outcome[] rows) {
        int a = 0;
        int b = 0;
        for (PromptAblations.Outcome r : rows) {
            a += r.correct() ? 1 : 0;
            b += r.fullVocabCorrect() ? 1 : 0;
        }
        return new double[] {(double) a / rows.length, (double) b / rows.length};
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

    @Override
    public double[][] readoutValue() {
        return Arr.copy(readoutValue);
    }

    /**
     * The scanned heads, largest drop first (ties: larger gold-probability drop first, then by head). Under an AtP
     * screen the truly ablated heads come first, by their drop, then the others by attribution patching's estimated
     * drop of the metric ({@code −estimate}; with GradDrop, by its unsigned score).
     */
    public List<HeadId> ranking() {
        List<HeadId> all = new ArrayList<>();
        for (int l = fromLayer; l < toLayer; l++) {
            for (int h = 0; h < nHeads; h++) {
                all.add(HeadId.of(l, h));
            }
        }
        AttributionEstimates e = screen.estimates();
        boolean byScore = e != null && e.options().gradDrop();
        all.sort(Comparator.<HeadId>comparingInt(x -> Double.isNaN(drop[x.layer()][x.head()]) ? 1 : 0)
                .thenComparingDouble(x -> -drop[x.layer()][x.head()])
                .thenComparingDouble(x -> -goldProbDrop[x.layer()][x.head()])
                .thenComparingDouble(x -> e == null ? 0 : byScore ? -e.score(x) : e.estimate(x))
                .thenComparing(x -> x));
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

    /** {@code AblationRanking[layers [2, 4) at ALL_POSITIONS, 40 prompts, baseline 0.875, top L3H1 −0.250 ...]}. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("AblationRanking[layers [").append(fromLayer).append(", ").append(toLayer)
                .append(") at ").append(ablateAt).append(", ").append(prompts()).append(" prompts, baseline ")
                .append(Arr.f3(baselineAccuracy)).append(" (full vocabulary ").append(Arr.f3(baselineFullVocabAccuracy))
                .append(")");
        if (readout != ReadoutMetric.ARGMAX) {
            sb.append(", ").append(readout).append(' ').append(Arr.f3(baselineReadout));
        }
        sb.append(", largest drops");
        List<HeadId> r = ranking();
        for (int i = 0; i < Math.min(5, r.size()); i++) {
            HeadId h = r.get(i);
            sb.append(' ').append(h).append(' ').append(Arr.s3(drop[h.layer()][h.head()]));
        }
        if (screen.strategy() != AblationScreen.Strategy.EXHAUSTIVE) {
            sb.append(", ").append(screen);
        }
        return sb.append(']').toString();
    }
}
