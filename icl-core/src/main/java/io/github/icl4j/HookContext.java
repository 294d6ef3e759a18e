package io.github.icl4j;

import java.util.Map;
import org.bytedeco.pytorch.Tensor;

/**
 * Where a hook runs: the hook name, its block (or -1 outside blocks), how many positions were cached before
 * this forward ({@code pastLength}: position {@code p} of the whole sequence is index {@code p - pastLength}
 * of the activation), and, for attention hooks, the block's intermediate tensors:
 * {@code q}, {@code k} (keys before rotary, cache included, {@code [b, t, k, e]}), {@code rot_q},
 * {@code rot_k} (after rotary), {@code v} ({@code [b, t, k, e]}) and {@code mask} (additive, {@code [b, 1, s, t]}).
 *
 * @param name       the hook point
 * @param layer      the block, or -1
 * @param pastLength positions processed by earlier forwards (prefix reuse)
 * @param nHeads     query heads per block
 * @param nKvHeads   key/value heads per block
 * @param dHead      head width
 * @param state      attention intermediates (empty for other hooks)
 */
public record HookContext(String name, int layer, int pastLength, int nHeads, int nKvHeads, int dHead,
        Map<String, Tensor> state) {

    /**
     * An attention intermediate by key.
     *
     * @throws IllegalStateException when this hook point does not have it
     */
    public Tensor get(String key) {
        Tensor t = state.get(key);
        if (t == null) {
            throw new IllegalStateException("hook " + name + " has no '" + key + "'; available: " + state.keySet());
        }
        return t;
    }
}
