package io.github.icl4j.heads;

import io.github.icl4j.Hooks;
import io.github.icl4j.LabelProbabilities;
import io.github.icl4j.Model;
import io.github.icl4j.PromptTokens;
import io.github.icl4j.TokenBatch;
import io.github.icl4j.model.ModelConfig;
import io.github.icl4j.model.Transformer;
import io.github.icl4j.runtime.Tensors;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.ScalarTypeOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * The batched forward passes every analysis runs: prompts in right-padded chunks, each chunk inside its own
 * {@code PointerScope} with gradients off, no unembedding except at the last positions.
 */
final class Passes {
    private Passes() {
    }

    /** Work on one chunk of prompts, run inside the chunk's native scope; {@code index[i]} is part i's input index. */
    @FunctionalInterface
    interface ChunkFn {
        void accept(int[] index, List<PromptTokens> part, TokenBatch batch, int[] last);
    }

    /**
     * Calls {@code fn} for chunks of at most {@code batchSize} prompts, each in a fresh scope. Prompts are taken in
     * order of length (ties by input order), so a chunk pads little; {@code index} maps each back.
     */
    static void chunks(List<? extends PromptTokens> prompts, int batchSize, ChunkFn fn) {
        int n = prompts.size();
        int[] len = new int[n];
        for (int i = 0; i < n; i++) {
            len[i] = prompts.get(i).tokenIds().length;
        }
        Integer[] order = new Integer[n];
        Arrays.setAll(order, i -> i);
        Arrays.sort(order, (a, b) -> len[a] != len[b] ? Integer.compare(len[a], len[b]) : Integer.compare(a, b));
        for (int start = 0; start < n; start += batchSize) {
            int m = Math.min(n, start + batchSize) - start;
            int[] index = new int[m];
            List<PromptTokens> part = new ArrayList<>(m);
            long[][] seqs = new long[m][];
            int[] last = new int[m];
            for (int i = 0; i < m; i++) {
                index[i] = order[start + i];
                PromptTokens p = prompts.get(index[i]);
                part.add(p);
                seqs[i] = p.tokenIds();
                last[i] = p.lastPosition();
            }
            try (PointerScope scope = new PointerScope()) {
                fn.accept(index, part, TokenBatch.of(seqs), last);
            }
        }
    }

    /** The final norm's output {@code [b, s, d]} of a batch, hooks applied, gradients off, in the caller's scope. */
    static Tensor hidden(Model model, Transformer transformer, TokenBatch batch, Hooks hooks) {
        ModelConfig c = model.config();
        batch.validate(c.vocabSize(), c.contextLimit(), 0);
        hooks.validate(transformer.config().nLayers());
        try (NoGradGuard g = new NoGradGuard()) {
            return transformer.hidden(batch.ids(), batch.mask(), null, hooks, null);
        }
    }

    /** {@code t[i, last[i], ...]} for each row: {@code [b, s, rest...] -> [b, rest...]}. */
    static Tensor lastRows(Tensor t, int[] last) {
        long b = t.size(0);
        if (b != last.length) {
            throw new IllegalStateException("batch " + b + " but " + last.length + " last positions");
        }
        long[] l = new long[last.length];
        for (int i = 0; i < l.length; i++) {
            l[i] = last[i];
        }
        long[] viewShape = new long[(int) t.dim()];
        Arrays.fill(viewShape, 1);
        viewShape[0] = b;
        long[] expandShape = Tensors.shape(t);
        expandShape[1] = 1;
        Tensor idx = Tensors.fromLongs(l, b).to(t.device(), ScalarType.Long).view(viewShape).expand(expandShape);
        return t.gather(1, idx).squeeze(1);
    }

    /** Logits {@code [b, vocab]} (fp32) at the last rows of a final-norm output. */
    static Tensor lastLogits(Model model, Tensor hidden, int[] last) {
        return model.transformer().unembed(lastRows(hidden, last)).to(ScalarType.Float);
    }

    /**
     * Label-word outcome of each row of {@code logits [b, vocab]}: probabilities of the two label tokens (raw and
     * renormalised), the prediction, the full-vocabulary argmax; copied to Java.
     */
    static LabelProbabilities.Row[] outcomes(Tensor logits, long[] labelIds, int[] gold) {
        long b = logits.size(0);
        Tensor lp = logits.log_softmax(-1, new ScalarTypeOptional(ScalarType.Float));
        Tensor ids = Tensors.fromLongs(labelIds, labelIds.length).to(logits.device(), ScalarType.Long);
        float[] raw = Tensors.toFloats(lp.index_select(1, ids).exp()); // [b, k]
        long[] top = Tensors.toLongs(logits.argmax(new org.bytedeco.pytorch.LongOptional(1), false));
        int k = labelIds.length;
        LabelProbabilities.Row[] rows = new LabelProbabilities.Row[(int) b];
        for (int i = 0; i < b; i++) {
            double[] r = new double[k];
            double sum = 0;
            for (int c = 0; c < k; c++) {
                r[c] = raw[i * k + c];
                sum += r[c];
            }
            double[] norm = new double[k];
            int best = 0;
            for (int c = 0; c < k; c++) {
                norm[c] = sum > 0 ? r[c] / sum : 1.0 / k;
                if (norm[c] > norm[best]) {
                    best = c;
                }
            }
            int g = gold[i % gold.length];
            rows[i] = new LabelProbabilities.Row(g, norm, r, best, top[i], g >= 0 && top[i] == labelIds[g]);
        }
        return rows;
    }
}
