package io.github.icl4j.model;

import io.github.icl4j.HookContext;
import io.github.icl4j.HookPoint;
import io.github.icl4j.Hooks;
import io.github.icl4j.model.ModelConfig.NormKind;
import io.github.icl4j.runtime.Tensors;
import java.util.LinkedHashMap;
import java.util.Map;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.DoubleOptional;
import org.bytedeco.pytorch.LongOptional;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.ScalarTypeOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * The decoder-only forward pass shared by every family, with a hook at every TransformerLens hook point.
 *
 * <pre>
 * x = embed(ids) · embeddingScale (+ pos_embed)
 * per block:  sequential: x = x + post1(attn(ln1(x)));  x = x + post2(mlp(ln2(x)))
 *             parallel:   x = x + attn(ln1(x)) + mlp(ln2(x))     (GPT-J: ln2 is ln1)
 * logits = softcap(unembed(ln_final(x)))
 * </pre>
 * {@code post1}/{@code post2} are the post norms of Gemma 2/3 (identity elsewhere); attention may normalise q
 * and k per head before rotary, soft-cap its scores, and use a per-layer window and rotary base (Gemma 3's
 * local and global layers).
 * All tensors made belong to the caller's {@code PointerScope}. Not thread-safe for one model concurrently
 * with training; concurrent inference forwards are safe.
 */
public final class Transformer {
    private final ModelConfig cfg;
    private final TransformerWeights w;
    /** Rotary per distinct base (one, or Gemma 3's local and global), in layer order of first use. */
    private final Map<Double, Rotary> rotaries;
    private final double scale;
    private final String[][] names;

    public Transformer(ModelConfig cfg, TransformerWeights weights) {
        this.cfg = cfg;
        this.w = weights;
        this.rotaries = new LinkedHashMap<>();
        if (cfg.hasRotary()) {
            for (int l = 0; l < cfg.nLayers(); l++) {
                rotaries.computeIfAbsent(cfg.rotaryBaseOf(l), b -> new Rotary(cfg.rotaryDim(), b, cfg.rotaryStyle()));
            }
        }
        this.scale = cfg.attentionScale();
        // Hook names per block, made once so a forward builds no strings.
        this.names = new String[cfg.nLayers()][HookPoint.BLOCK_HOOKS.size()];
        for (int l = 0; l < cfg.nLayers(); l++) {
            for (int i = 0; i < HookPoint.BLOCK_HOOKS.size(); i++) {
                names[l][i] = "blocks." + l + "." + HookPoint.BLOCK_HOOKS.get(i);
            }
        }
    }

    // indices into names[l], in HookPoint.BLOCK_HOOKS order
    private static final int RESID_PRE = 0;
    private static final int LN1 = 1;
    private static final int Q = 2;
    private static final int K = 3;
    private static final int V = 4;
    private static final int ROT_Q = 5;
    private static final int ROT_K = 6;
    private static final int SCORES = 7;
    private static final int PATTERN = 8;
    private static final int Z = 9;
    private static final int RESULT = 10;
    private static final int ATTN_OUT = 11;
    private static final int RESID_MID = 12;
    private static final int LN2 = 13;
    private static final int MLP_OUT = 14;
    private static final int RESID_POST = 15;
    private static final int LN1_POST_SCALE = 16;
    private static final int LN2_POST_SCALE = 17;

    public ModelConfig config() {
        return cfg;
    }

    public TransformerWeights weights() {
        return w;
    }

    /**
     * Logits {@code [b, s, vocab]}.
     *
     * @param ids       {@code [b, s]} int64 token ids (validated by the caller)
     * @param mask      {@code [b, s]} 1 for real tokens, 0 for padding; null = all real
     * @param positions {@code [b, s]} position ids; null = from the mask (and the cache)
     * @param hooks     hook functions ({@link Hooks#none()} for none)
     * @param cache     keys/values of earlier positions to continue from, appended to; null = none
     */
    public Tensor forward(Tensor ids, Tensor mask, Tensor positions, Hooks hooks, KvCache cache) {
        Tensor normalized = hidden(ids, mask, positions, hooks, cache);
        Tensor logits = unembed(normalized);
        return hooks.apply(HookPoint.LOGITS, logits, ctx(HookPoint.LOGITS, -1, cache == null ? 0 : cache.length() - ids.size(1)));
    }

