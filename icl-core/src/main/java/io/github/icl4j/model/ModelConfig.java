package io.github.icl4j.model;

/**
 * The architecture of a decoder-only transformer, in one vocabulary for every family.
 *
 * <p>Made from a Hugging Face {@code config.json} by the family's {@link ArchitectureAdapter}; every
 * difference between GPT-2, GPT-J, GPT-NeoX, the Llama family and Gemma the forward pass needs is a field here.
 *
 * @param modelType        {@code config.json}'s {@code model_type} (gpt2, gptj, gpt_neox, llama, mistral, qwen2)
 * @param family           the weight layout family
 * @param vocabSize        rows of the embedding and of the unembedding
 * @param dModel           residual stream width
 * @param nLayers          number of blocks
 * @param nHeads           query heads per block
 * @param nKvHeads         key/value heads per block (fewer than {@code nHeads}: grouped-query attention)
 * @param dHead            width of one head
 * @param dMlp             hidden width of the MLP
 * @param maxPositions     context length the model was built for
 * @param norm             LayerNorm or RMSNorm
 * @param normEps          epsilon of every norm
 * @param activation       MLP non-linearity
 * @param gatedMlp         {@code down(act(gate(x)) * up(x))} instead of {@code out(act(in(x)))}
 * @param parallelResidual attention and MLP both read the block input (GPT-J, NeoX default)
 * @param sharedNorm       one norm feeds both attention and MLP (GPT-J)
 * @param positions        absolute learned embeddings or rotary
 * @param rotaryDim        dimensions of each head that are rotated (0 without rotary)
 * @param rotaryBase       rotary base (theta)
 * @param rotaryStyle      halves (Llama, NeoX) or interleaved pairs (GPT-J)
 * @param qkvBias          q/k/v projections have biases
 * @param outBias          the attention output projection has a bias
 * @param mlpBias          MLP projections have biases
 * @param lmHeadBias       the unembedding has a bias (GPT-J)
 * @param tiedEmbeddings   the unembedding is the embedding matrix
 * @param slidingWindow    keys further back than this many positions are masked (Mistral; Gemma 2/3 on the
 *                         layers {@code slidingLayers} marks); 0 = none
 * @param bosTokenId       beginning-of-sequence id, or -1
 * @param eosTokenId       end-of-sequence id, or -1
 * @param normWeightOffset RMSNorm multiplies by {@code offset + w}: 0, or 1 for Gemma's {@code (1 + w)}
 * @param postNorms        a norm on the attention output and on the MLP output before each joins the residual
 *                         (Gemma 2/3): {@code ln1Post}/{@code ln2Post} in {@link LayerWeights}
 * @param qkNorm           queries and keys go through an RMSNorm before rotary (Gemma 3): per head when its
 *                         weight is {@code [dHead]}, over all heads when {@code [heads*dHead]}
 * @param embeddingScale   token embeddings are multiplied by this, rounded to their dtype (Gemma: sqrt(d)); the
 *                         tied unembedding is not
 * @param attentionScale   multiplier of {@code q·k} (1/sqrt(dHead) by default; Gemma 2/3:
 *                         {@code query_pre_attn_scalar^-0.5})
 * @param attnSoftcap      attention scores become {@code cap·tanh(scores/cap)} before the mask (Gemma 2); 0 = none
 * @param finalSoftcap     logits become {@code cap·tanh(logits/cap)} (Gemma 2); 0 = none
 * @param slidingLayers    per layer, whether it uses the sliding window and {@code localRotaryBase}; empty = the
 *                         window (if any) and {@code rotaryBase} on every layer
 * @param localRotaryBase  rotary base of the sliding-window layers (Gemma 3: 10,000); 0 = {@code rotaryBase}
 */
