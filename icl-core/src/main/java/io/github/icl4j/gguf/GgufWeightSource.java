package io.github.icl4j.gguf;

import io.github.icl4j.DType;
import io.github.icl4j.DeviceSpec;
import io.github.icl4j.checkpoint.InvalidCheckpointException;
import io.github.icl4j.checkpoint.TensorInfo;
import io.github.icl4j.checkpoint.WeightSource;
import io.github.icl4j.runtime.Tensors;
import java.nio.file.Path;
import java.util.Set;
import org.bytedeco.pytorch.Tensor;

/**
 * The weights of a GGUF file of architecture {@code llama}, {@code qwen2}, {@code qwen3}, {@code phi3},
 * {@code gemma}, {@code gemma2} or {@code gemma3} under the Hugging Face names of the matching causal LM,
 * dequantised on load (qwen3 adds {@code attn_q_norm}/{@code attn_k_norm} → {@code self_attn.q_norm}/{@code k_norm};
 * phi3 has {@code attn_qkv} → {@code self_attn.qkv_proj} and {@code ffn_up} → {@code mlp.gate_up_proj}).
 *
 * <p>Names: {@code token_embd} → {@code model.embed_tokens}, {@code blk.{i}.attn_norm} →
 * {@code model.layers.{i}.input_layernorm}, {@code attn_q/k/v/output} → {@code self_attn.q/k/v/o_proj},
 * {@code ffn_norm} → {@code post_attention_layernorm}, {@code ffn_gate/up/down} → {@code mlp.gate/up/down_proj},
 * {@code output_norm} → {@code model.norm}, and {@code output} → {@code lm_head} (listed only when the file has
 * it; otherwise the embeddings are tied, see {@link GgufFile#toHfConfig()}). {@code rope_freqs} and Phi-3's
 * {@code rope_factors_*} go into the config's rotary scaling instead; any other tensor is refused on open, as it
 * means a variant this loader does not know.
 *
 * <p>For {@code llama} files, llama.cpp's converter permutes the rows of the q and k projections so that each
 * head's rotary pairs are interleaved ({@code w.reshape(n_head, 2, d/n_head/2, ...).swapaxes(1, 2)});
 * {@link #load} undoes it (q with {@code llama.attention.head_count}, k with {@code head_count_kv}), so the tensors equal the Hugging Face ones.
 * Values are dequantised to float32 exactly as llama.cpp does, then rounded to the requested dtype.
 *
 * <p>Gemma files: {@code post_attention_norm} → {@code post_attention_layernorm}, {@code ffn_norm} →
 * {@code pre_feedforward_layernorm} (Gemma 2/3; {@code post_attention_layernorm} in Gemma 1),
 * {@code post_ffw_norm} → {@code post_feedforward_layernorm}, {@code attn_q_norm}/{@code attn_k_norm} →
 * {@code self_attn.q_norm}/{@code k_norm}. q and k are not permuted, and every norm, which the converter stored
 * as {@code 1 + w}, is loaded as w again (as transformers' GGUF loader does), so the (1 + w) RMSNorm adds the one
 * once.
 */
public final class GgufWeightSource implements WeightSource {
    private final GgufFile file;
    private final LlamaLayout layout;

    private GgufWeightSource(GgufFile file) {
        this.file = file;
        this.layout = LlamaLayout.of(file);
    }

    /**
     * Opens a GGUF file as a weight source; {@link #close()} closes the file.
     *
     * @throws InvalidCheckpointException when the file is malformed or its architecture is not supported yet
     */
    public static GgufWeightSource open(Path path) {
        GgufFile f = GgufFile.open(path);
        try {
            return new GgufWeightSource(f);
        } catch (RuntimeException e) {
            f.close();
            throw e;
        }
    }

    /**
     * A weight source over an open file; the source takes ownership: {@link #close()} closes the file.
     *
     * @throws InvalidCheckpointException when the architecture is not supported yet
     */
    public static GgufWeightSource of(GgufFile file) {
        return new GgufWeightSource(file);
    }

    /** The underlying file (metadata, raw tensors). */
    public GgufFile file() {
        return file;
    }

    @Override
    public Path origin() {
        return file.path();
    }

    @Override
    public Set<String> names() {
        return layout.hfToGguf.keySet();
    }

    /**
     * The GGUF name of a Hugging Face tensor name.
     *
     * @throws InvalidCheckpointException naming the missing tensor and the file
     */
    public String ggufName(String hfName) {
        String g = layout.hfToGguf.get(hfName);
        if (g == null) {
            throw new InvalidCheckpointException(file.path() + ": no tensor named '" + hfName + "'"
                    + (hfName.equals("lm_head.weight") ? " (the file has no output.weight: the embeddings are tied)"
                            : ""));
        }
        return g;
    }

    /** Shape in PyTorch order; the dtype is the stored ggml type's name (e.g. {@code Q4_1}). */
    @Override
    public TensorInfo info(String name) {
        GgufTensorInfo t = file.tensor(ggufName(name));
        return new TensorInfo(name, t.type().name(), t.shape());
    }

    @Override
    public Tensor load(String name, DType dtype, DeviceSpec device) {
        String g = ggufName(name);
        Tensor f = file.loadFloat(g);
        LlamaLayout.Permute p = layout.permutes.get(name);
        if (p != null) {
            f = unpermute(f, p.heads());
        }
        if (layout.plusOneNorms.contains(name)) {
            // Gemma's converter stored 1 + w; Hugging Face's tensor (and the (1 + w) RMSNorm) wants w
            f = f.sub(new org.bytedeco.pytorch.Scalar(1.0));
        }
        if (dtype == DType.FP32 && !device.isCuda()) {
            return f;
        }
        return Tensors.to(f, device, dtype);
    }

    /** Inverse of convert_hf_to_gguf's {@code permute}: rows (h, i, j) of [heads, d/2, 2] go back to (h, j, i). */
    static Tensor unpermute(Tensor w, int heads) {
        long[] shape = Tensors.shape(w);
        long rows = shape[0];
        long rest = 1;
        for (int i = 1; i < shape.length; i++) {
            rest *= shape[i];
        }
        return w.reshape(heads, rows / heads / 2, 2, rest).transpose(1, 2).contiguous().reshape(shape);
    }

    @Override
    public void close() {
        file.close();
    }

    @Override
    public String toString() {
        return "GgufWeightSource[" + file.path() + ", " + names().size() + " tensors]";
    }
}
