package io.github.icl4j.model;

import io.github.icl4j.model.ModelConfig.AttentionType;
import io.github.icl4j.model.ModelConfig.Family;
import io.github.icl4j.model.ModelConfig.NormKind;
import io.github.icl4j.model.ModelConfig.PositionKind;
import io.github.icl4j.model.ModelConfig.QkNorm;
import io.github.icl4j.model.ModelConfig.RotaryStyle;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds a {@link ModelConfig} by name, with the usual defaults ({@link ModelConfig#builder}, or
 * {@link ModelConfig#toBuilder} for a copy to change); {@link #build()} validates it.
 */
public final class ModelConfigBuilder {
    private String modelType;
    private Family family;
    private int vocabSize;
    private int dModel;
    private int nLayers;
    private int nHeads;
    private int nKvHeads;
    private int dHead;
    private int dMlp;
    private int maxPositions = 2048;
    private NormKind norm = NormKind.RMS_NORM;
    private double normEps = 1e-6;
    private Activation activation = Activation.SILU;
    private boolean gatedMlp;
    private boolean parallelResidual;
    private boolean sharedNorm;
    private PositionKind positions = PositionKind.ROTARY;
    private int rotaryDim;
    private double rotaryBase = 10000.0;
    private RotaryStyle rotaryStyle = RotaryStyle.HALF;
    private boolean qkvBias;
    private boolean outBias;
    private boolean mlpBias;
    private boolean lmHeadBias;
    private boolean tiedEmbeddings;
    private int slidingWindow;
    private long bosTokenId = -1;
    private long eosTokenId = -1;
    private RopeScaling ropeScaling = RopeScaling.NONE;
    private QkNorm qkNorm = QkNorm.NONE;
    private boolean preNorms = true;
    private boolean postNorms;
    private double attentionScale;
    private boolean scaleAttnByInverseLayer;
    private List<AttentionType> layerTypes = List.of();
    private double normWeightOffset;
    private double embeddingScale = 1.0;
    private double attnSoftcap;
    private double finalSoftcap;
    private double localRotaryBase;

    ModelConfigBuilder(String modelType, Family family) {
        this.modelType = modelType;
        this.family = family;
    }

    ModelConfigBuilder(ModelConfig c) {
        modelType = c.modelType();
        family = c.family();
        vocabSize = c.vocabSize();
        dModel = c.dModel();
        nLayers = c.nLayers();
        nHeads = c.nHeads();
        nKvHeads = c.nKvHeads();
        dHead = c.dHead();
        dMlp = c.dMlp();
        maxPositions = c.maxPositions();
        norm = c.norm();
        normEps = c.normEps();
        activation = c.activation();
        gatedMlp = c.gatedMlp();
        parallelResidual = c.parallelResidual();
        sharedNorm = c.sharedNorm();
        positions = c.positions();
        rotaryDim = c.rotaryDim();
        rotaryBase = c.rotaryBase();
        rotaryStyle = c.rotaryStyle();
        qkvBias = c.qkvBias();
        outBias = c.outBias();
        mlpBias = c.mlpBias();
        lmHeadBias = c.lmHeadBias();
        tiedEmbeddings = c.tiedEmbeddings();
        slidingWindow = c.slidingWindow();
        bosTokenId = c.bosTokenId();
        eosTokenId = c.eosTokenId();
        ropeScaling = c.ropeScaling();
        qkNorm = c.qkNorm();
        preNorms = c.preNorms();
        postNorms = c.postNorms();
        attentionScale = c.attentionScale();
        scaleAttnByInverseLayer = c.scaleAttnByInverseLayer();
        layerTypes = c.layerTypes();
        normWeightOffset = c.normWeightOffset();
        embeddingScale = c.embeddingScale();
        attnSoftcap = c.attnSoftcap();
        finalSoftcap = c.finalSoftcap();
        localRotaryBase = c.localRotaryBase();
    }

    public ModelConfigBuilder modelType(String v) {
        modelType = v;
        return this;
    }

    public ModelConfigBuilder family(Family v) {
        family = v;
        return this;
    }

    public ModelConfigBuilder vocabSize(int v) {
        vocabSize = v;
        return this;
    }

    public ModelConfigBuilder dModel(int v) {
        dModel = v;
        return this;
    }

    public ModelConfigBuilder nLayers(int v) {
        nLayers = v;
        return this;
    }

    /** Query heads; also sets the key/value heads when they were not set yet. */
    public ModelConfigBuilder nHeads(int v) {
        nHeads = v;
        if (nKvHeads == 0) {
            nKvHeads = v;
        }
        return this;
    }

    public ModelConfigBuilder nKvHeads(int v) {
        nKvHeads = v;
        return this;
    }

    public ModelConfigBuilder dHead(int v) {
        dHead = v;
        return this;
    }

    public ModelConfigBuilder dMlp(int v) {
        dMlp = v;
        return this;
    }

    public ModelConfigBuilder maxPositions(int v) {
        maxPositions = v;
        return this;
    }

    public ModelConfigBuilder norm(NormKind kind, double eps) {
        norm = kind;
        normEps = eps;
        return this;
    }

    public ModelConfigBuilder activation(Activation v) {
        activation = v;
        return this;
    }

    public ModelConfigBuilder gatedMlp(boolean v) {
        gatedMlp = v;
        return this;
    }

    public ModelConfigBuilder parallelResidual(boolean v) {
        parallelResidual = v;
        return this;
    }

    public ModelConfigBuilder sharedNorm(boolean v) {
        sharedNorm = v;
        return this;
    }

    /** Learned absolute positions (no rotary). */
    public ModelConfigBuilder absolutePositions() {
        positions = PositionKind.ABSOLUTE;
        rotaryDim = 0;
        rotaryBase = 0;
        rotaryStyle = RotaryStyle.NONE;
        return this;
    }

    /** Rotary positions: Hugging Face's rotary {@code dim}, base and pairing. */
    public ModelConfigBuilder rotary(int dim, double base, RotaryStyle style) {
        positions = PositionKind.ROTARY;
        rotaryDim = dim;
        rotaryBase = base;
        rotaryStyle = style;
        return this;
    }

    public ModelConfigBuilder ropeScaling(RopeScaling v) {
        ropeScaling = v;
        return this;
    }

    /** Biases on the q/k/v projections, the output projection and the MLP projections. */
    public ModelConfigBuilder biases(boolean qkv, boolean out, boolean mlp) {
        qkvBias = qkv;
        outBias = out;
        mlpBias = mlp;
        return this;
    }

    public ModelConfigBuilder lmHeadBias(boolean v) {
        lmHeadBias = v;
        return this;
    }

    public ModelConfigBuilder tiedEmbeddings(boolean v) {
        tiedEmbeddings = v;
        return this;
    }

    public ModelConfigBuilder slidingWindow(int v) {
        slidingWindow = v;
        return this;
    }

    public ModelConfigBuilder layerTypes(List<AttentionType> v) {
        layerTypes = new ArrayList<>(v);
        return this;
    }

    public ModelConfigBuilder tokenIds(long bos, long eos) {
        bosTokenId = bos;
        eosTokenId = eos;
        return this;
    }

    public ModelConfigBuilder qkNorm(QkNorm v) {
        qkNorm = v;
        return this;
    }

    /** Which sublayer norms there are: before each sublayer, after it (before the residual add), or both. */
    public ModelConfigBuilder sublayerNorms(boolean pre, boolean post) {
        preNorms = pre;
        postNorms = post;
        return this;
    }

    public ModelConfigBuilder attentionScale(double v) {
        attentionScale = v;
        return this;
    }

    public ModelConfigBuilder scaleAttnByInverseLayer(boolean v) {
        scaleAttnByInverseLayer = v;
        return this;
    }

    /** RMSNorm scales by {@code offset + w}: 0, or 1 (Gemma). */
    public ModelConfigBuilder normWeightOffset(double v) {
        normWeightOffset = v;
        return this;
    }

    public ModelConfigBuilder embeddingScale(double v) {
        embeddingScale = v;
        return this;
    }

    /** Tanh soft-caps of the attention scores and of the logits (0 = none). */
    public ModelConfigBuilder softcaps(double attention, double finalLogits) {
        attnSoftcap = attention;
        finalSoftcap = finalLogits;
        return this;
    }

    /** The rotary base of the sliding-window blocks (0 = the rotary base). */
    public ModelConfigBuilder localRotaryBase(double v) {
        localRotaryBase = v;
        return this;
    }

    /**
     * The config.
     *
     * @throws IllegalArgumentException naming the bad value and the allowed range
     */
    public ModelConfig build() {
        return new ModelConfig(modelType, family, vocabSize, dModel, nLayers, nHeads, nKvHeads, dHead, dMlp,
                maxPositions, norm, normEps, activation, gatedMlp, parallelResidual, sharedNorm, positions,
                rotaryDim, rotaryBase, rotaryStyle, qkvBias, outBias, mlpBias, lmHeadBias, tiedEmbeddings,
                slidingWindow, bosTokenId, eosTokenId, ropeScaling, qkNorm, preNorms, postNorms, attentionScale,
                scaleAttnByInverseLayer, layerTypes, normWeightOffset, embeddingScale, attnSoftcap, finalSoftcap,
                localRotaryBase);
    }
}
