package io.github.icl4j.bias;

import io.github.icl4j.RotaryRemoval;
import java.util.Arrays;
import java.util.Locale;

/**
 * Where the recency fix of METHOD.md §5 takes the rotary position encoding out of the in-context heads' attention
 * scores. METHOD fixes "q and k unrotated ... (choice: at the last position only)"; these are that choice and the
 * variants it leaves open, each a {@link RotaryRemoval} of the engine. With {@code s_rot} the model's rotated score
 * and {@code s_plain} the score of the same q and k unrotated, {@code s_rot − s_plain} is the rotary's
 * relative-position term (the only part of the score that depends on the query–key distance; METHOD §4's
 * "positional part").
 */
public enum RecencyFixVariant {
    /** Unrotated scores at the last query row, every key: the METHOD's choice and the default. */
    LAST_ROW("last row"),
    /** Unrotated scores at every query row and key ({@link BiasOptions#rotaryAllPositions()}). */
    ALL_ROWS("all rows"),
    /**
     * At the last query row, unrotated scores only for the keys at the demonstrations' label positions; the rotary
     * stays for every other key (the query, the sentences, the template).
     */
    LABEL_KEYS("label keys"),
    /**
     * At the last query row, every key: the relative-position term scaled by {@code 1 − λ}, i.e. the score
     * {@code (1 − λ) · s_rot + λ · s_plain} with λ = {@link BiasOptions#relativeTermStrength()} (λ = 1 is
     * {@link #LAST_ROW}, λ = 0 no fix).
     */
    RELATIVE_TERM("relative term");

    private final String label;

    RecencyFixVariant(String label) {
        this.label = label;
    }

    /** A readable name, e.g. {@code label keys}. */
    public String label() {
        return label;
    }

    /** The name on the command line and in CSV files, e.g. {@code label-keys}. */
    public String key() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /**
     * The engine's removal for this variant.
     *
     * @param strength λ of {@link #RELATIVE_TERM} (ignored by the others), range [0, 1]
     * @throws IllegalArgumentException for a strength outside [0, 1]
     */
    public RotaryRemoval removal(double strength) {
        return switch (this) {
            case LAST_ROW -> RotaryRemoval.lastRow();
            case ALL_ROWS -> RotaryRemoval.allRows();
            case LABEL_KEYS -> RotaryRemoval.labelKeys();
            case RELATIVE_TERM -> RotaryRemoval.relativeTerm(strength);
        };
    }

    /**
     * The variant of a key ({@code last-row}, {@code all-rows}, {@code label-keys}, {@code relative-term}; case and
     * {@code _} for {@code -} do not matter).
     *
     * @throws IllegalArgumentException naming the bad key and the allowed ones
     */
    public static RecencyFixVariant parse(String key) {
        String k = key == null ? "" : key.trim().toLowerCase(Locale.ROOT).replace('_', '-');
        for (RecencyFixVariant v : values()) {
            if (v.key().equals(k)) {
                return v;
            }
        }
        throw new IllegalArgumentException("recency fix variant '" + key + "' unknown; choose one of "
                + Arrays.stream(values()).map(RecencyFixVariant::key).toList());
    }
}
