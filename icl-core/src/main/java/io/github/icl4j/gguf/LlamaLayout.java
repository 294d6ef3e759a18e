package io.github.icl4j.gguf;

import io.github.icl4j.checkpoint.InvalidCheckpointException;
import io.github.icl4j.model.arch.GemmaAdapter;
import io.github.icl4j.model.arch.LlamaAdapter;
import io.github.icl4j.model.arch.Phi3Adapter;
import io.github.icl4j.model.arch.Presence;
import io.github.icl4j.model.arch.TensorMap;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How a GGUF file's tensors map onto a Hugging Face model's: {@code general.architecture = llama} (Llama, Mistral,
 * SmolLM2) onto {@code LlamaForCausalLM}'s names, {@code qwen2}, {@code qwen3} and {@code phi3} onto their own,
 * and {@code gemma}, {@code gemma2}, {@code gemma3} onto Gemma's (names from the family's
 * {@link TensorMap}); the model's shape under {@code <arch>.*} (depth, width, heads), which tensors llama.cpp's
 * converter permuted for its interleaved rotary layout (only {@code llama}'s q and k: qwen2/3 and phi3 files use
 * llama.cpp's NeoX rotary, the Hugging Face layout) and which norms it stored as {@code 1 + w} (Gemma). The
 * {@code config.json} the metadata implies is {@link GgufHfConfig}'s.
 */
final class LlamaLayout {
    static final String ARCH = "llama";
    /** The architectures read, in the order error messages list them. */
    static final List<String> ARCHS = List.of("llama", "qwen2", "qwen3", "phi3", "gemma", "gemma2", "gemma3");
    private static final Pattern BLOCK = Pattern.compile("blk\\.(\\d+)\\.([a-z_]+)\\.(weight|bias)");
    /** GGUF tensors with no Hugging Face counterpart: their values go into the config's rotary scaling. */
    private static final Set<String> ROPE_TENSORS = Set.of("rope_freqs.weight", "rope_factors_long.weight",
            "rope_factors_short.weight");

    /** The most blocks a header-only file (no tensors to bound them by) may declare. */
    private static final int MAX_BLOCKS_WITHOUT_TENSORS = 4096;

    /** How a stored q/k projection must be un-permuted. */
    record Permute(int heads) {
    }

    private final GgufFile file;
    /** {@code general.architecture}: one of {@link #ARCHS}. */
    final String arch;
    final int layers;
    final int hidden;
    final int heads;
    final int[] kvHeads;
    /** HF name → GGUF name, in file order. */
    final Map<String, String> hfToGguf;
    /** HF name → un-permutation for q/k projections. */
    final Map<String, Permute> permutes;
    /** HF names of norms stored as {@code 1 + w} (Gemma's converter adds the 1; Hugging Face keeps w). */
    final Set<String> plusOneNorms;

    private LlamaLayout(GgufFile file) {
        this.file = file;
        this.arch = file.architecture();
        if (!ARCHS.contains(arch)) {
            throw new InvalidCheckpointException(file.path() + ": general.architecture '" + arch + "' is not supported "
                    + "yet; supported: " + ARCHS + " (llama covers Llama, Mistral and SmolLM2 files; gemma3 covers "
                    + "Gemma 3 270M)");
        }
        boolean gemma = arch.startsWith("gemma");
        if (file.getLong(key("expert_count"), 0) > 0) {
            throw new InvalidCheckpointException(file.path() + ": " + key("expert_count") + " = "
                    + file.get(key("expert_count")) + ": mixture-of-experts files are not supported yet");
        }
        layers = positive(key("block_count"));
        hidden = positive(key("embedding_length"));
        heads = positive(key("attention.head_count"));
        // every block holds several tensors: a larger count is corrupt, and would size per-layer arrays (2^31 - 1
        // layers asked for gigabytes before any tensor was looked at); a header without tensors (read for its
        // config alone) is held to a bound no real model comes near
        int tensors = file.tensors().size();
        if (tensors > 0 && layers > tensors) {
            throw new InvalidCheckpointException(file.path() + ": metadata key '" + key("block_count") + "' is "
                    + layers + " but the file holds only " + tensors + " tensors; expected at most one "
                    + "block per tensor");
        }
        if (tensors == 0 && layers > MAX_BLOCKS_WITHOUT_TENSORS) {
            throw new InvalidCheckpointException(file.path() + ": metadata key '" + key("block_count") + "' is "
                    + layers + "; expected at most " + MAX_BLOCKS_WITHOUT_TENSORS + " in a file without tensors");
        }
        kvHeads = perLayer(key("attention.head_count_kv"), heads);

        // the GGUF names come from the family's tensor table; the presences skipped pick the variant's names
        TensorMap table = switch (arch) {
            case "phi3" -> Phi3Adapter.TENSORS;
            case "gemma", "gemma2", "gemma3" -> GemmaAdapter.TENSORS;
            default -> LlamaAdapter.TENSORS;
        };
        Set<Presence> skip = switch (arch) {
            case "gemma" -> EnumSet.of(Presence.POST_NORMS, Presence.QK_NORM); // Gemma 1: ffn_norm is the pre-MLP norm
            case "gemma2", "gemma3" -> EnumSet.of(Presence.NO_POST_NORMS);
            case "qwen3", "phi3" -> EnumSet.noneOf(Presence.class);
            default -> EnumSet.of(Presence.QK_NORM); // llama, qwen2: no q/k norms
        };
        Map<String, String> blockNames = table.ggufBlockModules(skip);
        Map<String, String> topNames = table.ggufEnds();
        Map<String, String> names = new LinkedHashMap<>();
        Map<String, Permute> perm = new LinkedHashMap<>();
        Set<String> plusOne = new java.util.HashSet<>();
        for (GgufTensorInfo t : file.tensors()) {
            String g = t.name();
            checkKind(file, t);
            String hf = topNames.get(g);
            if (hf == null) {
                Matcher m = BLOCK.matcher(g);
                String part = m.matches() ? blockNames.get(m.group(2)) : null;
                if (part == null) {
                    if (ROPE_TENSORS.contains(g)) {
                        continue;
                    }
                    throw new InvalidCheckpointException(file.path() + ": tensor '" + g + "' has no Hugging Face "
                            + arch + " counterpart (variants such as mixture-of-experts are not supported yet)");
                }
                int layer;
                try {
                    layer = Integer.parseInt(m.group(1));
                } catch (NumberFormatException e) {
                    layer = Integer.MAX_VALUE;
                }
                if (layer >= layers) {
                    throw new InvalidCheckpointException(file.path() + ": tensor '" + g + "' names layer " + m.group(1)
                            + " but " + key("block_count") + " is " + layers);
                }
                hf = table.blockName(layer, part + "." + m.group(3));
                // only llama's converter permutes q/k rows (for llama.cpp's interleaved rotary)
                if (arch.equals(ARCH) && (m.group(2).equals("attn_q") || m.group(2).equals("attn_k"))) {
                    int h = m.group(2).equals("attn_q") ? heads : kvHeads[layer];
                    long rows = t.shape()[0];
                    if (rows % (2L * h) != 0) {
                        throw new InvalidCheckpointException(file.path() + ": tensor '" + g + "' has " + rows
                                + " rows, not a whole number of " + h + " rotary heads of even size");
                    }
                    perm.put(hf, new Permute(h));
                }
            }
            if (gemma && g.endsWith("norm.weight")) {
                plusOne.add(hf);
            }
            names.put(hf, g);
        }
        hfToGguf = Collections.unmodifiableMap(names);
        permutes = Collections.unmodifiableMap(perm);
        plusOneNorms = Set.copyOf(plusOne);
        if (arch.equals("gemma3")) {
            // Gemma 3 normalises q and k per head: a file without those norms would load into a different model
            for (int l = 0; l < layers; l++) {
                for (String t : new String[] {"attn_q_norm", "attn_k_norm"}) {
                    String g = "blk." + l + "." + t + ".weight";
                    if (!file.hasTensor(g)) {
                        throw new InvalidCheckpointException(file.path() + ": tensor '" + g + "' is missing; a gemma3 "
                                + "file needs the per-head q and k norms of every layer");
                    }
                }
            }
        }
    }

    /**
     * Refuses a tensor whose rank or ggml type llama.cpp would not accept for its role: matrices are 2-D and stored
     * as floats or a quantisation, vectors (norm weights, biases) are 1-D and stored as F32, F16 or BF16 (llama.cpp
     * never quantises them), and integer or intermediate (Q8_1, Q8_K) types hold no weights. Shared by every
     * architecture's layout: a tensor named {@code *.bias} or {@code *_norm.weight} is a vector.
     */
    static void checkKind(GgufFile file, GgufTensorInfo t) {
        String g = t.name();
        // rotary factor tensors (rope_freqs, rope_factors_long/short) are per-frequency vectors
        boolean vector = ROPE_TENSORS.contains(g) || g.endsWith(".bias") || g.endsWith("_norm.weight");
        int rank = t.dims().length;
        if (rank != (vector ? 1 : 2)) {
            throw new InvalidCheckpointException(file.path() + ": tensor '" + g + "' has " + rank + " dimensions "
                    + java.util.Arrays.toString(t.dims()) + "; expected " + (vector ? "1 (a vector)" : "2 (a matrix)"));
        }
        GgmlType type = t.type();
        boolean ok = vector ? VECTOR_TYPES.contains(type) : !NO_WEIGHT_TYPES.contains(type);
        if (!ok) {
            throw new InvalidCheckpointException(file.path() + ": tensor '" + g + "' is stored as " + type
                    + ", which llama.cpp does not allow for " + (vector ? "a norm weight or bias (expected one of "
                    + VECTOR_TYPES + ")" : "a weight matrix (integer and intermediate types hold no weights)"));
        }
    }

    private static final Set<GgmlType> VECTOR_TYPES = java.util.EnumSet.of(GgmlType.F32, GgmlType.F16, GgmlType.BF16);
    private static final Set<GgmlType> NO_WEIGHT_TYPES = java.util.EnumSet.of(GgmlType.I8, GgmlType.I16, GgmlType.I32,
            GgmlType.I64, GgmlType.Q8_1, GgmlType.Q8_K);

    static LlamaLayout of(GgufFile file) {
        return new LlamaLayout(file);
    }

    String key(String k) {
        return arch + "." + k;
    }

    int positive(String key) {
        int v = file.getInt(key);
        if (v <= 0) {
            throw new InvalidCheckpointException(file.path() + ": metadata key '" + key + "' is " + v
                    + "; expected a positive integer");
        }
        return v;
    }

    /** A per-layer integer: a scalar for every layer, or an array of one value per layer. */
    private int[] perLayer(String key, int fallback) {
        int[] out = new int[layers];
        if (!file.has(key)) {
            java.util.Arrays.fill(out, fallback);
            return out;
        }
        if (file.valueType(key) == GgufValueType.ARRAY) {
            int[] a = file.getIntArray(key);
            if (a.length != layers) {
                throw new InvalidCheckpointException(file.path() + ": metadata key '" + key + "' has " + a.length
                        + " values; expected one per layer (" + layers + ")");
            }
            out = a;
        } else {
            java.util.Arrays.fill(out, file.getInt(key));
        }
        for (int v : out) {
            if (v <= 0 || heads % v != 0) {
                throw new InvalidCheckpointException(file.path() + ": metadata key '" + key + "' holds " + v
                        + "; expected a positive divisor of the head count " + heads);
            }
        }
        return out;
    }
}
