package io.github.icl4j.model;

import io.github.icl4j.DeviceMap;
import io.github.icl4j.HookContext;
import io.github.icl4j.HookPoint;
import io.github.icl4j.Hooks;
import io.github.icl4j.runtime.Tensors;
import java.util.LinkedHashMap;
import java.util.Map;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Device;
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
 * attn(h):    q, k = qk_norm(W_Q h), qk_norm(W_K h);  rotary;  softmax(softcap(scale · q·k) + mask) v;  W_O
 * </pre>
 * Gemma's RMSNorms scale by {@code 1 + w} ({@link ModelConfig#normWeightOffset()}), its sliding blocks may have
 * their own rotary base ({@link ModelConfig#rotaryBaseAt}), and Gemma 2 soft-caps scores and logits.
 * Each sublayer may have a norm before it ({@code ln1}/{@code ln2}, {@link ModelConfig#preNorms()}), after it
 * ({@code post1}/{@code post2}, {@link ModelConfig#postNorms()}: OLMo-2 has only these, Gemma 2/3 both), or both;
 * queries and keys may be RMS-normed per head or over the whole projection ({@link ModelConfig#qkNorm()}).
 * {@code hook_attn_out} and {@code hook_mlp_out} are what is added to the residual (after a post-norm). Where a
 * post-norm sits between the heads and the residual, {@code hook_result} is each head's output through that
 * norm with its scale frozen from the real forward at that prompt and position, so that the heads' results
 * (plus the frozen-normed bias) sum to {@code hook_attn_out} exactly; see {@link HookPoint}.
 * Under a device map ({@link io.github.icl4j.DeviceMap}) each block runs where its weights are: the residual and the
 * forward's masks and rotary tables move to the block's device at range boundaries (hooks see each block's tensors on
 * that block's device), and the final norm's input to the unembedding's device.
 * All tensors made belong to the caller's {@code PointerScope}. Not thread-safe for one model concurrently
 * with training; concurrent inference forwards are safe.
 */
public final class Transformer {
    private final ModelConfig cfg;
    private final TransformerWeights w;
    private final Rotary rotary;
    /** Rotary of the sliding-window blocks when they have their own base (Gemma 3), else null. */
    private final Rotary localRotary;
    private final String[][] names;
    private final Norms norms;
    /**
     * Each block's device when the blocks sit on more than one device or not on the embedding's (a device map), else
     * null: activations move to the next block's device at range boundaries.
     */
    private final String[] layerDevices; // names, not Device objects: those die with the loading scope

    /** A transformer on weights that may sit on several devices (each block runs where its weights are). */
    public Transformer(ModelConfig cfg, TransformerWeights weights) {
        this(cfg, weights, null);
    }

    /**
     * A transformer on weights placed by {@code map} ({@link TransformerWeights#placed}); null infers each block's
     * device from its weights. With a map of several ranges the range boundaries are crossed even when the devices
     * are equal (a {@code cpu}-only map), which runs the same code path as a real split.
     */
    public Transformer(ModelConfig cfg, TransformerWeights weights, DeviceMap map) {
        this.cfg = cfg;
        this.w = weights;
        this.rotary = cfg.hasRotary() ? new Rotary(cfg) : null;
        this.norms = new Norms(cfg);
        // transformers gives Gemma 3's local blocks unscaled rotary with their own base
        this.localRotary = cfg.hasRotary() && cfg.localRotaryBase() > 0 ? new Rotary(cfg.toBuilder()
                .rotary(cfg.rotaryDim(), cfg.localRotaryBase(), cfg.rotaryStyle()).ropeScaling(RopeScaling.NONE)
                .build()) : null;
        // Hook names per block, made once so a forward builds no strings.
        this.names = new String[cfg.nLayers()][HookPoint.BLOCK_HOOKS.size()];
        for (int l = 0; l < cfg.nLayers(); l++) {
            for (int i = 0; i < HookPoint.BLOCK_HOOKS.size(); i++) {
                names[l][i] = "blocks." + l + "." + HookPoint.BLOCK_HOOKS.get(i);
            }
        }
        this.layerDevices = map == null ? layerDevices(weights) : map.ranges().size() == 1 ? null
                : java.util.stream.IntStream.range(0, cfg.nLayers()).mapToObj(l -> map.deviceOf(l).toString())
                        .toArray(String[]::new);
    }

    private static String[] layerDevices(TransformerWeights w) {
        String home = deviceName(w.embed());
        String[] out = new String[w.layers().size()];
        boolean spread = !deviceName(w.finalNormW()).equals(home);
        for (int l = 0; l < out.length; l++) {
            out[l] = deviceName(w.layers().get(l).wQ());
            spread |= !out[l].equals(home);
        }
        return spread ? out : null;
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

    /** Logits for final-norm outputs {@code [..., d]}. */
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
        long past = cache == null ? 0 : cache.length();
        if (cache != null && past > 0 && cache.batch() != ids.size(0)) {
            throw new IllegalArgumentException("cache holds batch " + cache.batch() + " but the input has batch "
                    + ids.size(0));
        }
        Inputs in = inputs(ids.size(0), ids.size(1), mask, positions, cache);
        Tensor x = torch.embedding(w.embed(), ids); // [b, s, d]
        if (cfg.embeddingScale() != 1.0) {
            // the scale rounded to the embedding dtype first, as Hugging Face's Gemma does
            x = x.mul(torch.scalar_tensor(new Scalar(cfg.embeddingScale()), new TensorOptions(x.scalar_type()))
                    .to(x.device(), x.scalar_type()));
        }
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

    /**
     * The position ids, rotary tables (global, and local for sliding blocks with their own base; null without
     * rotary) and per-block additive attention masks of one forward.
     */
    private record Inputs(Tensor positions, Tensor[] globalCosSin, Tensor[] localCosSin, Tensor[] addMasks) {
        /** The rotary tables of block {@code l}: the local ones on a sliding block when it has its own base. */
        Tensor[] cosSinAt(int l, ModelConfig cfg) {
            return localCosSin != null && cfg.windowAt(l) > 0 ? localCosSin : globalCosSin;
        }

        /** The same inputs on device {@code d}; an input already there is kept. */
        Inputs to(String d) {
            Tensor[] masks = new Tensor[addMasks.length];
            Map<Tensor, Tensor> moved = new java.util.IdentityHashMap<>(); // blocks share a mask per window
            for (int i = 0; i < masks.length; i++) {
                masks[i] = moved.computeIfAbsent(addMasks[i], t -> onDevice(t, d));
            }
            return new Inputs(onDevice(positions, d), all(globalCosSin, d), all(localCosSin, d), masks);
        }

        private static Tensor[] all(Tensor[] ts, String d) {
            if (ts == null) {
                return null;
            }
            Tensor[] out = new Tensor[ts.length];
            for (int i = 0; i < ts.length; i++) {
                out[i] = onDevice(ts[i], d);
            }
            return out;
        }
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
        Tensor[] addMasks = AttentionMasks.of(cfg, keyMask, past, s); // per block [b, 1, s, t]
        var dtype = w.embed().scalar_type();
        Tensor[] globalCosSin = rotary == null ? null : rotary.cosSin(positions, dtype);
        Tensor[] localCosSin = localRotary == null ? null : localRotary.cosSin(positions, dtype);
        return new Inputs(positions, globalCosSin, localCosSin, addMasks);
    }

    /** Blocks {@code from..nLayers-1} and the final norm on the residual {@code x} entering block {@code from}. */
    private Tensor blocksFrom(int from, Tensor x, Inputs in, Hooks hooks, KvCache cache, long past) {
        PointerScope outer = hooks.releasesEachBlock() && cache == null ? PointerScope.getInnerScope() : null;
        Map<String, Inputs> byDevice = layerDevices == null ? null : new java.util.HashMap<>();
        Inputs home = in;
        for (int l = from; l < cfg.nLayers(); l++) {
            if (layerDevices != null) {
                // a range boundary of the device map: the residual and this forward's inputs follow the block
                String d = layerDevices[l];
                in = byDevice.computeIfAbsent(d, k -> home.to(d));
                x = onDevice(x, d);
            }
            if (outer == null) {
                x = block(l, x, in.cosSinAt(l, cfg), in.addMasks()[l], hooks, cache, past);
                continue;
            }
            // the block's temporaries die with its scope; its output moves to the caller's
            try (PointerScope blockScope = new PointerScope()) {
                Tensor y = block(l, x, in.cosSinAt(l, cfg), in.addMasks()[l], hooks, null, past);
                outer.attach(y);
                x = y;
            }
        }
        if (layerDevices != null) {
            x = onDevice(x, deviceName(w.finalNormW()));
        }
        Tensor out = norm(x, w.finalNormW(), w.finalNormB());
        return hooks.apply(HookPoint.LN_FINAL, out, ctx(HookPoint.LN_FINAL, -1, past));
    }

    private Tensor block(int l, Tensor x, Tensor[] cosSin, Tensor addMask, Hooks hooks, KvCache cache, long past) {
        LayerWeights lw = w.layers().get(l);
        String[] n = names[l];
        x = hook(hooks, n[RESID_PRE], x, l, past);
        // without pre-norms (OLMo-2) the sublayers read the residual itself and ln1/ln2 do not fire
        Tensor h1 = cfg.preNorms() ? hook(hooks, n[LN1], norm(x, lw.ln1W(), lw.ln1B()), l, past) : x;
        Tensor attnOut = hook(hooks, n[ATTN_OUT], attention(l, lw, h1, cosSin, addMask, hooks, cache, past), l, past);
        if (cfg.parallelResidual()) {
            Tensor h2 = cfg.sharedNorm() ? h1 : hook(hooks, n[LN2], norm(x, lw.ln2W(), lw.ln2B()), l, past);
            Tensor mlpOut = hook(hooks, n[MLP_OUT], mlpPostNorm(l, mlp(lw, h2), hooks, past), l, past);
            x = x.add(attnOut).add(mlpOut);
        } else {
            x = hook(hooks, n[RESID_MID], x.add(attnOut), l, past);
            Tensor h2 = cfg.preNorms() ? hook(hooks, n[LN2], norm(x, lw.ln2W(), lw.ln2B()), l, past) : x;
            x = x.add(hook(hooks, n[MLP_OUT], mlpPostNorm(l, mlp(lw, h2), hooks, past), l, past));
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
        // hook_q / hook_k: after the q/k norm, before rotary (so rot_q = rotary(hook_q))
        Tensor q = hook(hooks, n[Q], norms.qkNorm(linear(h, lw.wQ(), lw.bQ()), lw.qNormW(), nH), l, past); // [b, s, h, e]
        Tensor k = hook(hooks, n[K], norms.qkNorm(linear(h, lw.wK(), lw.bK()), lw.kNormW(), nKv), l, past); // [b, s, k, e]
        Tensor v = hook(hooks, n[V], linear(h, lw.wV(), lw.bV()).view(b, s, nKv, e), l, past); // [b, s, k, e]
        Tensor rq = q;
        Tensor rk = k;
        if (rotary != null) {
            rq = hook(hooks, n[ROT_Q], rotary.apply(q, cosSin), l, past); // same pairing for both bases
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
        double scale = cfg.attentionScaleAt(l);
        // the fused kernel cannot soft-cap scores
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
        // the post-norm's divisor from the real output (heads + bias) at each prompt and position: the frozen scale
        Tensor div = cfg.postNorms() ? hook(hooks, n[LN1_POST_SCALE], norms.postNormDivisor(out), l, past) : null;
        Tensor normBias = cfg.postNorms() ? lw.postAttnNormB() : null;
        if (hooks.has(n[RESULT])) {
            // per-head output in model space: z[b,s,h,e] · W_O[d, h*e] viewed [h, e, d] -> [b, s, h, d]
            Tensor wo = lw.wO().view(cfg.dModel(), nH, e).permute(1, 2, 0); // [h, e, d]
            Tensor result = z.transpose(1, 2).matmul(wo).transpose(1, 2); // [b, h, s, d] -> [b, s, h, d]
            result = hook(hooks, n[RESULT], throughAttentionPostNorm(l, result, div == null ? null
                    : div.unsqueeze(2)), l, past); // div [b, s, 1] -> [b, s, 1, 1]
            Tensor sum = result.sum(new long[] {2}, false, new ScalarTypeOptional());
            Tensor bias = lw.bO() == null ? null : throughAttentionPostNorm(l, lw.bO(), div);
            bias = bias == null ? normBias : normBias == null ? bias : bias.add(normBias);
            return bias == null ? sum : sum.add(bias);
        }
        if (div == null) {
            return out;
        }
        Tensor normed = throughAttentionPostNorm(l, out, div);
        return normBias == null ? normed : normed.add(normBias);
    }

    /**
     * The frozen-scale rule, the one place per-head meaning under a post-attention norm is defined: a vector
     * {@code v} that attention in block {@code layer} writes at some position (one head's output, a value-output
     * vector, the output bias) reaches the residual stream as {@code norm_frozen(v)}: the post-norm applied to v
     * with the divisor {@code scale} = {@code sqrt(mean(y²) + ε)} (RMSNorm; {@code sqrt(var(y) + ε)} with v centred
     * for LayerNorm) taken from the real forward's attention output y at that prompt and position
     * ({@code blocks.L.ln1_post.hook_scale}), and without the norm's bias. It is linear in v, so the heads' outputs
     * (plus the frozen-normed output bias and the norm's bias) sum to the real {@code hook_attn_out}. Without
     * post-norms it is v itself. hook_result, the head scores, the value-output vectors and the majority-label fix
     * all use it.
     *
     * @param v     {@code [..., d]}
     * @param scale the divisor, broadcastable against v ({@code [..., 1]}); may be null without post-norms
     * @throws IllegalArgumentException when the model has post-norms and no scale is given
     */
    public Tensor throughAttentionPostNorm(int layer, Tensor v, Tensor scale) {
        if (!cfg.postNorms()) {
            return v;
        }
        if (scale == null) {
            throw new IllegalArgumentException("block " + layer + " has a post-attention norm: its frozen scale "
                    + "(blocks." + layer + ".ln1_post.hook_scale of the real forward) is required");
        }
        return norms.frozenNorm(v, scale, w.layers().get(layer).postAttnNormW());
    }

    /** The MLP output through the block's post-MLP norm (its divisor hookable as ln2_post.hook_scale), if any. */
    private Tensor mlpPostNorm(int l, Tensor y, Hooks hooks, long past) {
        if (!cfg.postNorms()) {
            return y;
        }
        LayerWeights lw = w.layers().get(l);
        Tensor div = hook(hooks, names[l][LN2_POST_SCALE], norms.postNormDivisor(y), l, past);
        Tensor normed = norms.frozenNorm(y, div, lw.postMlpNormW());
        return lw.postMlpNormB() == null ? normed : normed.add(lw.postMlpNormB());
    }

    private Tensor mlp(LayerWeights lw, Tensor x) {
        if (cfg.gatedMlp()) {
            return linear(cfg.activation().apply(linear(x, lw.wGate(), lw.bGate())).mul(linear(x, lw.wUp(), lw.bUp())),
                    lw.wDown(), lw.bDown());
        }
        return linear(cfg.activation().apply(linear(x, lw.wUp(), lw.bUp())), lw.wDown(), lw.bDown());
    }

    /** The block's normalisation (LayerNorm, or RMSNorm in fp32 like Hugging Face). */
    public Tensor norm(Tensor x, Tensor weight, Tensor bias) {
        return norms.norm(x, weight, bias);
    }

    /** The factor block {@code layer} puts on {@code q·k} (see {@link ModelConfig#attentionScaleAt}). */
    public double attentionScale(int layer) {
        return cfg.attentionScaleAt(layer);
    }

    private Tensor repeatKv(Tensor t) {
        int g = cfg.groupSize();
        // [b, t, k, e] -> [b, t, k*g, e]: query head i reads kv head i / g
        return g == 1 ? t : t.repeat_interleave(g, new LongOptional(2), new LongOptional());
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

    /** {@code t} on {@code d} in its own dtype; {@code t} itself when it is there already. */
    private static Tensor onDevice(Tensor t, String d) {
        return deviceName(t).equals(d) ? t : t.to(new Device(d), t.scalar_type());
    }

    private static String deviceName(Tensor t) {
        try (Device d = t.device()) {
            return d.str().getString();
        }
    }

    static Tensor linear(Tensor x, Tensor weight, Tensor bias) {
        return bias == null ? torch.linear(x, weight) : torch.linear(x, weight, new TensorOptional(bias));
    }
}
