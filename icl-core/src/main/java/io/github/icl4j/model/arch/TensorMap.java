package io.github.icl4j.model.arch;

import io.github.icl4j.DType;
import io.github.icl4j.DeviceSpec;
import io.github.icl4j.checkpoint.WeightSource;
import io.github.icl4j.model.LayerWeights;
import io.github.icl4j.model.ModelConfig;
import io.github.icl4j.model.TransformerWeights;
import io.github.icl4j.model.WeightLoader;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.bytedeco.pytorch.Tensor;

/**
 * A family's tensor names, written once: which checkpoint tensor holds which canonical tensor, in what layout
 * (transposed, fused) and when. Loading ({@code load}), saving ({@code export}) and the GGUF name mapping
 * ({@link #ggufBlockModules}, {@link #ggufEnds}) all read this one table.
 *
 * @param prefix        the prefix of the family's names ({@code model.}, {@code transformer.}, {@code gpt_neox.})
 * @param nestedPrefixes prefixes tried first on load, for checkpoints that nest the text model (Gemma 3's
 *                      multimodal ones); saving always uses {@code prefix}
 * @param blockPrefix   the block's names after {@code prefix}, followed by the layer index ({@code layers.})
 * @param ends          the tensors outside the blocks: embeddings, final norm, unembedding
 * @param block         the tensors of every block
 * @param unused        names a checkpoint may hold that are not weights (buffers, a tied {@code lm_head}, a vision
 *                      tower)
 */
public record TensorMap(String prefix, List<String> nestedPrefixes, String blockPrefix, List<MappedTensor> ends,
        List<MappedTensor> block, List<Pattern> unused) {

    /** The table; the lists are copied. */
    public TensorMap {
        nestedPrefixes = List.copyOf(nestedPrefixes);
        ends = List.copyOf(ends);
        block = List.copyOf(block);
        unused = List.copyOf(unused);
    }

    /**
     * Loads and checks every tensor: missing, unexpected or mis-shaped tensors fail with the file, the name and the
     * expected shape; fused and transposed tensors come out in the canonical layout.
     */
    TransformerWeights load(WeightSource src, ModelConfig m, DType dtype, DeviceSpec device) {
        WeightLoader w = new WeightLoader(src, dtype, device, loadPrefix(src));
        List<LayerWeights> layers = new ArrayList<>();
        for (int l = 0; l < m.nLayers(); l++) {
            String p = blockPrefix + l + ".";
            for (MappedTensor t : block) {
                if (t.splitsInto() != null && t.when().holds(m)) {
                    Adapters.checkShape(w, p + t.name(), t.splitsInto().apply(m), t.storedShape(m));
                }
            }
            layers.add(WeightSlot.layer(read(w, p, block, m)));
        }
        Map<WeightSlot, Tensor> e = read(w, "", ends, m);
        Tensor embed = e.get(WeightSlot.EMBED);
        Tensor unembed = m.tiedEmbeddings() ? embed : e.get(WeightSlot.UNEMBED);
        TransformerWeights tw = new TransformerWeights(embed, e.get(WeightSlot.POS_EMBED), layers,
                e.get(WeightSlot.FINAL_NORM_W), e.get(WeightSlot.FINAL_NORM_B), unembed,
                e.get(WeightSlot.UNEMBED_BIAS));
        w.finish(unused);
        return tw;
    }

    private static Map<WeightSlot, Tensor> read(WeightLoader w, String p, List<MappedTensor> rows, ModelConfig m) {
        Map<WeightSlot, Tensor> out = new EnumMap<>(WeightSlot.class);
        for (MappedTensor t : rows) {
            if (t.when().holds(m)) {
                long[][] shapes = t.slotShapes(m);
                Tensor[] parts = t.layout().split(w.get(p + t.name(), t.layout().storedShape(shapes)), shapes, m);
                for (int i = 0; i < parts.length; i++) {
                    out.put(t.slots().get(i), parts[i]);
                }
            }
        }
        return out;
    }

    /** The first nested prefix the source's names use, else {@link #prefix}. */
    private String loadPrefix(WeightSource src) {
        for (String p : nestedPrefixes) {
            if (src.names().stream().anyMatch(n -> n.startsWith(p))) {
                return p;
            }
        }
        return prefix;
    }

    /** The weights under the family's Hugging Face names and layouts (for saving). */
    Map<String, Tensor> export(TransformerWeights weights, ModelConfig m) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (MappedTensor t : ends) {
            put(out, t.root() ? t.name() : prefix + t.name(), t, weights, -1, m);
        }
        for (int l = 0; l < m.nLayers(); l++) {
            for (MappedTensor t : block) {
                put(out, blockName(l, t.name()), t, weights, l, m);
            }
        }
        return out;
    }

    private static void put(Map<String, Tensor> out, String name, MappedTensor t, TransformerWeights w, int layer,
            ModelConfig m) {
        if (!t.when().holds(m)) {
            return;
        }
        Tensor[] parts = new Tensor[t.slots().size()];
        for (int i = 0; i < parts.length; i++) {
            parts[i] = t.slots().get(i).of(w, layer);
            if (parts[i] == null) {
                throw new IllegalStateException(name + ": the weights have no " + t.slots().get(i) + " tensor but "
                        + m.modelType() + " checkpoints of this configuration hold one");
            }
        }
        out.put(name, t.layout().join(parts, m));
    }

    /** The full Hugging Face name of block tensor {@code name} (relative to the block) in layer {@code layer}. */
    public String blockName(int layer, String name) {
        return prefix + blockPrefix + layer + "." + name;
    }

    /**
     * GGUF block module → Hugging Face block module (names without {@code .weight}/{@code .bias}, relative to the
     * block), of the rows with a GGUF name whose presence is not in {@code skip}.
     *
     * @throws IllegalStateException when two rows give one GGUF module different Hugging Face ones (a table error)
     */
    public Map<String, String> ggufBlockModules(Set<Presence> skip) {
        Map<String, String> out = new LinkedHashMap<>();
        for (MappedTensor t : block) {
            if (t.gguf() != null && !skip.contains(t.when())) {
                String g = module(t.gguf());
                String hf = module(t.name());
                String before = out.put(g, hf);
                if (before != null && !before.equals(hf)) {
                    throw new IllegalStateException("GGUF module " + g + " maps to both " + before + " and " + hf);
                }
            }
        }
        return out;
    }

    /** GGUF name → full Hugging Face name of the tensors outside the blocks that GGUF files hold. */
    public Map<String, String> ggufEnds() {
        Map<String, String> out = new LinkedHashMap<>();
        for (MappedTensor t : ends) {
            if (t.gguf() != null) {
                out.put(t.gguf(), t.root() ? t.name() : prefix + t.name());
            }
        }
        return out;
    }

    private static String module(String name) {
        return name.substring(0, name.lastIndexOf('.'));
    }
}
