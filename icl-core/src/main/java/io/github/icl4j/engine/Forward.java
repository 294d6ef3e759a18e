package io.github.icl4j.engine;

import io.github.icl4j.HookPoint;
import io.github.icl4j.Hooks;
import io.github.icl4j.Model;
import io.github.icl4j.PromptTokens;
import io.github.icl4j.TokenBatch;
import io.github.icl4j.model.KvCache;
import io.github.icl4j.model.ModelConfig;
import io.github.icl4j.model.Transformer;
import io.github.icl4j.runtime.Lifecycle;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import io.github.icl4j.runtime.Tensors;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.AutoGradMode;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * One forward pass over one batch, reading what {@link Reads} asks for: the single road from icl4j's analyses to
 * {@link Transformer}. The forward's own tensors die in an inner scope as soon as it ends; what was read (mostly
 * rows at the last positions) moves to the caller's {@code PointerScope}. Gradients are off, except in a gradient
 * pass ({@link Reads#zGradients}), whose autograd graph lives and dies inside the forward; the pass holds a
 * {@link Model#acquire() lease} on the model. {@link Pass} runs it
 * over many prompts.
 */
public final class Forward {
    private Forward() {
    }

    /**
     * Runs a batch from the token embeddings.
     *
     * @param last  each row's last position
     * @param hooks interventions (run before the reads at each hook point)
     * @throws IllegalStateException without an enclosing {@code PointerScope} or after the model is closed
     */
    public static Chunk run(Model model, TokenBatch batch, int[] last, Hooks hooks, Reads reads) {
        return run(model, batch, last, 0, null, 0, null, hooks, reads, identity(last.length), bare(batch));
    }

    /**
     * Runs blocks {@code layer..} on {@code residual} {@code [b, s, d]}, the residual entering block {@code layer}
     * ({@link Transformer#forwardFrom}); {@code batch} gives the padding mask.
     */
    public static Chunk runFrom(Model model, int layer, Tensor residual, TokenBatch batch, int[] last, Hooks hooks,
            Reads reads, List<PromptTokens> prompts) {
        return run(model, batch, last, 0, null, layer, residual, hooks, reads, identity(last.length), prompts);
    }

    static Chunk run(Model model, TokenBatch batch, int[] last, long past, KvCache cache, int fromLayer,
            Tensor residual, Hooks hooks, Reads reads, int[] index, List<PromptTokens> prompts) {
        PointerScope keep = PointerScope.getInnerScope();
        if (keep == null) {
            throw new IllegalStateException("a forward pass must run inside a PointerScope: what it reads belongs to it");
        }
        try (Lifecycle.Lease lease = model.acquire()) {
            return runLeased(model, batch, last, past, cache, fromLayer, residual, hooks, reads, index, prompts, keep);
        }
    }

    private static Chunk runLeased(Model model, TokenBatch batch, int[] last, long past, KvCache cache,
            int fromLayer, Tensor residual, Hooks hooks, Reads reads, int[] index, List<PromptTokens> prompts,
            PointerScope keep) {
        Transformer tf = model.transformer();
        ModelConfig c = model.config();
        int nL = c.nLayers();
        batch.validate(c.vocabSize(), c.contextLimit(), past);
        hooks.validate(nL);
        int[] local = new int[last.length];
        for (int i = 0; i < last.length; i++) {
            local[i] = (int) (last[i] - past);
        }
        Map<Integer, Tensor> residuals = new HashMap<>();
        Map<Integer, Tensor> headOutputs = new HashMap<>();
        Map<Integer, Tensor> rows = new HashMap<>();
        Map<Integer, Map<String, Tensor>> state = new HashMap<>();
        Map<String, Tensor> activations = new HashMap<>();
        // interventions first: the reads see the intervened activations
        Hooks.Builder hb = hooks.toBuilder();
        for (int l : reads.residuals()) {
            if (l < 0 || l > nL) {
                throw new IllegalArgumentException("residual layer " + l + " out of range [0, " + nL + "]");
            }
            hb.add(l == nL ? HookPoint.residPost(nL - 1) : HookPoint.residPre(l), (x, ctx) -> {
                residuals.put(l, kept(keep, HeadMath.lastRows(x, local))); // [b, d]
                return null;
            });
        }
        for (int l : reads.headOutputs()) {
            Tensor wo = HeadMath.headProjection(tf.weights().layers().get(checkLayer(l, nL)).wO(), c); // [h, e, d]
            hb.add(HookPoint.z(l), (z, ctx) -> {
                headOutputs.put(l, kept(keep, HeadMath.headOutputs(HeadMath.lastRows(z, local), wo))); // [b, h, d]
                return null;
            });
        }
        // under a post-attention norm, per-head quantities reach the residual through it with the real forward's
        // scale at the reading position (Transformer#throughAttentionPostNorm): read that scale with them
        Map<Integer, Tensor> postNormScales = new HashMap<>();
        if (c.postNorms()) {
            Set<Integer> perHead = new TreeSet<>(reads.headOutputs());
            perHead.addAll(reads.attentionRows());
            for (int l : perHead) {
                boolean heads = reads.headOutputs().contains(l);
                hb.add(HookPoint.ln1PostScale(checkLayer(l, nL)), (scale, ctx) -> {
                    Tensor at = kept(keep, HeadMath.lastRows(scale, local)); // [b, s, 1] -> [b, 1]
                    postNormScales.put(l, at);
                    if (heads) {
                        // hook_z fired before this hook: its head outputs [b, h, d] with [b, 1, 1] broadcast
                        headOutputs.put(l, kept(keep, tf.throughAttentionPostNorm(l, headOutputs.get(l),
                                at.unsqueeze(1))));
                    }
                    return null;
                });
            }
        }
        List<Integer> patternLayers = new ArrayList<>(reads.attentionRows());
        reads.attentionState().stream().filter(l -> !patternLayers.contains(l)).forEach(patternLayers::add);
        for (int l : patternLayers) {
            checkLayer(l, nL);
            boolean wantRows = reads.attentionRows().contains(l);
            boolean wantState = reads.attentionState().contains(l);
            hb.add(HookPoint.pattern(l), (pattern, ctx) -> {
                if (wantRows) {
                    rows.put(l, kept(keep, HeadMath.lastRows(pattern.transpose(1, 2), local))); // [b, h, t]
                }
                if (wantState) {
                    Map<String, Tensor> m = new HashMap<>();
                    for (String n : List.of("q", "k", "rot_q", "rot_k", "v")) {
                        m.put(n, kept(keep, ctx.get(n)));
                    }
                    state.put(l, m);
                }
                return null;
            });
        }
        for (String n : reads.activations()) {
            HookPoint.validate(n, nL);
            hb.add(n, (t, ctx) -> {
                activations.put(n, kept(keep, t));
                return null;
            });
        }
        GradientMetric metric = reads.gradientMetric();
        Gradients grads = metric == null ? null : Gradients.install(hb, reads.zGradients(), c, local, keep);
        Tensor logits = null;
        Tensor metricValues = null;
        try (PointerScope forward = new PointerScope();
                Pointer g = metric == null ? new NoGradGuard() : new AutoGradMode(true)) {
            Hooks all = hb.build();
            Tensor hidden = fromLayer == 0 && residual == null
                    ? tf.hidden(batch.ids(), batch.mask(), null, all, cache)
                    : tf.forwardFrom(fromLayer, residual, batch.mask(), null, all); // [b, s, d]
            if (reads.hasLastLogits() || metric != null) {
                // unembed only the rows read: [b, d] -> [b, vocab]
                Tensor l = tf.unembed(HeadMath.lastRows(hidden, local)).to(ScalarType.Float);
                if (metric != null) {
                    metricValues = kept(keep, grads.backward(metric.of(l, grads.finalResidual(), prompts)));
                }
                logits = reads.hasLastLogits() ? kept(keep, l.detach()) : null;
            }
        }
        return new Chunk(index, prompts, last.clone(), past,
                new Chunk.Captured(logits, residuals, headOutputs, rows, state, activations, postNormScales,
                        metricValues, grads == null ? Map.of() : grads.zs, grads == null ? Map.of() : grads.grads),
                tf);
    }

    /**
     * The autograd side of a gradient pass: a zero leaf {@code δ} added at each read {@code hook_z} (so
     * {@code ∂metric/∂δ = ∂metric/∂hook_z}, and every later activation carries the graph), the final residual at the
     * last positions, and the post-attention norms' divisors detached (the frozen-scale rule). What the hooks keep
     * moves to the caller's scope at once, so a pass that frees each block's temporaries keeps it too.
     */
    private static final class Gradients {
        final Map<Integer, Tensor> zs = new HashMap<>();
        final Map<Integer, Tensor> grads = new HashMap<>();
        final Map<Integer, Tensor> deltas = new HashMap<>();
        final PointerScope keep;
        Tensor finalResidual;

        private Gradients(PointerScope keep) {
            this.keep = keep;
        }

        static Gradients install(Hooks.Builder hb, Set<Integer> layers, ModelConfig c, int[] local, PointerScope keep) {
            Gradients g = new Gradients(keep);
            int nL = c.nLayers();
            for (int l : layers) {
                checkLayer(l, nL);
                hb.add(HookPoint.z(l), (z, ctx) -> {
                    Tensor delta = kept(keep, torch.zeros_like(z).requires_grad_(true)); // [b, s, h, e] leaf
                    g.zs.put(l, kept(keep, z.detach()));
                    g.deltas.put(l, delta);
                    return z.add(delta);
                });
            }
            if (c.postNorms()) {
                for (int l = 0; l < nL; l++) {
                    hb.add(HookPoint.ln1PostScale(l), (scale, ctx) -> scale.detach());
                }
            }
            hb.add(HookPoint.residPost(nL - 1), (x, ctx) -> {
                g.finalResidual = kept(keep, HeadMath.lastRows(x, local)); // [b, d], graph kept
                return null;
            });
            return g;
        }

        Tensor finalResidual() {
            return finalResidual;
        }

        /** Backward of the rows' summed metric {@code [b]}; returns the values, detached, fp32. */
        Tensor backward(Tensor metric) {
            if (metric.dim() != 1 || metric.size(0) != finalResidual.size(0)) {
                throw new IllegalArgumentException("a gradient metric must give one value per row, [" 
                        + finalResidual.size(0) + "]; got " + Tensors.shapeString(metric));
            }
            if (!metric.requires_grad()) {
                throw new IllegalArgumentException("the gradient metric's values do not depend on the pass's tensors "
                        + "(no autograd graph): make them from the given logits or residual");
            }
            metric.sum().backward();
            deltas.forEach((l, d) -> {
                Tensor gr = d.grad();
                grads.put(l, kept(keep, gr.defined() ? gr.detach() : torch.zeros_like(d)));
            });
            return metric.detach().to(ScalarType.Float);
        }
    }

    /**
     * Logits {@code [..., vocab]} of final residuals {@code [..., d]} (before the final norm): the final norm and the
     * unembedding, nothing else — e.g. to read a change made to the final residual without another forward pass.
     * In the caller's scope, gradients off.
     */
    public static Tensor unembedFinalResidual(Model model, Tensor residual) {
        try (Lifecycle.Lease lease = model.acquire(); NoGradGuard g = new NoGradGuard()) {
            Transformer tf = model.transformer();
            var w = tf.weights();
            return tf.unembed(tf.norm(residual.to(w.finalNormW().device(), w.finalNormW().scalar_type().intern()),
                    w.finalNormW(), w.finalNormB()));
        }
    }

    /** Fills {@code cache} with the keys and values of a shared prefix (in the caller's scope). */
    static void prefill(Model model, TokenBatch batch, Hooks hooks, KvCache cache) {
        ModelConfig c = model.config();
        batch.validate(c.vocabSize(), c.contextLimit(), cache.length());
        hooks.validate(c.nLayers());
        try (Lifecycle.Lease lease = model.acquire(); NoGradGuard g = new NoGradGuard()) {
            model.transformer().hidden(batch.ids(), batch.mask(), null, hooks, cache);
        }
    }

    private static Tensor kept(PointerScope keep, Tensor t) {
        keep.attach(t);
        return t;
    }

    private static int checkLayer(int l, int nL) {
        if (l < 0 || l >= nL) {
            throw new IllegalArgumentException("layer " + l + " out of range [0, " + nL + ")");
        }
        return l;
    }

    private static int[] identity(int n) {
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            out[i] = i;
        }
        return out;
    }

    private static List<PromptTokens> bare(TokenBatch batch) {
        List<PromptTokens> out = new ArrayList<>(batch.size());
        for (int i = 0; i < batch.size(); i++) {
            out.add(PromptTokens.of(batch.sequence(i)));
        }
        return out;
    }
}
