package io.github.icl4j.examples.cli;

import io.github.icl4j.HeadId;
import io.github.icl4j.ReadoutMetric;
import io.github.icl4j.bias.BiasKind;
import io.github.icl4j.bias.Correction;
import io.github.icl4j.bias.Interval;
import io.github.icl4j.heads.LabelGroup;
import io.github.icl4j.heads.ReadingAnalysis;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.ToDoubleFunction;

/**
 * The main job's headline numbers over several demonstration seeds ({@link SeedSweep}): each number's value in
 * every seed, their mean and a Student-t interval over seeds, and how often each head was selected.
 * {@link SeedSummaryReport} renders it (CSV, Markdown, JSON, HTML).
 *
 * <p>One NaN policy, that of {@link io.github.icl4j.stats.Stats}' {@code nan} functions: a seed without a value
 * (a seed that found no bar heads has no bar-head M) is left out of the mean and the interval, and
 * {@link Interval#n()} says how many seeds remain. An interval is clipped to the range the quantity can take
 * ({@link Interval#within}): accuracies and fractions to [0, 1], spreads to [0, +∞), correlations to [−1, 1].
 *
 * @param seeds      the seeds, in the order given
 * @param runs       one entry per seed, in the same order
 * @param quantities every headline number
 * @param heads      every head selected in some seed, most often selected first
 * @param level      the intervals' confidence level
 * @param settings   the settings in words (those of the first seed's job, with every seed named)
 */
