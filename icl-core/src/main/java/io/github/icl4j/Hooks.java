package io.github.icl4j;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bytedeco.pytorch.Tensor;

/**
 * An immutable set of hook functions by hook point name ({@link HookPoint}). A forward pass with
 * {@link #none()} does no hook work beyond one map look-up per point.
 *
 * <pre>{@code
 * try (ActivationCache cache = new ActivationCache();
 *      PointerScope scope = new PointerScope()) {
 *     Hooks hooks = Hooks.builder()
 *             .cache(cache, HookPoint.pattern(3), HookPoint.z(3))
 *             .add(HookPoint.z(2), (z, ctx) -> z.mul(new Scalar(0.5)))
 *             .build();
 *     model.logits(batch, hooks);
 * }
 * }</pre>
 */
public final class Hooks {
    private static final Hooks NONE = new Hooks(Map.of(), false);
    private static final Pattern ATTENTION = Pattern.compile("blocks\\.(\\d+)\\.attn\\.hook_(attn_scores|pattern)");

    private final Map<String, List<HookFn>> byName;
    private final boolean[] explicitAttention;
    private final boolean releaseEachBlock;

    private Hooks(Map<String, List<HookFn>> byName, boolean releaseEachBlock) {
        this.byName = byName;
        this.releaseEachBlock = releaseEachBlock;
        int max = -1;
        for (String n : byName.keySet()) {
            Matcher m = ATTENTION.matcher(n);
            if (m.matches()) {
                max = Math.max(max, Integer.parseInt(m.group(1)));
            }
        }
        this.explicitAttention = new boolean[max + 1];
        for (String n : byName.keySet()) {
            Matcher m = ATTENTION.matcher(n);
            if (m.matches()) {
                explicitAttention[Integer.parseInt(m.group(1))] = true;
            }
        }
    }

    /** No hooks. */
    public static Hooks none() {
        return NONE;
    }

    /** A new builder. */
    public static Builder builder() {
        return new Builder(Map.of(), false);
    }

    /** A builder starting from these hooks (and their {@link #releasesEachBlock()} setting). */
    public Builder toBuilder() {
        return new Builder(byName, releaseEachBlock);
    }

    /**
     * True when a forward pass frees each block's intermediate tensors as the block ends (see
     * {@link Builder#releaseEachBlock()}).
     */
    public boolean releasesEachBlock() {
        return releaseEachBlock;
    }

    /** True when nothing is hooked. */
    public boolean isEmpty() {
        return byName.isEmpty();
    }

    /** True when a function is registered at {@code name}. */
    public boolean has(String name) {
        return !byName.isEmpty() && byName.containsKey(name);
    }

    /** The hooked names. */
    public Set<String> names() {
        return byName.keySet();
    }

    /** True when block {@code layer} must use explicit-softmax attention (its scores or pattern are hooked). */
    public boolean needsExplicitAttention(int layer) {
        return layer < explicitAttention.length && explicitAttention[layer];
    }

    /** Runs the functions registered at {@code name}, in order; returns the final activation. */
    public Tensor apply(String name, Tensor t, HookContext ctx) {
        if (byName.isEmpty()) {
            return t;
        }
        List<HookFn> fns = byName.get(name);
        if (fns == null) {
            return t;
        }
        Tensor cur = t;
        for (HookFn f : fns) {
            Tensor r = f.apply(cur, ctx);
            if (r != null) {
                cur = r;
            }
        }
        return cur;
    }

    /** Every hooked name is a hook point of a model with {@code nLayers} blocks. */
    public Hooks validate(int nLayers) {
        byName.keySet().forEach(n -> HookPoint.validate(n, nLayers));
        return this;
    }

    @Override
    public String toString() {
        return "Hooks" + byName.keySet() + (releaseEachBlock ? " (each block released)" : "");
    }

    /** Collects hook functions; {@link #build()} makes an immutable {@link Hooks}. */
    public static final class Builder {
        private final Map<String, List<HookFn>> byName = new LinkedHashMap<>();
        private boolean releaseEachBlock;

        private Builder(Map<String, List<HookFn>> start, boolean releaseEachBlock) {
            start.forEach((k, v) -> byName.put(k, new ArrayList<>(v)));
            this.releaseEachBlock = releaseEachBlock;
        }

        /**
         * Frees each block's intermediate tensors (q, k, v, scores, pattern, z, MLP activations, ...) when the
         * block ends rather than when the caller's {@code PointerScope} closes, so a forward pass holds one
         * block's temporaries at a time: memory stays flat in depth, which matters for many rows through many
         * layers (an ablation pass over 64 copies of a prompt batch through 30 layers held over 20 GB without
         * it). The block outputs (each {@code hook_resid_post}, hence each next {@code hook_resid_pre}) stay
         * alive until the caller's scope closes.
         *
         * <p>Only for hooks that keep nothing they are given beyond their call, or that keep it with
         * {@code retainReference()} (as {@link ActivationCache} does): a tensor a hook merely stores in a
         * variable is freed when its block ends. Ignored without an enclosing {@code PointerScope} and with a
         * {@link io.github.icl4j.model.KvCache}, whose tensors belong to the caller's scope.
         */
        public Builder releaseEachBlock() {
            this.releaseEachBlock = true;
            return this;
        }

        /** Adds a function at a hook point (after any already there). */
        public Builder add(String name, HookFn fn) {
            byName.computeIfAbsent(name, k -> new ArrayList<>()).add(fn);
            return this;
        }

        /** Adds every hook of another set after this one's. */
        public Builder addAll(Hooks other) {
            other.byName.forEach((k, v) -> v.forEach(f -> add(k, f)));
            return this;
        }

        /** Records copies of the named activations into {@code cache}. */
        public Builder cache(ActivationCache cache, String... names) {
            for (String n : names) {
                add(n, cache.recorder(n));
            }
            return this;
        }

        public Hooks build() {
            if (byName.isEmpty() && !releaseEachBlock) {
                return NONE;
            }
            Map<String, List<HookFn>> copy = new LinkedHashMap<>();
            byName.forEach((k, v) -> copy.put(k, List.copyOf(v)));
            return new Hooks(Collections.unmodifiableMap(copy), releaseEachBlock);
        }
    }
}
