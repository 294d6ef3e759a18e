package io.github.icl4j.bias;

import static io.github.icl4j.OptionChecks.check;
import static io.github.icl4j.OptionChecks.inRange;
import static io.github.icl4j.OptionChecks.nonNull;

import io.github.icl4j.ReadoutMetric;
import io.soabase.recordbuilder.core.RecordBuilder;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;

/**
 * Every setting of the bias study, with the defaults of METHOD.md. Where the paper left a detail open (a
 * "choice" in METHOD.md) it is an option here, never a hidden constant. Immutable: the generated
 * {@code BiasOptionsBuilder} gives a builder ({@code BiasOptionsBuilder.builder(BiasOptions.defaults())}) and a
 * {@code with…} per component that returns a copy; a few withers set options that belong together.
 *
 * <pre>{@code
 * BiasOptions o = BiasOptions.defaults().withSeeds(0, 1, 2).withPermutations(2).withAc(0.05);
 * }</pre>
 *
 * @param ac                   a_c of the majority-label fix; the added vector is scaled by
 *                             {@code a = a_c · n_majority / n_minority} (default 0.03, range [0, +inf))
 * @param acGrid               values tried by {@link BiasStudy#tuneAc} when the study tunes a_c on a validation split
 *                             (default 0, 0.01, 0.03, 0.1, 0.3, 1; each in [0, +inf))
 * @param perClass             demonstrations per label, k (default 2, the METHOD's choice; range [1, 64])
 * @param seeds                one demonstration draw per seed and task; intervals are over seeds (default 0..4)
 * @param permutations         seeded permutations added to the "as sampled" and "reversed" orders of the recency
 *                             study (default 4, range [1, 1000])
 * @param rotaryAllPositions   the recency fix computes unrotated attention at every query position instead of
 *                             the last one only (default false, the METHOD's choice); the same as listing only
 *                             {@link RecencyFixVariant#ALL_ROWS} in {@code recencyVariants}
 * @param contentFreeInputs    contextual calibration's content-free inputs (default "N/A", "", "[MASK]")
 * @param domainInputs         number of random-word inputs of domain-context calibration (default 20, range
 *                             [1, 1000])
 * @param domainCorpus         where domain-context calibration draws its words (default the demonstration pool)
 * @param fluctuation          how the majority-label change of accuracy is averaged (default absolute)
 * @param attentionSpread      which attention the recency study's attention spread follows across orders
 *                             (default each demonstration's label position)
 * @param interval             interval of means over seeds: {@link Interval.Kind#T} (default) or
 *                             {@link Interval.Kind#BOOTSTRAP}
 * @param level                confidence level (default 0.95, range (0, 1))
 * @param bootstrapResamples   resamples of every bootstrap, including the always-bootstrapped relative
 *                             reductions (default 2000, range [100, 1000000])
 * @param bootstrapSeed        seed of the bootstrap resampling (default 0)
 * @param acObjective          what {@link BiasStudy#tuneAc} optimises (default the fluctuation)
 * @param batchSize            prompts per forward pass (default 8, range [1, 4096])
 * @param readout              how every accuracy of the study is read (METHOD §8, default
 *                             {@link ReadoutMetric#ARGMAX}); with {@code calibrated} or {@code auroc} the study's
 *                             accuracies, fluctuations, spreads across orders and the a_c tuning are in that readout
 * @param recencyVariants      the recency fixes the recency study runs side by side, without repeats (default
 *                             empty: the one fix {@code rotaryAllPositions} names, see {@link #recencyFixes()}); the
 *                             first is "the" fix of the study's rows and headline, the others get rows of their own
 * @param relativeTermStrength λ of {@link RecencyFixVariant#RELATIVE_TERM}: the share of the rotary's
 *                             relative-position term removed from the score (default 0.5, range [0, 1])
 */