public record SeedSummary(List<Long> seeds, List<SeedRun> runs, List<Quantity> quantities, List<HeadCount> heads,
        double level, String settings) {

    /** The intervals' confidence level. */
    public static final double LEVEL = 0.95;

    /**
     * One seed's job.
     *
     * @param seed     the seed
     * @param dir      its report folder
     * @param resumed  true when its report was read back from an earlier run instead of computed
     * @param seconds  wall time of the job that made the report
     * @param fooHeads the foo heads it found
     * @param barHeads the bar heads it found
     */
    public record SeedRun(long seed, String dir, boolean resumed, double seconds, List<HeadId> fooHeads,
            List<HeadId> barHeads) {
        /** Copies the lists. */
        public SeedRun {
            fooHeads = List.copyOf(fooHeads);
            barHeads = List.copyOf(barHeads);
        }
    }

    /**
     * One headline number over the seeds.
     *
     * @param name     what it is, as the single-seed summary names it
     * @param perSeed  its value in each seed, in the order of {@link SeedSummary#seeds()} (NaN where a seed has none)
     * @param interval mean and Student-t interval over the seeds with a value
     */
    public record Quantity(String name, List<Double> perSeed, Interval interval) {
        /** Copies the list. */
        public Quantity {
            perSeed = List.copyOf(perSeed);
        }
    }

    /**
     * How often one head was selected.
     *
     * @param head  the head
     * @param seeds seeds that selected it
     * @param asFoo of these, seeds where it is a foo head
     * @param asBar seeds where it is a bar head
     */
    public record HeadCount(HeadId head, int seeds, int asFoo, int asBar) {
    }

    /** Copies the lists. */
    public SeedSummary {
        seeds = List.copyOf(seeds);
        runs = List.copyOf(runs);
        quantities = List.copyOf(quantities);
        heads = List.copyOf(heads);
    }

    /**
     * The summary of one headline per seed.
     *
     * @param runs      the seeds' jobs
     * @param headlines each seed's headline numbers, in the order of {@code runs}
     * @param settings  the settings in words
     * @throws IllegalArgumentException when the two lists differ in length or are empty
     */
    public static SeedSummary of(List<SeedRun> runs, List<Headline> headlines, String settings) {
        if (runs.size() != headlines.size() || runs.isEmpty()) {
            throw new IllegalArgumentException(runs.size() + " seeds but " + headlines.size() + " headlines; need one "
                    + "headline per seed, at least one");
        }
        return new SeedSummary(runs.stream().map(SeedRun::seed).toList(), runs, quantities(headlines),
                headCounts(runs), LEVEL, settings);
    }

    /** The quantity of this name (for tests and callers that look one up). */
    public Quantity quantity(String name) {
        return quantities.stream().filter(q -> q.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no quantity '" + name + "'; quantities: "
                        + quantities.stream().map(Quantity::name).toList()));
    }

    /**
     * The mean and {@link #LEVEL} Student-t interval over the values that are not NaN, clipped to
     * {@code [lo, hi]}.
     */
    public static Interval interval(double[] perSeed, double lo, double hi) {
        double[] present = java.util.Arrays.stream(perSeed).filter(v -> !Double.isNaN(v)).toArray();
        return Interval.of(present, Interval.Kind.T, LEVEL, 0, 0).within(lo, hi);
    }

    private static final double INF = Double.POSITIVE_INFINITY;

    /** Collects the quantities in the order the single-seed summary shows them. */
    private static final class Collector {
        final List<Headline> hs;
        final List<Quantity> out = new ArrayList<>();

        Collector(List<Headline> hs) {
            this.hs = hs;
        }

        void add(String name, double lo, double hi, ToDoubleFunction<Headline> f) {
            double[] v = hs.stream().mapToDouble(f).toArray();
            List<Double> boxed = java.util.Arrays.stream(v).boxed().toList();
            out.add(new Quantity(name, boxed, interval(v, lo, hi)));
        }
    }

    private static List<Quantity> quantities(List<Headline> hs) {
        Collector c = new Collector(hs);
        c.add("in-context heads", 0, INF, h -> h.heads());
        c.add("accuracy, clean model", 0, 1, Headline::baseline);
        c.add("accuracy, in-context heads zeroed", 0, 1, Headline::ablated);
        c.add("accuracy, as many random heads zeroed", 0, 1, h -> h.controlDraws() == 0 ? Double.NaN
                : h.controlMean());
        // paired per seed: how much more zeroing the in-context heads costs than zeroing as many random heads
        c.add("accuracy, random heads zeroed minus in-context heads zeroed", -1, 1, h -> h.controlDraws() == 0
                ? Double.NaN : h.controlMean() - h.ablated());
        // METHOD §1 protocol (b): a model that stops answering with a label word shows here, not above
        // (absent when every seed's headline predates these numbers)
        if (hs.stream().anyMatch(h -> Double.isFinite(h.baselineFullVocab()))) {
            c.add("full-vocabulary accuracy, clean model", 0, 1, Headline::baselineFullVocab);
            c.add("full-vocabulary accuracy, in-context heads zeroed", 0, 1, Headline::ablatedFullVocab);
            c.add("full-vocabulary accuracy, as many random heads zeroed", 0, 1, Headline::controlFullVocabMean);
            c.add("full-vocabulary accuracy, random heads zeroed minus in-context heads zeroed", -1, 1,
                    h -> h.controlFullVocabMean() - h.ablatedFullVocab());
        }
        ReadoutMetric r = hs.get(0).readout();
        if (r != ReadoutMetric.ARGMAX) {
            String name = r.key() + " readout";
            c.add(name + ", clean model", 0, 1, Headline::baselineReadout);
            c.add(name + ", in-context heads zeroed", 0, 1, Headline::ablatedReadout);
            c.add(name + ", as many random heads zeroed", 0, 1, h -> h.controlDraws() == 0 ? Double.NaN
                    : h.controlReadoutMean());
            c.add(name + ", random heads zeroed minus in-context heads zeroed", -1, 1, h -> h.controlDraws() == 0
                    ? Double.NaN : h.controlReadoutMean() - h.ablatedReadout());
        }
        Map<String, List<LabelGroup>> groups = new LinkedHashMap<>();
        hs.forEach(h -> h.valueOutputs().forEach(v -> groups.putIfAbsent(v.heads().heads() + " at "
                + v.positions().positions(), List.of(v.heads(), v.positions()))));
        groups.forEach((name, g) -> c.add("value-output M, " + name, -INF, INF, h -> h.meanM(g.get(0), g.get(1))));
        List<LabelGroup> shifts = new ArrayList<>();
        hs.forEach(h -> h.attention().stream().map(Headline.AttentionShift::group).filter(g -> !shifts.contains(g))
                .forEach(shifts::add));
        for (LabelGroup g : shifts) {
            c.add("attention of " + g.heads() + " on their label's positions, relative change predicted foo → bar",
                    -1, INF, h -> h.attention().stream().filter(a -> a.group() == g)
                            .mapToDouble(Headline.AttentionShift::change).findFirst().orElse(Double.NaN));
        }
        c.add("q·k vs sentence similarity, Pearson r within prompts", -1, 1, Headline::twoTowerR);
        c.add("q·k vs sentence similarity, Pearson r pooled", -1, 1, Headline::twoTowerPooledR);
        c.add("swap test, before", 0, 1, Headline::swapBefore);
        c.add("swap test, after", 0, 1, Headline::swapAfter);
        // where the heads read, averaged over each seed's heads (the heads differ between seeds)
        c.add("where the heads read: share of attention on the label words", 0, 1,
                h -> reading(h, ReadingAnalysis.HeadReading::labelPositions));
        c.add("where the heads read: share on the tokens right after the label words", 0, 1,
                h -> reading(h, ReadingAnalysis.HeadReading::afterLabels));
        c.add("where the heads read: share on the query", 0, 1, h -> reading(h, ReadingAnalysis.HeadReading::query));
        c.add("where the heads read: share on the demonstrations' sentences", 0, 1,
                h -> reading(h, x -> x.matchingSentences() + x.otherSentences()));
        Map<String, Headline.BiasRow> rows = new LinkedHashMap<>();
        hs.forEach(h -> h.bias().forEach(b -> rows.putIfAbsent(b.bias() + ", " + b.label(), b)));
        String acc = r == ReadoutMetric.ARGMAX ? "accuracy" : r.key() + " readout";
        rows.forEach((name, k) -> {
            boolean majority = k.bias() == BiasKind.MAJORITY;
            boolean none = k.correction() == Correction.NONE;
            c.add(name + ": " + acc, 0, 1, h -> row(h, k).accuracy());
            c.add(name + ": " + (majority ? "fluctuation" : "accuracy std across orders"), 0, INF,
                    h -> row(h, k).metric());
            if (!none) {
                c.add(name + ": reduction of the " + (majority ? "fluctuation" : "accuracy std"), -INF, 1,
                        h -> row(h, k).metricReduction());
            }
            // a calibration changes no attention: its attention rows would repeat those of no correction
            if (!majority && (none || k.correction().usesFix())) {
                c.add(name + ": attention std across orders", 0, INF, h -> row(h, k).attentionStd());
                if (!none) {
                    c.add(name + ": reduction of the attention std", -INF, 1, h -> row(h, k).attentionReduction());
                }
            }
        });
        if (hs.stream().anyMatch(h -> !Double.isNaN(h.ac()))) {
            c.add("a_c of the majority-label fix", 0, INF, Headline::ac);
        }
        return c.out;
    }

    /** The mean of one reading share over a seed's heads (NaN without any). */
    private static double reading(Headline h, ToDoubleFunction<ReadingAnalysis.HeadReading> f) {
        return h.reading().stream().mapToDouble(f).average().orElse(Double.NaN);
    }

    /** A seed's row of the bias and correction of {@code k}, or a row of NaN when the seed has none. */
    private static Headline.BiasRow row(Headline h, Headline.BiasRow k) {
        return h.bias().stream().filter(b -> b.bias() == k.bias() && b.correction() == k.correction()
                && b.variant() == k.variant()).findFirst().orElse(new Headline.BiasRow(k.bias(), k.correction(),
                        k.variant(), Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN));
    }

    private static List<HeadCount> headCounts(List<SeedRun> runs) {
        Map<HeadId, int[]> n = new TreeMap<>();
        for (SeedRun r : runs) {
            r.fooHeads().forEach(h -> n.computeIfAbsent(h, x -> new int[2])[0]++);
            r.barHeads().forEach(h -> n.computeIfAbsent(h, x -> new int[2])[1]++);
        }
        List<HeadCount> out = new ArrayList<>();
        for (SeedRun r : runs) {
            for (HeadId h : concat(r.fooHeads(), r.barHeads())) {
                if (out.stream().noneMatch(c -> c.head().equals(h))) {
                    int seeds = (int) runs.stream().filter(x -> x.fooHeads().contains(h) || x.barHeads().contains(h))
                            .count();
                    out.add(new HeadCount(h, seeds, n.get(h)[0], n.get(h)[1]));
                }
            }
        }
        out.sort(java.util.Comparator.comparingInt(HeadCount::seeds).reversed().thenComparing(HeadCount::head));
        return out;
    }

    private static List<HeadId> concat(List<HeadId> a, List<HeadId> b) {
        List<HeadId> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }

    /** The Markdown tables ({@link SeedSummaryReport#markdown}). */
    @Override
    public String toString() {
        return SeedSummaryReport.markdown(this);
    }
}
