package io.github.icl4j.engine;

import io.github.icl4j.Hooks;
import io.github.icl4j.Model;

/**
 * A change to the forward pass, turned into hook functions for each batch of a {@link Pass}
 * ({@link Interventions} holds the named ones: head patches, knock-outs, rotary-free heads, residual additions,
 * custom hooks).
 */
public interface Intervention {
    /**
     * Adds this intervention's hooks for one batch.
     *
     * @param target which prompts the batch holds and where their last positions are; for the pass over a shared
     *               prefix, {@link Target#PREFIX}
     */
    void install(Hooks.Builder hooks, Target target, Model model);

    /** Work done once before the first batch (e.g. a mean over other prompts); called before every pass. */
    default void prepare(Model model) {
    }

    /** True when the intervention must see every position in one pass (no shared-prefix reuse). */
    default boolean needsWholeSequence() {
        return false;
    }

    /**
     * The rows of a batch: {@code index[i]} is row i's prompt in the pass's input order, {@code last[i]} its last
     * position (absolute, counting a reused prefix).
     */
    record Target(int[] index, int[] last) {
        /** The pass over a shared prefix: no prompt's last position lies in it. */
        public static final Target PREFIX = new Target(new int[] {-1}, new int[] {-1});

        public int size() {
            return last.length;
        }
    }
}