@RecordBuilder
public record BiasOptions(double ac, List<Double> acGrid, int perClass, List<Long> seeds, int permutations,
        boolean rotaryAllPositions, List<String> contentFreeInputs, int domainInputs, DomainCorpus domainCorpus,
        Fluctuation fluctuation, AttentionSpread attentionSpread, Interval.Kind interval, double level,
        int bootstrapResamples, long bootstrapSeed, AcObjective acObjective, int batchSize, ReadoutMetric readout,
        List<RecencyFixVariant> recencyVariants, double relativeTermStrength)
        implements BiasOptionsBuilder.With {

    /** How the majority-label fluctuation averages the change of accuracy (METHOD §5 "choice"). */
    public enum Fluctuation {
        /** Mean of |accuracy(less one) − accuracy(balanced)|: changes of either sign count. */
        ABSOLUTE,
        /** Mean of accuracy(less one) − accuracy(balanced). */
        SIGNED
    }

    /** Which attention the recency study follows across orders (METHOD §5 names only "attention at label positions"). */
    public enum AttentionSpread {
        /**
         * For each query, in-context head and demonstration: the attention from the last position to that
         * demonstration's label position, wherever the order puts it; std over orders, averaged.
         */
        PER_DEMONSTRATION,
        /** For each query, head and class: the attention summed over that class's label positions. */
        PER_CLASS
    }

    /** What a_c tuning optimises on the validation split. */
    public enum AcObjective {
        /** Smallest majority-label fluctuation (ties: the smaller a_c). */
        FLUCTUATION,
        /** Highest accuracy on the less-one demonstration sets (ties: the smaller a_c). */
        ACCURACY
    }

    /** Where domain-context calibration's random words come from. */
    public enum DomainCorpus {
        /** The task's demonstration pool (training split): no test text is used. */
        POOL,
        /** The task's query texts (unlabelled test inputs, as Fei et al. 2023). */
        QUERIES
    }

    /**
     * Checks every option.
     *
     * @throws IllegalArgumentException naming the option, its value and the allowed range
     */
    public BiasOptions {
        checkAc("a_c", ac);
        acGrid = List.copyOf(nonNull("acGrid", acGrid));
        for (double a : acGrid) {
            checkAc("a_c grid value", a);
        }
        inRange("perClass", perClass, 1, 64);
        seeds = List.copyOf(nonNull("seeds", seeds));
        if (seeds.isEmpty()) {
            throw new IllegalArgumentException("seeds: got none; need at least 1 seed");
        }
        if (new HashSet<>(seeds).size() != seeds.size()) {
            throw new IllegalArgumentException("seeds " + seeds + " repeat a seed; each must be distinct");
        }
        inRange("permutations", permutations, 1, 1000);
        contentFreeInputs = List.copyOf(nonNull("contentFreeInputs", contentFreeInputs));
        if (contentFreeInputs.isEmpty()) {
            throw new IllegalArgumentException("contentFreeInputs: got none; need at least 1 (default "
                    + Calibration.CONTENT_FREE + ")");
        }
        inRange("domainInputs", domainInputs, 1, 1000);
        nonNull("domainCorpus", domainCorpus);
        nonNull("fluctuation", fluctuation);
        nonNull("attentionSpread", attentionSpread);
        nonNull("interval", interval);
        if (interval == Interval.Kind.PAIRED_BOOTSTRAP) {
            throw new IllegalArgumentException("interval " + interval + " is for reductions; choose T or BOOTSTRAP");
        }
        check("level", level, level > 0 && level < 1, "(0, 1)");
        inRange("bootstrapResamples", bootstrapResamples, 100, 1_000_000);
        nonNull("acObjective", acObjective);
        inRange("batchSize", batchSize, 1, 4096);
        nonNull("readout", readout);
        recencyVariants = List.copyOf(nonNull("recencyVariants", recencyVariants));
        if (new HashSet<>(recencyVariants).size() != recencyVariants.size()) {
            throw new IllegalArgumentException("recencyVariants " + recencyVariants + " repeat a variant; each must "
                    + "be distinct");
        }
        if (rotaryAllPositions && !recencyVariants.isEmpty()) {
            throw new IllegalArgumentException("rotaryAllPositions true with recencyVariants " + recencyVariants
                    + ": give one or the other (ALL_ROWS in recencyVariants is rotaryAllPositions)");
        }
        check("relativeTermStrength", relativeTermStrength, relativeTermStrength >= 0 && relativeTermStrength <= 1,
                "[0, 1]");
    }

    private static void checkAc(String what, double a) {
        check(what, a, a >= 0 && !Double.isInfinite(a), "[0, +inf)");
    }

    /** The METHOD's defaults. */
    public static BiasOptions defaults() {
        return new BiasOptions(0.03, List.of(0.0, 0.01, 0.03, 0.1, 0.3, 1.0), 2, List.of(0L, 1L, 2L, 3L, 4L), 4,
                false, Calibration.CONTENT_FREE, 20, DomainCorpus.POOL, Fluctuation.ABSOLUTE,
                AttentionSpread.PER_DEMONSTRATION, Interval.Kind.T, 0.95, 2000, 0L, AcObjective.FLUCTUATION, 8,
                ReadoutMetric.ARGMAX, List.of(), 0.5);
    }

    /**
     * The recency fixes the study runs, in order: {@code recencyVariants}, or when that is empty the one fix
     * {@code rotaryAllPositions} names ({@link RecencyFixVariant#ALL_ROWS} or {@link RecencyFixVariant#LAST_ROW}).
     */
    public List<RecencyFixVariant> recencyFixes() {
        if (!recencyVariants.isEmpty()) {
            return recencyVariants;
        }
        return List.of(rotaryAllPositions ? RecencyFixVariant.ALL_ROWS : RecencyFixVariant.LAST_ROW);
    }

    /** With these recency fix variants, side by side in this order. */
    public BiasOptions withRecencyVariants(RecencyFixVariant... v) {
        return withRecencyVariants(List.of(v));
    }

    /** With the a_c tuning grid. */
    public BiasOptions withAcGrid(double... v) {
        List<Double> g = new ArrayList<>();
        for (double x : v) {
            g.add(x);
        }
        return withAcGrid(g);
    }

    /** With these seeds. */
    public BiasOptions withSeeds(long... v) {
        List<Long> s = new ArrayList<>();
        for (long x : v) {
            s.add(x);
        }
        return withSeeds(s);
    }

    /** With this interval kind and level. */
    public BiasOptions withInterval(Interval.Kind kind, double lvl) {
        return with(b -> b.interval(kind).level(lvl));
    }

    /** With this many bootstrap resamples and this bootstrap seed. */
    public BiasOptions withBootstrap(int resamples, long seed) {
        return with(b -> b.bootstrapResamples(resamples).bootstrapSeed(seed));
    }

    /** The seeds as an array. */
    long[] seedArray() {
        return seeds.stream().mapToLong(Long::longValue).toArray();
    }
}
