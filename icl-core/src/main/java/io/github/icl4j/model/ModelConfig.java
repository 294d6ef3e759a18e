package io.github.icl4j.model;

import java.util.List;

/**
 * The architecture of a decoder-only transformer, in one vocabulary for every family.
 *
 * <p>Made from a Hugging Face {@code config.json} by the family's {@link ArchitectureAdapter}; every
 * difference between the supported families the forward pass needs is a field here. Build one by name with
 * {@link #builder(String, Family)} (or change one with {@link #toBuilder()}).
 *
 * @param modelType        {@code config.json}'s {@code model_type} (gpt2, gptj, gpt_neox, llama, mistral, qwen2,
 *                         qwen3, phi3, olmo2)
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
 * @param rotaryDim        Hugging Face's rotary {@code dim} ({@code int(dHead * partial_rotary_factor)}; 0 without
 *                         rotary); frequencies are {@code base^(-2i/rotaryDim)}, and an odd value rotates
 *                         {@link #rotaryWidth()} = {@code rotaryDim + 1} dimensions, as {@code transformers} does
 * @param rotaryBase       rotary base (theta)
 * @param rotaryStyle      halves (Llama, NeoX) or interleaved pairs (GPT-J)
 * @param qkvBias          q/k/v projections have biases
 * @param outBias          the attention output projection has a bias
 * @param mlpBias          MLP projections have biases
 * @param lmHeadBias       the unembedding has a bias (GPT-J)
 * @param tiedEmbeddings   the unembedding is the embedding matrix
 * @param slidingWindow    keys this many positions back or further are masked on sliding layers (Mistral,
 *                         Phi-3, Qwen2/3 with {@code use_sliding_window}); 0 = none
 * @param bosTokenId       beginning-of-sequence id, or -1
 * @param eosTokenId       end-of-sequence id, or -1
 * @param ropeScaling      rotary frequency scaling ({@link RopeScaling#NONE} = unscaled)
 * @param qkNorm           RMSNorm on queries and keys before rotary
 * @param preNorms         each sublayer reads a norm of the residual ({@code ln1}, {@code ln2}); false for OLMo-2
 * @param postNorms        each sublayer's output is normed before it is added to the residual (OLMo-2, Gemma 2/3);
 *                         per-head quantities then use that norm's scale frozen from the real forward (see
 *                         {@link io.github.icl4j.HookPoint})
 * @param attentionScale   the factor on {@code q·k}; 0 = {@code 1/sqrt(dHead)}, the usual one
 * @param scaleAttnByInverseLayer GPT-2's {@code scale_attn_by_inverse_layer_idx}: block {@code l} further divides
 *                         its scores by {@code l + 1}
 * @param layerTypes       per block, full or sliding-window attention; empty = every block sliding when
 *                         {@code slidingWindow > 0}, else full
 * @param normWeightOffset RMSNorm multiplies by {@code offset + w} (in fp32, then casts): 0, or 1 for Gemma's
 *                         {@code (1 + w)}
 * @param embeddingScale   token embeddings are multiplied by this, rounded to their dtype first (Gemma: sqrt(d));
 *                         the tied unembedding is not
 * @param attnSoftcap      scores become {@code cap·tanh(scores/cap)} before the mask (Gemma 2); 0 = none
 * @param finalSoftcap     logits become {@code cap·tanh(logits/cap)} (Gemma 2); 0 = none
 * @param localRotaryBase  rotary base of the sliding-window blocks (Gemma 3: 10,000, unscaled); 0 = {@code rotaryBase}
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
        RopeScaling ropeScaling,
        QkNorm qkNorm,
        boolean preNorms,
        boolean postNorms,
        double attentionScale,
        boolean scaleAttnByInverseLayer,
        List<AttentionType> layerTypes,
        double normWeightOffset,
        double embeddingScale,
        double attnSoftcap,
        double finalSoftcap,
        double localRotaryBase) {

    /** Weight layout families; Llama covers Mistral, Qwen2, Qwen3, Phi-3 and OLMo-2. */
    public enum Family { GPT2, GPTJ, GPT_NEOX, LLAMA }

    /** Normalisation layers. */
    public enum NormKind { LAYER_NORM, RMS_NORM }

    /** How positions enter the model. */
    public enum PositionKind { ABSOLUTE, ROTARY }

    /** Which dimensions rotary pairs up. */
    public enum RotaryStyle { NONE, HALF, INTERLEAVED }

    /**
     * RMSNorm on queries and keys after their projections, before rotary.
     * {@code PER_HEAD}: over each head's {@code dHead} values with one {@code [dHead]} scale shared by the heads
     * (Qwen3, Gemma 3); {@code WHOLE}: over the whole projection, {@code [nHeads*dHead]} and
     * {@code [nKvHeads*dHead]} scales (OLMo-2).
     */
    public enum QkNorm { NONE, PER_HEAD, WHOLE }

    /** A block's attention span, by Hugging Face's {@code layer_types} names. */
    public enum AttentionType {
        FULL("full_attention"), SLIDING("sliding_attention");

        private final String hfName;

        AttentionType(String hfName) {
            this.hfName = hfName;
        }

        /** The {@code layer_types} string. */
        public String hfName() {
            return hfName;
        }

        /** The type of a {@code layer_types} string, or null when unknown. */
        public static AttentionType of(String hfName) {
            for (AttentionType t : values()) {
                if (t.hfName.equals(hfName)) {
                    return t;
                }
            }
            return null;
        }
    }

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
        if (positions == PositionKind.ROTARY) {
            int width = rotaryDim + (rotaryDim % 2);
            if (rotaryDim <= 0 || width > dHead || (rotaryStyle == RotaryStyle.INTERLEAVED && rotaryDim % 2 != 0)) {
                throw new IllegalArgumentException("rotary dimension " + rotaryDim + " must be in (0, " + dHead
                        + "], rotate at most the head (an odd one rotates one more), and be even for interleaved "
                        + "pairs");
            }
            if (!(rotaryBase > 0) || Double.isInfinite(rotaryBase)) {
                throw new IllegalArgumentException("rotary base " + rotaryBase + " must be a finite number > 0");
            }
        }
        if (!(normEps > 0) || Double.isInfinite(normEps)) {
            throw new IllegalArgumentException("norm epsilon " + normEps + " must be a finite number > 0");
        }
        if (!(attentionScale >= 0) || Double.isInfinite(attentionScale)) {
            throw new IllegalArgumentException("attention scale " + attentionScale
                    + " must be a finite number > 0 (or 0 for 1/sqrt(head dimension))");
        }
        if (slidingWindow < 0) {
            throw new IllegalArgumentException("sliding window " + slidingWindow + " must be >= 0 (0 = none)");
        }
        ropeScaling = ropeScaling == null ? RopeScaling.NONE : ropeScaling;
        qkNorm = qkNorm == null ? QkNorm.NONE : qkNorm;
        layerTypes = List.copyOf(layerTypes == null ? List.of() : layerTypes);
        if (!layerTypes.isEmpty() && layerTypes.size() != nLayers) {
            throw new IllegalArgumentException("layer types " + layerTypes + " name " + layerTypes.size()
                    + " blocks; expected one per layer (" + nLayers + ")");
        }
        if (!preNorms && (sharedNorm || parallelResidual)) {
            throw new IllegalArgumentException("blocks without pre-norms must be sequential with a norm per sublayer");
        }
        if (!(normWeightOffset == 0 || normWeightOffset == 1)) {
            throw new IllegalArgumentException("norm weight offset " + normWeightOffset + " must be 0 or 1");
        }
        if (!(embeddingScale > 0) || Double.isInfinite(embeddingScale)) {
            throw new IllegalArgumentException("embedding scale " + embeddingScale + " must be a finite number > 0");
        }
        for (double cap : new double[] {attnSoftcap, finalSoftcap}) {
            if (!(cap >= 0) || Double.isInfinite(cap)) {
                throw new IllegalArgumentException("soft-cap " + cap + " must be a finite number > 0 (or 0 = none)");
            }
        }
        if (!(localRotaryBase >= 0) || Double.isInfinite(localRotaryBase)) {
            throw new IllegalArgumentException("local rotary base " + localRotaryBase
                    + " must be a finite number > 0 (or 0 = the rotary base)");
        }
    }

    /** A builder for a config of the given {@code model_type} and weight layout, with the usual defaults. */
    public static ModelConfigBuilder builder(String modelType, Family family) {
        return new ModelConfigBuilder(modelType, family);
    }

    /** A builder holding every value of this config. */
    public ModelConfigBuilder toBuilder() {
        return new ModelConfigBuilder(this);
    }

    /**
     * The longest sequence (cached prefix included) a forward accepts: {@code maxPositions}, except for dynamic
     * NTK rotary, whose base grows past it, as it was made to.
     */
    public int contextLimit() {
        return hasRotary() && ropeScaling.type() == RopeScaling.Type.DYNAMIC ? Integer.MAX_VALUE : maxPositions;
    }

    /** Dimensions of each head that rotary rotates: {@code rotaryDim} rounded up to even (0 without rotary). */
    public int rotaryWidth() {
        return hasRotary() ? rotaryDim + rotaryDim % 2 : 0;
    }

    /** The sliding window of block {@code layer}: keys this far back or further are masked; 0 = full attention. */
    public int windowAt(int layer) {
        if (slidingWindow <= 0) {
            return 0;
        }
        return layerTypes.isEmpty() || layerTypes.get(layer) == AttentionType.SLIDING ? slidingWindow : 0;
    }

    /** The rotary base of block {@code layer}: {@code localRotaryBase} on sliding blocks when set, else the base. */
    public double rotaryBaseAt(int layer) {
        return localRotaryBase > 0 && windowAt(layer) > 0 ? localRotaryBase : rotaryBase;
    }

    /** The factor block {@code layer} puts on {@code q·k}. */
    public double attentionScaleAt(int layer) {
        double s = attentionScale > 0 ? attentionScale : 1.0 / Math.sqrt(dHead);
        return scaleAttnByInverseLayer ? s / (layer + 1) : s;
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
                + (ropeScaling.type() != RopeScaling.Type.DEFAULT || !ropeScaling.freqFactors().isEmpty()
                        ? " " + ropeScaling : "")
                + (localRotaryBase > 0 ? " (sliding blocks " + localRotaryBase + ")" : "")
                + (qkNorm != QkNorm.NONE ? ", q/k norm " + qkNorm : "")
                + (postNorms ? (preNorms ? ", pre+post norms" : ", post norms") : "")
                + (slidingWindow > 0 ? ", window " + slidingWindow + (layerTypes.isEmpty() ? "" : " on "
                        + layerTypes.stream().filter(t -> t == AttentionType.SLIDING).count() + " of " + nLayers
                        + " blocks") : "")
                + (normWeightOffset != 0 ? ", norms (1 + w)" : "")
                + (embeddingScale != 1 ? ", embeddings × " + (float) embeddingScale : "")
                + (attnSoftcap > 0 ? ", attention soft-cap " + attnSoftcap : "")
                + (finalSoftcap > 0 ? ", logit soft-cap " + finalSoftcap : "")
                + (parallelResidual ? ", parallel" : "") + "]";
    }
}