    /** Logits for final-norm outputs {@code [..., d]} (soft-capped where the model caps them, Gemma 2). */
    public Tensor unembed(Tensor normalized) {
        return softcap(linear(normalized, w.unembed(), w.unembedBias()), cfg.finalSoftcap());
    }

    /** {@code cap · tanh(x / cap)}; x itself when cap is 0. */
    private static Tensor softcap(Tensor x, double cap) {
        return cap == 0 ? x : x.div(new Scalar(cap)).tanh().mul(new Scalar(cap));
    }

    /** The final norm's output {@code [b, s, d]} (the input of the unembedding); same arguments as forward. */
    public Tensor hidden(Tensor ids, Tensor mask, Tensor positions, Hooks hooks, KvCache cache) {
        var device = w.embed().device();
        ids = ids.to(device, ScalarType.Long);
        long b = ids.size(0);
        long s = ids.size(1);
        long past = cache == null ? 0 : cache.length();
        if (cache != null && past > 0 && cache.batch() != b) {
            throw new IllegalArgumentException("cache holds batch " + cache.batch() + " but the input has batch " + b);
        }
        mask = mask == null ? torch.ones(new long[] {b, s}, new TensorOptions(ScalarType.Long)).to(device, ScalarType.Long)
                : mask.to(device, ScalarType.Long);
        Tensor keyMask = past > 0 ? Tensors.cat(1, cache.keyMask(), mask) : mask; // [b, t]
        if (positions == null) {
            // position = real tokens before this one (padding does not advance it)
            Tensor pastReal = past > 0 ? cache.keyMask().sum(new long[] {1}, true, new ScalarTypeOptional(ScalarType.Long))
                    : null;
            positions = mask.cumsum(1).sub(new Scalar(1L)).clamp_min(new Scalar(0L));
            if (pastReal != null) {
                positions = positions.add(pastReal);
            }
        } else {
            positions = positions.to(device, ScalarType.Long);
        }
        if (cache != null) {
            cache.setKeyMask(keyMask);
        }
        Tensor globalMask = attentionMask(keyMask, past, s, 0); // [b, 1, s, t]
        Map<Integer, Tensor> masks = new java.util.HashMap<>();
        Map<Double, Tensor[]> tables = new java.util.HashMap<>();

        Tensor x = torch.embedding(w.embed(), ids); // [b, s, d]
        if (cfg.embeddingScale() != 1.0) {
            // the scale rounded to the embedding dtype first, as Hugging Face's Gemma does
            x = x.mul(torch.scalar_tensor(new Scalar(cfg.embeddingScale()), new TensorOptions(x.scalar_type()))
                    .to(x.device(), x.scalar_type()));
        }
        x = hooks.apply(HookPoint.EMBED, x, ctx(HookPoint.EMBED, -1, past));
        if (w.posEmbed() != null) {
            Tensor pe = torch.embedding(w.posEmbed(), positions);
            pe = hooks.apply(HookPoint.POS_EMBED, pe, ctx(HookPoint.POS_EMBED, -1, past));
            x = x.add(pe);
        }
        PointerScope outer = hooks.releasesEachBlock() && cache == null ? PointerScope.getInnerScope() : null;
        for (int l = 0; l < cfg.nLayers(); l++) {
            int window = cfg.windowOf(l);
            Tensor addMask = window == 0 ? globalMask
                    : masks.computeIfAbsent(window, win -> attentionMask(keyMask, past, s, win));
            Tensor[] cosSin = null;
            if (cfg.hasRotary()) {
                Tensor pos = positions;
                ScalarType dt = x.scalar_type();
                cosSin = tables.computeIfAbsent(cfg.rotaryBaseOf(l), base -> rotaries.get(base).cosSin(pos, dt));
            }
            if (outer == null) {
                x = block(l, x, cosSin, addMask, hooks, cache, past);
                continue;
            }
            // the block's temporaries die with its scope; its output moves to the caller's
            try (PointerScope blockScope = new PointerScope()) {
                Tensor y = block(l, x, cosSin, addMask, hooks, null, past);
                outer.attach(y);
                x = y;
            }
        }
        Tensor out = norm(x, w.finalNormW(), w.finalNormB());
        return hooks.apply(HookPoint.LN_FINAL, out, ctx(HookPoint.LN_FINAL, -1, past));
    }

