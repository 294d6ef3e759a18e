package io.github.icl4j.bias;

/** The intervals over seeds a bias study reports, with its options' kind, level and bootstrap. */
final class StudyIntervals {
    private final BiasOptions options;

    /** Intervals as {@code options} say. */
    StudyIntervals(BiasOptions options) {
        this.options = options;
    }

    /** The interval of a per-seed quantity ({@link BiasOptions#interval()}). */
    Interval interval(double[] perSeed) {
        return Interval.of(perSeed, options.interval(), options.level(), options.bootstrapResamples(),
                options.bootstrapSeed());
    }

    /** The fluctuation's interval: a mean |change| is at least 0 (a signed mean change is not clipped). */
    Interval fluctuation(double[] perSeed) {
        Interval i = interval(perSeed);
        return options.fluctuation() == BiasOptions.Fluctuation.ABSOLUTE ? i.within(0, Double.POSITIVE_INFINITY) : i;
    }

    /** An interval of a quantity in [0, 1] (accuracy, F1), its bounds clipped to that range. */
    Interval proportion(double[] perSeed) {
        return interval(perSeed).within(0, 1);
    }

    /** The relative reduction of a method against none, paired over seeds (bootstrap). */
    Interval reduction(double[] none, double[] method) {
        return Interval.reduction(none, method, options.level(), options.bootstrapResamples(),
                options.bootstrapSeed());
    }
}