public record ModelConfig(
        String modelType,
        Family family,
        int vocabSize,
        int dModel,
        int nLayers,
        int nHeads,
        int nKvHeads,
        int dHead,
        int dMlp,
        int maxPositions,
        NormKind norm,
        double normEps,
        Activation activation,
        boolean gatedMlp,
        boolean parallelResidual,
        boolean sharedNorm,
        PositionKind positions,
        int rotaryDim,
        double rotaryBase,
        RotaryStyle rotaryStyle,
        boolean qkvBias,
        boolean outBias,
        boolean mlpBias,
        boolean lmHeadBias,
        boolean tiedEmbeddings,
        int slidingWindow,
        long bosTokenId,
        long eosTokenId,
        double normWeightOffset,
        boolean postNorms,
        boolean qkNorm,
        double embeddingScale,
        double attentionScale,
        double attnSoftcap,
        double finalSoftcap,
        java.util.List<Boolean> slidingLayers,
        double localRotaryBase) {

    /** Weight layout families; Llama covers Mistral and Qwen2. */
    public enum Family { GPT2, GPTJ, GPT_NEOX, LLAMA }

    /** Normalisation layers. */
    public enum NormKind { LAYER_NORM, RMS_NORM }

    /** How positions enter the model. */
    public enum PositionKind { ABSOLUTE, ROTARY }

    /** Which dimensions rotary pairs up. */
    public enum RotaryStyle { NONE, HALF, INTERLEAVED }

    public ModelConfig {
        positive("vocab_size", vocabSize);
        positive("hidden size", dModel);
        positive("number of layers", nLayers);
        positive("number of heads", nHeads);
        positive("number of key/value heads", nKvHeads);
        positive("head dimension", dHead);
        positive("MLP width", dMlp);
        positive("max positions", maxPositions);
        if (nHeads % nKvHeads != 0) {
            throw new IllegalArgumentException("number of heads " + nHeads + " is not a multiple of the number of "
                    + "key/value heads " + nKvHeads);
        }
        if (positions == PositionKind.ROTARY && (rotaryDim <= 0 || rotaryDim > dHead || rotaryDim % 2 != 0)) {
            throw new IllegalArgumentException("rotary dimension " + rotaryDim + " must be even and in (0, " + dHead + "]");
        }
        if (!(normEps > 0)) {
            throw new IllegalArgumentException("norm epsilon " + normEps + " must be > 0");
        }
        if (!(normWeightOffset == 0 || normWeightOffset == 1)) {
            throw new IllegalArgumentException("norm weight offset " + normWeightOffset + " must be 0 or 1");
        }
        finitePositive("embedding scale", embeddingScale);
        finitePositive("attention scale", attentionScale);
        softcap("attention soft-cap", attnSoftcap);
        softcap("final logit soft-cap", finalSoftcap);
        if (slidingWindow < 0) {
            throw new IllegalArgumentException("sliding window " + slidingWindow + " must be >= 0 (0 = none)");
        }
        slidingLayers = java.util.List.copyOf(slidingLayers);
        if (!slidingLayers.isEmpty() && slidingLayers.size() != nLayers) {
            throw new IllegalArgumentException("sliding-layer list has " + slidingLayers.size() + " entries; expected "
                    + "one per layer (" + nLayers + ") or none");
        }
        if (slidingLayers.contains(Boolean.TRUE) && slidingWindow <= 0) {
            throw new IllegalArgumentException("layers " + slidingLayers + " are marked sliding but the sliding window "
                    + "is " + slidingWindow + "; expected > 0");
        }
        if (!(localRotaryBase == 0 || localRotaryBase > 0 && Double.isFinite(localRotaryBase))) {
            throw new IllegalArgumentException("local rotary base " + localRotaryBase + " must be > 0 (or 0 = none)");
        }
    }

    /**
     * The architecture without the Gemma-era options: no norm offset, post norms or q/k norm, unscaled
     * embeddings, attention scaled by 1/sqrt(dHead), no soft-capping, one window and one rotary base for all
     * layers.
     */
    public ModelConfig(String modelType, Family family, int vocabSize, int dModel, int nLayers, int nHeads,
            int nKvHeads, int dHead, int dMlp, int maxPositions, NormKind norm, double normEps, Activation activation,
            boolean gatedMlp, boolean parallelResidual, boolean sharedNorm, PositionKind positions, int rotaryDim,
            double rotaryBase, RotaryStyle rotaryStyle, boolean qkvBias, boolean outBias, boolean mlpBias,
            boolean lmHeadBias, boolean tiedEmbeddings, int slidingWindow, long bosTokenId, long eosTokenId) {
        this(modelType, family, vocabSize, dModel, nLayers, nHeads, nKvHeads, dHead, dMlp, maxPositions, norm, normEps,
                activation, gatedMlp, parallelResidual, sharedNorm, positions, rotaryDim, rotaryBase, rotaryStyle,
                qkvBias, outBias, mlpBias, lmHeadBias, tiedEmbeddings, slidingWindow, bosTokenId, eosTokenId, 0, false,
                false, 1.0, 1.0 / Math.sqrt(dHead), 0, 0, java.util.List.of(), 0);
    }

    private static void finitePositive(String what, double v) {
        if (!(v > 0) || !Double.isFinite(v)) {
            throw new IllegalArgumentException(what + " " + v + " must be finite and > 0");
        }
    }

    private static void softcap(String what, double v) {
        if (!(v >= 0) || !Double.isFinite(v)) {
            throw new IllegalArgumentException(what + " " + v + " must be finite and > 0 (or 0 = none)");
        }
    }

    /** Window of layer {@code l}: the sliding window on sliding layers (all layers when none are marked), else 0. */
    public int windowOf(int l) {
        return slidingLayers.isEmpty() || slidingLayers.get(l) ? slidingWindow : 0;
    }

    /** Rotary base of layer {@code l}: {@code localRotaryBase} on sliding layers when set, else {@code rotaryBase}. */
    public double rotaryBaseOf(int l) {
        return localRotaryBase > 0 && !slidingLayers.isEmpty() && slidingLayers.get(l) ? localRotaryBase : rotaryBase;
    }

    /**
     * The same architecture from block {@code first} on (its per-layer lists cut to match), for running the
     * tail of a model from a residual.
     */
    public ModelConfig fromLayer(int first) {
        if (first < 0 || first >= nLayers) {
            throw new IllegalArgumentException("first layer " + first + " out of range [0, " + nLayers + ")");
        }
        return new ModelConfig(modelType, family, vocabSize, dModel, nLayers - first, nHeads, nKvHeads, dHead, dMlp,
                maxPositions, norm, normEps, activation, gatedMlp, parallelResidual, sharedNorm, positions, rotaryDim,
                rotaryBase, rotaryStyle, qkvBias, outBias, mlpBias, lmHeadBias, tiedEmbeddings, slidingWindow,
                bosTokenId, eosTokenId, normWeightOffset, postNorms, qkNorm, embeddingScale, attentionScale,
                attnSoftcap, finalSoftcap, slidingLayers.isEmpty() ? slidingLayers
                        : slidingLayers.subList(first, nLayers), localRotaryBase);
    }

    private static void positive(String what, int v) {
        if (v <= 0) {
            throw new IllegalArgumentException(what + " " + v + " must be > 0");
        }
    }

    /** Query heads sharing one key/value head. */
    public int groupSize() {
        return nHeads / nKvHeads;
    }

    /** True for rotary models (the recency-bias fix needs one). */
    public boolean hasRotary() {
        return positions == PositionKind.ROTARY;
    }

    /** Total query heads in the model. */
    public int totalHeads() {
        return nLayers * nHeads;
    }

    @Override
    public String toString() {
        return modelType + "[" + nLayers + " layers, d " + dModel + ", " + nHeads + " heads"
                + (nKvHeads != nHeads ? " (" + nKvHeads + " kv)" : "") + " × " + dHead + ", mlp " + dMlp
                + (gatedMlp ? " gated" : "") + ", vocab " + vocabSize + ", " + norm + ", "
                + (hasRotary() ? "rotary " + rotaryStyle + " " + rotaryDim + "/" + dHead + " base " + rotaryBase
                        : "absolute positions")
                + (localRotaryBase > 0 ? " (local " + localRotaryBase + ")" : "")
                + (slidingWindow > 0 ? ", window " + slidingWindow
                        + (slidingLayers.isEmpty() ? "" : " on " + slidingLayers.stream().filter(b -> b).count()
                                + " of " + nLayers + " layers") : "")
                + (postNorms ? ", post-norms" : "") + (qkNorm ? ", q/k norm" : "")
                + (attnSoftcap > 0 ? ", attention soft-cap " + attnSoftcap : "")
                + (finalSoftcap > 0 ? ", logit soft-cap " + finalSoftcap : "")
                + (parallelResidual ? ", parallel" : "") + "]";
    }
}
