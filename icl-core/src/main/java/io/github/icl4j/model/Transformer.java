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
 * x = embed(ids) (+ pos_embed)
 * per block:  sequential: x = x + attn(ln1(x));  x = x + mlp(ln2(x))
 *             parallel:   x = x + attn(ln1(x)) + mlp(ln2(x))     (GPT-J: ln2 is ln1)
 * logits = unembed(ln_final(x))
 * </pre>
 * All tensors made belong to the caller's {@code PointerScope}. Not thread-safe for one model concurrently
 * with training; concurrent inference forwards are safe.
 */
public final class Transformer {
    private final ModelConfig cfg;
    private final TransformerWeights w;
    private final Rotary rotary;
    private final double scale;
    private final String[][] names;

    public Transformer(ModelConfig cfg, TransformerWeights weights) {
        this.cfg = cfg;
        this.w = weights;
        this.rotary = cfg.hasRotary() ? new Rotary(cfg.rotaryDim(), cfg.rotaryBase(), cfg.rotaryStyle()) : null;
        this.scale = 1.0 / Math.sqrt(cfg.dHead());
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

    /** Logits for final-norm outputs {@code [..., d]}. */
    public Tensor unembed(Tensor normalized) {
        return linear(normalized, w.unembed(), w.unembedBias());
    }

    /** The final norm's output {@code [b, s, d]} (the input of the unembedding); same arguments as forward. */
    public Tensor hidden(Tensor ids, Tensor mask, Tensor positions, Hooks hooks, KvCache cache) {
        var device = w.embed().device();
        ids = ids.to(device, ScalarType.Long);
        long past = cache == null ? 0 : cache.length();
        if (cache != null && past > 0 && cache.batch() != ids.size(0)) {
            throw new IllegalArgumentException("cache holds batch " + cache.batch() + " but the input has batch "
                    + ids.size(0));
        }
        Inputs in = inputs(ids.size(0), ids.size(1), mask, positions, cache);
        Tensor x = torch.embedding(w.embed(), ids); // [b, s, d]
        x = hooks.apply(HookPoint.EMBED, x, ctx(HookPoint.EMBED, -1, past));
        if (w.posEmbed() != null) {
            Tensor pe = torch.embedding(w.posEmbed(), in.positions());
            pe = hooks.apply(HookPoint.POS_EMBED, pe, ctx(HookPoint.POS_EMBED, -1, past));
            x = x.add(pe);
        }
        return blocksFrom(0, x, in, hooks, cache, past);
    }

    /**
     * The final norm's output {@code [b, s, d]} of blocks {@code layer..nLayers-1} run on {@code residual}, the
     * residual stream entering block {@code layer} ({@code blocks.{layer}.hook_resid_pre}) — TransformerLens'
     * {@code start_at_layer}. Hooks use the model's own layer numbers. The result equals a full forward pass whose
     * residual entering {@code layer} is {@code residual} (the same operations on the same inputs).
     *
     * @param layer     first block to run, in {@code [0, nLayers]} ({@code nLayers}: only the final norm)
     * @param residual  {@code [b, s, d]}
     * @param mask      {@code [b, s]} 1 for real tokens, 0 for padding; null = all real
     * @param positions {@code [b, s]} position ids; null = from the mask
     * @param hooks     hook functions for blocks from {@code layer} on and the final norm
     */
    public Tensor forwardFrom(int layer, Tensor residual, Tensor mask, Tensor positions, Hooks hooks) {
        if (layer < 0 || layer > cfg.nLayers()) {
            throw new IllegalArgumentException("layer " + layer + " out of range [0, " + cfg.nLayers() + "]");
        }
        if (residual.dim() != 3 || residual.size(2) != cfg.dModel()) {
            throw new IllegalArgumentException("residual of shape " + java.util.Arrays.toString(Tensors.shape(residual))
                    + " does not match [b, s, " + cfg.dModel() + "]");
        }
        Inputs in = inputs(residual.size(0), residual.size(1), mask, positions, null);
        return blocksFrom(layer, residual, in, hooks, null, 0);
    }

    /** The key mask, position ids, rotary tables and additive attention mask of one forward. */
    private record Inputs(Tensor positions, Tensor[] cosSin, Tensor addMask) {
    }

    private Inputs inputs(long b, long s, Tensor mask, Tensor positions, KvCache cache) {
        var device = w.embed().device();
        long past = cache == null ? 0 : cache.length();
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
        Tensor addMask = attentionMask(keyMask, past, s); // [b, 1, s, t]
        Tensor[] cosSin = rotary == null ? null : rotary.cosSin(positions, w.embed().scalar_type());
        return new Inputs(positions, cosSin, addMask);
    }

    /** Blocks {@code from..nLayers-1} and the final norm on the residual {@code x} entering block {@code from}. */
    private Tensor blocksFrom(int from, Tensor x, Inputs in, Hooks hooks, KvCache cache, long past) {
        PointerScope outer = hooks.releasesEachBlock() && cache == null ? PointerScope.getInnerScope() : null;
        for (int l = from; l < cfg.nLayers(); l++) {
            if (outer == null) {
                x = block(l, x, in.cosSin(), in.addMask(), hooks, cache, past);
                continue;
            }
            // the block's temporaries die with its scope; its output moves to the caller's
            try (PointerScope blockScope = new PointerScope()) {
                Tensor y = block(l, x, in.cosSin(), in.addMask(), hooks, null, past);
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
        Tensor h1 = hook(hooks, n[LN1], norm(x, lw.ln1W(), lw.ln1B()), l, past);
        Tensor attnOut = hook(hooks, n[ATTN_OUT], attention(l, lw, h1, cosSin, addMask, hooks, cache, past), l, past);
        if (cfg.parallelResidual()) {
            Tensor h2 = cfg.sharedNorm() ? h1 : hook(hooks, n[LN2], norm(x, lw.ln2W(), lw.ln2B()), l, past);
            Tensor mlpOut = hook(hooks, n[MLP_OUT], mlp(lw, h2), l, past);
            x = x.add(attnOut).add(mlpOut);
        } else {
            x = hook(hooks, n[RESID_MID], x.add(attnOut), l, past);
            Tensor h2 = hook(hooks, n[LN2], norm(x, lw.ln2W(), lw.ln2B()), l, past);
            x = x.add(hook(hooks, n[MLP_OUT], mlp(lw, h2), l, past));
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
        Tensor q = hook(hooks, n[Q], linear(h, lw.wQ(), lw.bQ()).view(b, s, nH, e), l, past); // [b, s, h, e]
        Tensor k = hook(hooks, n[K], linear(h, lw.wK(), lw.bK()).view(b, s, nKv, e), l, past); // [b, s, k, e]
        Tensor v = hook(hooks, n[V], linear(h, lw.wV(), lw.bV()).view(b, s, nKv, e), l, past); // [b, s, k, e]
        Tensor rq = q;
        Tensor rk = k;
        if (rotary != null) {
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
        boolean explicit = hooks.needsExplicitAttention(l);
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
            Tensor scores = qh.to(ScalarType.Float).matmul(kh.to(ScalarType.Float).transpose(-2, -1))
                    .mul(new Scalar(scale)).add(addMask); // [b, h, s, t]
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
        if (hooks.has(n[RESULT])) {
            // per-head output in model space: z[b,s,h,e] · W_O[d, h*e] viewed [h, e, d] -> [b, s, h, d]
            Tensor wo = lw.wO().view(cfg.dModel(), nH, e).permute(1, 2, 0); // [h, e, d]
            Tensor result = z.transpose(1, 2).matmul(wo).transpose(1, 2); // [b, h, s, d] -> [b, s, h, d]
            result = hook(hooks, n[RESULT], result, l, past);
            Tensor out = result.sum(new long[] {2}, false, new ScalarTypeOptional());
            return lw.bO() == null ? out : out.add(lw.bO());
        }
        return linear(z.reshape(b, s, nH * e), lw.wO(), lw.bO()); // [b, s, h*e] -> [b, s, d]
    }

    private Tensor mlp(LayerWeights lw, Tensor x) {
        if (cfg.gatedMlp()) {
            return linear(cfg.activation().apply(linear(x, lw.wGate(), null)).mul(linear(x, lw.wUp(), lw.bUp())),
                    lw.wDown(), lw.bDown());
        }
        return linear(cfg.activation().apply(linear(x, lw.wUp(), lw.bUp())), lw.wDown(), lw.bDown());
    }

    /** The block's normalisation (LayerNorm, or RMSNorm in fp32 like Hugging Face). */
    public Tensor norm(Tensor x, Tensor weight, Tensor bias) {
        if (cfg.norm() == NormKind.LAYER_NORM) {
            return torch.layer_norm(x, new long[] {cfg.dModel()}, new TensorOptional(weight),
                    bias == null ? new TensorOptional() : new TensorOptional(bias), cfg.normEps(), false);
        }
        Tensor xf = x.to(ScalarType.Float);
        Tensor var = xf.pow(new Scalar(2.0)).mean(new long[] {-1}, true, new ScalarTypeOptional());
        return weight.mul(xf.mul(var.add(new Scalar(cfg.normEps())).rsqrt()).to(x.scalar_type()));
    }

    private Tensor repeatKv(Tensor t) {
        int g = cfg.groupSize();
        // [b, t, k, e] -> [b, t, k*g, e]: query head i reads kv head i / g
        return g == 1 ? t : t.repeat_interleave(g, new LongOptional(2), new LongOptional());
    }

    private Tensor attentionMask(Tensor keyMask, long past, long s) {
        long t = past + s;
        var device = keyMask.device();
        TensorOptions longs = new TensorOptions(ScalarType.Long);
        Tensor qIdx = torch.arange(new Scalar(past), new Scalar(t), longs).to(device, ScalarType.Long).view(s, 1);
        Tensor kIdx = torch.arange(new Scalar(0L), new Scalar(t), longs).to(device, ScalarType.Long).view(1, t);
        Tensor allowed = kIdx.le(qIdx); // causal [s, t]
        if (cfg.slidingWindow() > 0) {
            allowed = allowed.logical_and(qIdx.sub(kIdx).lt(new Scalar((long) cfg.slidingWindow())));
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
