package io.github.icl4j.model.arch;

import io.github.icl4j.model.ModelConfig;
import io.github.icl4j.model.ModelConfig.QkNorm;

/** When a family's checkpoint holds a tensor: always, or when the configuration has the feature it belongs to. */
public enum Presence {
    /** Every checkpoint of the family. */
    ALWAYS,
    /** Blocks with norms before attention and the MLP (all but OLMo-2). */
    PRE_NORMS,
    /** Blocks without pre-norms (OLMo-2). */
    NO_PRE_NORMS,
    /** Blocks with norms after attention and after the MLP (Gemma 2/3, OLMo-2). */
    POST_NORMS,
    /** Blocks without post-norms (Gemma 1). */
    NO_POST_NORMS,
    /** q, k and v projections with biases. */
    QKV_BIAS,
    /** An attention output projection with a bias. */
    OUT_BIAS,
    /** MLP projections with biases. */
    MLP_BIAS,
    /** q and k RMSNorms (Qwen3, OLMo-2, Gemma 3). */
    QK_NORM,
    /** An unembedding of its own (embeddings not tied). */
    UNTIED;

    /** True when a checkpoint of configuration {@code m} holds the tensor. */
    public boolean holds(ModelConfig m) {
        return switch (this) {
            case ALWAYS -> true;
            case PRE_NORMS -> m.preNorms();
            case NO_PRE_NORMS -> !m.preNorms();
            case POST_NORMS -> m.postNorms();
            case NO_POST_NORMS -> !m.postNorms();
            case QKV_BIAS -> m.qkvBias();
            case OUT_BIAS -> m.outBias();
            case MLP_BIAS -> m.mlpBias();
            case QK_NORM -> m.qkNorm() != QkNorm.NONE;
            case UNTIED -> !m.tiedEmbeddings();
        };
    }
}
