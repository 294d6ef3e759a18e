package io.github.icl4j.model;

/**
 * The architecture of a decoder-only transformer, in one vocabulary for every family.
 *
 * <p>Made from a Hugging Face {@code config.json} by the family's {@link ArchitectureAdapter}; every
 * difference between GPT-2, GPT-J, GPT-NeoX and the Llama family the forward pass needs is a field here.
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
 * @param slidingWindow    keys further back than this many positions are masked (Mistral); 0 = none
 * @param bosTokenId       beginning-of-sequence id, or -1
 * @param eosTokenId       end-of-sequence id, or -1
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
        long eosTokenId) {

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
                + (parallelResidual ? ", parallel" : "") + "]";
    }
}
