package io.github.icl4j;

/**
 * The one wording of option checks, shared by every option record ({@code HeadOptions}, {@code BiasOptions},
 * {@code TrainingConfig}, {@code JobOptions}, ...): a missing value is "{@code name must not be null}", a bad one
 * "{@code name value out of range [lo, hi]}" (open ends written {@code (} / {@code )}, no upper bound
 * {@code +inf)}), so a message always carries the option, the bad value and the allowed range.
 */
public final class OptionChecks {

    private OptionChecks() {
    }

    /**
     * Refuses null.
     *
     * @param name  the option's name
     * @param value its value
     * @param <T>   its type
     * @return {@code value}
     * @throws IllegalArgumentException "{@code name must not be null}"
     */
    public static <T> T nonNull(String name, T value) {
        if (value == null) {
            throw new IllegalArgumentException(name + " must not be null");
        }
        return value;
    }

    /**
     * Refuses a value outside {@code [lo, hi]}.
     *
     * @param name  the option's name
     * @param value its value
     * @param lo    smallest allowed value
     * @param hi    largest allowed value
     * @throws IllegalArgumentException "{@code name value out of range [lo, hi]}"
     */
    public static void inRange(String name, long value, long lo, long hi) {
        if (value < lo || value > hi) {
            throw outOfRange(name, value, "[" + lo + ", " + hi + "]");
        }
    }

    /**
     * Refuses a value below {@code lo}.
     *
     * @param name  the option's name
     * @param value its value
     * @param lo    smallest allowed value
     * @throws IllegalArgumentException "{@code name value out of range [lo, +inf)}"
     */
    public static void atLeast(String name, long value, long lo) {
        if (value < lo) {
            throw outOfRange(name, value, "[" + lo + ", +inf)");
        }
    }

    /**
     * Refuses a value that fails {@code ok} (NaN included, which fails every comparison).
     *
     * @param name  the option's name
     * @param value its value
     * @param ok    whether the value is allowed
     * @param range the allowed range as written in the message, e.g. {@code (0, 1]}
     * @throws IllegalArgumentException "{@code name value out of range range}"
     */
    public static void check(String name, double value, boolean ok, String range) {
        if (!ok) {
            throw outOfRange(name, value, range);
        }
    }

    /**
     * The exception of a value outside its range.
     *
     * @param name  the option's name
     * @param value its value
     * @param range the allowed range as written in the message
     * @return "{@code name value out of range range}"
     */
    public static IllegalArgumentException outOfRange(String name, Object value, String range) {
        return new IllegalArgumentException(name + " " + value + " out of range " + range);
    }
}