    private Tensor block(int l, Tensor x, Tensor[] cosSin, Tensor addMask, Hooks hooks, KvCache cache, long past) {
        LayerWeights lw = w.layers().get(l);
        String[] n = names[l];
        x = hook(hooks, n[RESID_PRE], x, l, past);
        Tensor h1 = lw.ln1W() == null ? x : hook(hooks, n[LN1], norm(x, lw.ln1W(), lw.ln1B()), l, past);
        Tensor attnOut = hook(hooks, n[ATTN_OUT], attention(l, lw, h1, cosSin, addMask, hooks, cache, past), l, past);
        if (cfg.parallelResidual()) {
            Tensor h2 = cfg.sharedNorm() ? h1 : hook(hooks, n[LN2], norm(x, lw.ln2W(), lw.ln2B()), l, past);
            Tensor mlpOut = hook(hooks, n[MLP_OUT], mlp(lw, h2), l, past);
            x = x.add(attnOut).add(mlpOut);
        } else {
            x = hook(hooks, n[RESID_MID], x.add(attnOut), l, past);
            Tensor h2 = lw.ln2W() == null ? x : hook(hooks, n[LN2], norm(x, lw.ln2W(), lw.ln2B()), l, past);
            Tensor mlpOut = mlp(lw, h2);
            if (lw.ln2PostW() != null) {
                Tensor div = hook(hooks, n[LN2_POST_SCALE], postNormScale(mlpOut), l, past);
                mlpOut = postNorm(mlpOut, lw.ln2PostW(), div, mlpOut.scalar_type());
            }
            x = x.add(hook(hooks, n[MLP_OUT], mlpOut, l, past));
        }
        return hook(hooks, n[RESID_POST], x, l, past);
    }

    private Tensor attention(int l, LayerWeights lw, Tensor h, Tensor[] cosSin, Tensor addMask, Hooks hooks,
            KvCache cache, long past) {
        String[] n = names[l];
        long b = h.size(0);
        long s = h.size(1);
        long nH = cfg.nHeads();
        long nKv = cfg.nKvHeads();
        long e = cfg.dHead();
        Tensor q = qkNorm(linear(h, lw.wQ(), lw.bQ()), lw.qNormW()).view(b, s, nH, e); // [b, s, h*e] -> [b, s, h, e]
        Tensor k = qkNorm(linear(h, lw.wK(), lw.bK()), lw.kNormW()).view(b, s, nKv, e); // [b, s, k*e] -> [b, s, k, e]
        q = hook(hooks, n[Q], q, l, past);
        k = hook(hooks, n[K], k, l, past);
        Tensor v = hook(hooks, n[V], linear(h, lw.wV(), lw.bV()).view(b, s, nKv, e), l, past); // [b, s, k, e]
        Tensor rq = q;
        Tensor rk = k;
        if (cosSin != null) {
            Rotary rotary = rotaries.get(cfg.rotaryBaseOf(l));
            rq = hook(hooks, n[ROT_Q], rotary.apply(q, cosSin), l, past);
            rk = hook(hooks, n[ROT_K], rotary.apply(k, cosSin), l, past);
        }
        Tensor kAll = rk;
        Tensor rawAll = k;
        Tensor vAll = v;
        if (cache != null) {
            Tensor[] all = cache.append(l, rk, k, v);
            kAll = all[0];
            rawAll = all[1];
            vAll = all[2];
        }
        // fused attention cannot soft-cap its scores
        boolean explicit = hooks.needsExplicitAttention(l) || cfg.attnSoftcap() > 0;
        Map<String, Tensor> state = Map.of();
        if (explicit) {
            state = new LinkedHashMap<>();
            state.put("q", q);
            state.put("k", rawAll);
            state.put("rot_q", rq);
            state.put("rot_k", kAll);
            state.put("v", vAll);
            state.put("mask", addMask);
        }
        Tensor qh = rq.transpose(1, 2); // [b, h, s, e]
        Tensor kh = repeatKv(kAll).transpose(1, 2); // [b, h, t, e]
        Tensor vh = repeatKv(vAll).transpose(1, 2); // [b, h, t, e]
        Tensor zh;
        if (explicit) {
            HookContext c = new HookContext(n[SCORES], l, (int) past, cfg.nHeads(), cfg.nKvHeads(), cfg.dHead(), state);
            Tensor scores = softcap(qh.to(ScalarType.Float).matmul(kh.to(ScalarType.Float).transpose(-2, -1))
                    .mul(new Scalar(scale)), cfg.attnSoftcap()).add(addMask); // [b, h, s, t]
            scores = hooks.apply(n[SCORES], scores, c);
            Tensor pattern = Tensors.softmaxFloat(scores, -1).to(vh.scalar_type());
            pattern = hooks.apply(n[PATTERN], pattern, new HookContext(n[PATTERN], l, (int) past, cfg.nHeads(),
                    cfg.nKvHeads(), cfg.dHead(), state));
            zh = pattern.matmul(vh); // [b, h, s, e]
        } else {
            zh = torch.scaled_dot_product_attention(qh, kh, vh, new TensorOptional(addMask.to(qh.scalar_type())), 0.0,
                    false, new DoubleOptional(scale), false);
        }
        Tensor z = hook(hooks, n[Z], zh.transpose(1, 2), l, past); // [b, s, h, e]
        Tensor out = linear(z.reshape(b, s, nH * e), lw.wO(), lw.bO()); // [b, s, h*e] -> [b, s, d]
        // the post-norm's divisor always comes from the real (unpatched) output: the frozen-scale rule
        Tensor div = lw.ln1PostW() == null ? null : hook(hooks, n[LN1_POST_SCALE], postNormScale(out), l, past);
        if (hooks.has(n[RESULT])) {
            // per-head output in model space: z[b,s,h,e] · W_O[d, h*e] viewed [h, e, d] -> [b, s, h, d]
            Tensor wo = lw.wO().view(cfg.dModel(), nH, e).permute(1, 2, 0); // [h, e, d]
            Tensor result = z.transpose(1, 2).matmul(wo).transpose(1, 2); // [b, h, s, d] -> [b, s, h, d]
            result = hook(hooks, n[RESULT], throughAttentionPostNorm(l, result, div == null ? null : div.unsqueeze(2)),
                    l, past); // div [b, s, 1] -> [b, s, 1, 1]
            out = result.sum(new long[] {2}, false, new ScalarTypeOptional());
            return lw.bO() == null ? out : out.add(throughAttentionPostNorm(l, lw.bO(), div));
        }
        return div == null ? out : postNorm(out, lw.ln1PostW(), div, out.scalar_type());
    }

