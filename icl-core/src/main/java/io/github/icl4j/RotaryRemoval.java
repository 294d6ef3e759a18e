package io.github.icl4j;

import static io.github.icl4j.OptionChecks.check;

/**
 * Where and how much of the rotary position encoding {@link Probe.Step#withoutRotary(java.util.Collection,
 * RotaryRemoval)} takes out of a head's attention scores (the recency-bias fix of METHOD.md §5 and the variants it
 * leaves open). For query row m and key n the rotated score is {@code s_rot = scale · R_m q · R_n k} (what the model
 * computes, mask included) and the unrotated one {@code s_plain = scale · q · k} from the same q and k before their
 * rotation ({@code hook_q}, {@code hook_k}); {@code s_rot − s_plain} is the rotary's relative-position term, the
 * only part of the score that depends on the distance m − n. The score that replaces {@code s_rot} is
 * <pre>{@code s = (1 − strength) · s_rot + strength · s_plain = s_plain + (1 − strength) · (s_rot − s_plain)}</pre>
 * at the chosen rows and keys, the rotated score everywhere else; strength 1 is the METHOD's fix (q and k
 * unrotated), strength 0 changes nothing.
 *
 * <pre>{@code
 * Probe.on(model).prompts(ps).withoutRotary(heads, RotaryRemoval.labelKeys()).labelProbabilities();
 * }</pre>
 *
 * @param everyRow      every query row (true) or each prompt's last position only (false, the METHOD's choice)
 * @param labelKeysOnly only the scores of keys at the prompt's demonstration label positions
 *                      ({@link PromptTokens#labelPositions()}); every key when false
 * @param strength      how much of the relative-position term is removed, range [0, 1]
 */
public record RotaryRemoval(boolean everyRow, boolean labelKeysOnly, double strength) {

    /**
     * Checks the strength.
     *
     * @throws IllegalArgumentException "{@code strength value out of range [0, 1]}"
     */
    public RotaryRemoval {
        check("strength", strength, strength >= 0 && strength <= 1, "[0, 1]");
    }

    /** Unrotated scores at each prompt's last position, every key: the METHOD's fix. */
    public static RotaryRemoval lastRow() {
        return new RotaryRemoval(false, false, 1);
    }

    /** Unrotated scores at every query position and key. */
    public static RotaryRemoval allRows() {
        return new RotaryRemoval(true, false, 1);
    }

    /** Unrotated scores at each prompt's last position for the keys at its label positions; rotary elsewhere. */
    public static RotaryRemoval labelKeys() {
        return new RotaryRemoval(false, true, 1);
    }

    /**
     * At each prompt's last position, every key: the relative-position term scaled by {@code 1 − strength}.
     *
     * @throws IllegalArgumentException for a strength outside [0, 1]
     */
    public static RotaryRemoval relativeTerm(double strength) {
        return new RotaryRemoval(false, false, strength);
    }

    /** {@code RotaryRemoval[last row, label keys, strength 0.5]}. */
    @Override
    public String toString() {
        return "RotaryRemoval[" + (everyRow ? "every row" : "last row") + (labelKeysOnly ? ", label keys" : ", every key")
                + ", strength " + strength + "]";
    }
}
