package io.github.icl4j.engine;

import io.github.icl4j.LabelLogits;
import io.github.icl4j.LabelProbabilities;
import io.github.icl4j.PromptTokens;
import io.github.icl4j.model.Transformer;
import java.util.List;
import java.util.Map;
import org.bytedeco.pytorch.Tensor;

/**
 * What one forward pass over a batch of prompts read ({@link Reads}), handed to the caller inside the batch's
 * native scope: its tensors die when the callback returns (copy out what must outlive it).
 */
public final class Chunk {
    private final int[] index;
    private final List<PromptTokens> prompts;
    private final int[] last;
    private final long past;
    private final Captured read;
    private final Transformer transformer;

    /**
     * What a forward pass captured: rows at the last positions, attention state, whole activations, the
     * post-attention norms' scales at the last positions (post-norm models; layers whose per-head quantities were
     * read), and of a gradient pass the metric with each read layer's {@code hook_z} and its gradient.
     */
    record Captured(Tensor lastLogits, Map<Integer, Tensor> residuals, Map<Integer, Tensor> headOutputs,
            Map<Integer, Tensor> attentionRows, Map<Integer, Map<String, Tensor>> attentionState,
            Map<String, Tensor> activations, Map<Integer, Tensor> postNormScales, Tensor metric,
            Map<Integer, Tensor> zs, Map<Integer, Tensor> zGradients) {
    }

    Chunk(int[] index, List<PromptTokens> prompts, int[] last, long past, Captured read, Transformer transformer) {
        this.index = index;
        this.prompts = prompts;
        this.last = last;
        this.past = past;
        this.read = read;
        this.transformer = transformer;
    }

    /** Rows in this batch. */
    public int size() {
        return last.length;
    }

    /** {@code index()[i]}: the input index of row i's prompt (a pass may sort prompts by length). */
    public int[] index() {
        return index.clone();
    }

    /** Row i's input index. */
    public int index(int i) {
        return index[i];
    }

    /** The rows' prompts. */
    public List<PromptTokens> prompts() {
        return prompts;
    }

    /** Each row's last position, absolute (a reused prefix counted). */
    public int[] last() {
        return last.clone();
    }

    /** Positions computed before this pass (a reused prefix), 0 when none: whole-sequence tensors start there. */
    public long past() {
        return past;
    }

    /** Logits {@code [b, vocab]} fp32 at the last positions. */
    public Tensor lastLogits() {
        return require(read.lastLogits(), "lastLogits()");
    }

    /** The label outcome of each row with its prompt's label words and gold label ({@link LabelLogits}). */
    public LabelProbabilities.Row[] outcomes() {
        long[][] ids = new long[size()][];
        int[] gold = new int[size()];
        for (int i = 0; i < size(); i++) {
            ids[i] = prompts.get(i).labelTokenIds();
            gold[i] = prompts.get(i).queryLabel();
        }
        return LabelLogits.rows(lastLogits(), ids, gold);
    }

    /** The label outcome of each row for one set of label words, gold from each prompt. */
    public LabelProbabilities.Row[] outcomes(long[] labelIds) {
        int[] gold = prompts.stream().mapToInt(PromptTokens::queryLabel).toArray();
        return LabelLogits.rows(lastLogits(), labelIds, gold);
    }

    /** The residual {@code [b, d]} at the last positions entering {@code layer} ({@code nLayers}: the final one). */
    public Tensor residual(int layer) {
        return require(read.residuals().get(layer), "residuals(" + layer + ")");
    }

    /**
     * Per-head outputs {@code [b, h, d]} of {@code layer} at the last positions, as they reach the residual: under a
     * post-attention norm through it with the real forward's scale ({@code hook_result}'s rows).
     */
    public Tensor headOutputs(int layer) {
        return require(read.headOutputs().get(layer), "headOutputs(" + layer + ")");
    }

    /** Attention rows {@code [b, h, t]} of {@code layer} at the last positions. */
    public Tensor attentionRows(int layer) {
        return require(read.attentionRows().get(layer), "attentionRows(" + layer + ")");
    }

    /** {@code q}, {@code rot_q} ({@code [b, s, h, e]}), {@code k}, {@code rot_k}, {@code v} ({@code [b, t, kv, e]}). */
    public Tensor attentionState(int layer, String name) {
        Map<String, Tensor> m = read.attentionState().get(layer);
        return require(m == null ? null : m.get(name), "attentionState(" + layer + ")." + name);
    }

    /**
     * Vectors {@code [..., d]} that attention in {@code layer} writes at row {@code i}'s last position (value-output
     * vectors read from {@link #attentionRows} and the values, or their sums), as they reach the residual: through
     * the post-attention norm with the real forward's scale there, the frozen-scale rule of
     * {@link Transformer#throughAttentionPostNorm}; the vectors themselves in a model without post-norms. Needs
     * {@link Reads#attentionRows} of {@code layer}.
     */
    public Tensor toResidual(int layer, int i, Tensor vectors) {
        if (!transformer.config().postNorms()) {
            return vectors;
        }
        Tensor scale = require(read.postNormScales().get(layer), "attentionRows(" + layer + ")"); // [b, 1]
        return transformer.throughAttentionPostNorm(layer, vectors, scale.select(0, i)); // [1] broadcast
    }

    /** The metric {@code [b]} fp32 of a gradient pass ({@link Reads#zGradients}), as the clean forward made it. */
    public Tensor metric() {
        return require(read.metric(), "zGradients(...)");
    }

    /** {@code hook_z} {@code [b, s, h, e]} of {@code layer} over the whole sequence, read by a gradient pass. */
    public Tensor z(int layer) {
        return require(read.zs().get(layer), "zGradients(..., " + layer + ")");
    }

    /**
     * {@code ∂metric/∂hook_z} {@code [b, s, h, e]} of {@code layer} ({@link Reads#zGradients}): zero at padding and
     * at positions the metric cannot see.
     */
    public Tensor zGradient(int layer) {
        return require(read.zGradients().get(layer), "zGradients(..., " + layer + ")");
    }

    /** A whole activation read with {@link Reads#activations}. */
    public Tensor activation(String hookName) {
        return require(read.activations().get(hookName), "activations(" + hookName + ")");
    }

    private static Tensor require(Tensor t, String what) {
        if (t == null) {
            throw new IllegalStateException(what + " was not read in this pass; add it to the Reads");
        }
        return t;
    }

    @Override
    public String toString() {
        return "Chunk[" + size() + " rows, past " + past + "]";
    }
}