    /**
     * The frozen-scale rule, the one place per-head meaning under a post-attention norm is defined: a vector
     * {@code v} that attention in layer {@code layer} writes at some position (a head's output, a value-output
     * vector, the output bias) reaches the residual stream as {@code (offset + g) ⊙ v / scale}, where g is the
     * post-attention norm's weight and {@code scale} its divisor {@code sqrt(mean(y²) + ε)} taken from the real
     * forward's attention output y at that position ({@code blocks.L.ln1_post.hook_scale}). The per-head outputs
     * then sum to the norm's real output, and each is linear in its head. Without a post-attention norm, v.
     *
     * @param v     {@code [..., d]}
     * @param scale the divisor, broadcastable against v ({@code [..., 1]}); ignored (may be null) without a post
     *              norm
     */
    public Tensor throughAttentionPostNorm(int layer, Tensor v, Tensor scale) {
        Tensor g = w.layers().get(layer).ln1PostW();
        if (g == null) {
            return v;
        }
        if (scale == null) {
            throw new IllegalArgumentException("layer " + layer + " has a post-attention norm: the frozen scale "
                    + "(blocks." + layer + ".ln1_post.hook_scale of the real forward) is required");
        }
        return postNorm(v, g, scale, v.scalar_type());
    }

    /** The divisor {@code sqrt(mean(y²) + ε)} of an RMSNorm over the last axis, fp32, {@code [..., 1]}. */
    private Tensor postNormScale(Tensor y) {
        return y.to(ScalarType.Float).pow(new Scalar(2.0)).mean(new long[] {-1}, true, new ScalarTypeOptional())
                .add(new Scalar(cfg.normEps())).sqrt();
    }

    /** {@code (offset + g) ⊙ v / divisor}, in fp32, cast back to {@code dtype}. */
    private Tensor postNorm(Tensor v, Tensor g, Tensor divisor, ScalarType dtype) {
        Tensor n = v.to(ScalarType.Float).div(divisor.to(v.device(), ScalarType.Float));
        if (cfg.normWeightOffset() != 0) {
            return n.mul(g.to(ScalarType.Float).add(new Scalar(cfg.normWeightOffset()))).to(dtype);
        }
        return g.mul(n.to(dtype));
    }

    /** RMSNorm of queries or keys: per head for a {@code [dHead]} weight, over all heads otherwise. */
    private Tensor qkNorm(Tensor x, Tensor weight) {
        if (weight == null) {
            return x;
        }
        long e = cfg.dHead();
        if (weight.size(0) == e && x.size(-1) != e) {
            long[] shape = x.sizes().vec().get();
            long[] heads = java.util.Arrays.copyOf(shape, shape.length + 1);
            heads[shape.length - 1] = shape[shape.length - 1] / e;
            heads[shape.length] = e;
            return norm(x.view(heads), weight, null).view(shape); // [b, s, h*e] -> [b, s, h, e] -> [b, s, h*e]
        }
        return norm(x, weight, null);
    }

    private Tensor mlp(LayerWeights lw, Tensor x) {
        if (cfg.gatedMlp()) {
            return linear(cfg.activation().apply(linear(x, lw.wGate(), null)).mul(linear(x, lw.wUp(), lw.bUp())),
                    lw.wDown(), lw.bDown());
        }
        return linear(cfg.activation().apply(linear(x, lw.wUp(), lw.bUp())), lw.wDown(), lw.bDown());
    }

    /** The block's normalisation (LayerNorm, or RMSNorm in fp32 like Hugging Face, with Gemma's {@code 1 + w}). */
    public Tensor norm(Tensor x, Tensor weight, Tensor bias) {
        if (cfg.norm() == NormKind.LAYER_NORM) {
            return torch.layer_norm(x, new long[] {cfg.dModel()}, new TensorOptional(weight),
                    bias == null ? new TensorOptional() : new TensorOptional(bias), cfg.normEps(), false);
        }
        Tensor xf = x.to(ScalarType.Float);
        Tensor var = xf.pow(new Scalar(2.0)).mean(new long[] {-1}, true, new ScalarTypeOptional());
        Tensor n = xf.mul(var.add(new Scalar(cfg.normEps())).rsqrt());
        if (cfg.normWeightOffset() != 0) {
            // Gemma: (offset + w) applied in fp32, then cast
            return n.mul(weight.to(ScalarType.Float).add(new Scalar(cfg.normWeightOffset()))).to(x.scalar_type());
        }
        return weight.mul(n.to(x.scalar_type()));
    }

    private Tensor repeatKv(Tensor t) {
        int g = cfg.groupSize();
        // [b, t, k, e] -> [b, t, k*g, e]: query head i reads kv head i / g
        return g == 1 ? t : t.repeat_interleave(g, new LongOptional(2), new LongOptional());
    }

    private Tensor attentionMask(Tensor keyMask, long past, long s, int window) {
        long t = past + s;
        var device = keyMask.device();
        TensorOptions longs = new TensorOptions(ScalarType.Long);
        Tensor qIdx = torch.arange(new Scalar(past), new Scalar(t), longs).to(device, ScalarType.Long).view(s, 1);
        Tensor kIdx = torch.arange(new Scalar(0L), new Scalar(t), longs).to(device, ScalarType.Long).view(1, t);
        Tensor allowed = kIdx.le(qIdx); // causal [s, t]
        if (window > 0) {
            allowed = allowed.logical_and(qIdx.sub(kIdx).lt(new Scalar((long) window)));
        }
        long b = keyMask.size(0);
        allowed = allowed.view(1, 1, s, t).logical_and(keyMask.view(b, 1, 1, t).ne(new Scalar(0L))); // [b, 1, s, t]
        // the most negative float rather than -inf: a fully masked (padding) row stays finite (uniform)
        return torch.zeros(new long[] {b, 1, s, t}, new TensorOptions(ScalarType.Float)).to(device, ScalarType.Float)
                .masked_fill(allowed.logical_not(), new Scalar(-Float.MAX_VALUE));
    }

    private Tensor hook(Hooks hooks, String name, Tensor t, int layer, long past) {
        if (!hooks.has(name)) {
            return t;
        }
        return hooks.apply(name, t, new HookContext(name, layer, (int) past, cfg.nHeads(), cfg.nKvHeads(), cfg.dHead(),
                Map.of()));
    }

    private HookContext ctx(String name, int layer, long past) {
        return new HookContext(name, layer, (int) past, cfg.nHeads(), cfg.nKvHeads(), cfg.dHead(), Map.of());
    }

    static Tensor linear(Tensor x, Tensor weight, Tensor bias) {
        return bias == null ? torch.linear(x, weight) : torch.linear(x, weight, new TensorOptional(bias));
    }
}
