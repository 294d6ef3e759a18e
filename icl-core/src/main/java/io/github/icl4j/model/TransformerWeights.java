package io.github.icl4j.model;

import io.github.icl4j.DeviceMap;
import io.github.icl4j.DeviceSpec;
import io.github.icl4j.runtime.Tensors;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.bytedeco.pytorch.Tensor;

/**
 * All tensors of a model in the canonical layout.
 *
 * @param embed        token embedding {@code [vocab, d]}
 * @param posEmbed     learned position embedding {@code [maxPositions, d]}, or null (rotary models)
 * @param layers       one entry per block
 * @param finalNormW   final norm scale {@code [d]}
 * @param finalNormB   final norm bias, or null
 * @param unembed      {@code [vocab, d]}; the same tensor object as {@code embed} when tied
 * @param unembedBias  {@code [vocab]} or null
 */
public record TransformerWeights(Tensor embed, Tensor posEmbed, List<LayerWeights> layers, Tensor finalNormW,
        Tensor finalNormB, Tensor unembed, Tensor unembedBias) {

    public TransformerWeights {
        Objects.requireNonNull(embed, "embed");
        Objects.requireNonNull(finalNormW, "finalNormW");
        Objects.requireNonNull(unembed, "unembed");
        layers = List.copyOf(layers);
    }

    /**
     * These weights spread over devices: block {@code l}'s tensors on {@code map.deviceOf(l)}, the embeddings on the
     * map's first device, the final norm and unembedding on its last. Tensors already on their device are kept
     * (not copied); a tied unembedding is copied when the two ends differ.
     *
     * @throws IllegalArgumentException when the map does not cover exactly this model's layers
     */
    public TransformerWeights placed(DeviceMap map) {
        if (map.nLayers() != layers.size()) {
            throw new IllegalArgumentException("device map " + map + " covers " + map.nLayers()
                    + " layers but the model has " + layers.size());
        }
        List<LayerWeights> moved = new ArrayList<>(layers.size());
        for (int l = 0; l < layers.size(); l++) {
            DeviceSpec d = map.deviceOf(l);
            moved.add(layers.get(l).map(t -> to(t, d)));
        }
        DeviceSpec first = map.first();
        DeviceSpec last = map.last();
        return new TransformerWeights(to(embed, first), to(posEmbed, first), moved, to(finalNormW, last),
                to(finalNormB, last), to(unembed, last), to(unembedBias, last));
    }

    /**
     * The parameter bytes of each block, in layer order (a tensor shared between blocks counts in each).
     */
    public long[] layerBytes() {
        long[] out = new long[layers.size()];
        for (int l = 0; l < out.length; l++) {
            for (Tensor t : layers.get(l).tensors()) {
                out[l] += t.nbytes();
            }
        }
        return out;
    }

    /** The parameter bytes outside the blocks that sit with the first block: the embeddings. */
    public long headBytes() {
        return embed.nbytes() + (posEmbed == null ? 0 : posEmbed.nbytes());
    }

    /** The parameter bytes that sit with the last block: final norm and unembedding (counted even when tied). */
    public long tailBytes() {
        return finalNormW.nbytes() + (finalNormB == null ? 0 : finalNormB.nbytes()) + unembed.nbytes()
                + (unembedBias == null ? 0 : unembedBias.nbytes());
    }

    private static Tensor to(Tensor t, DeviceSpec d) {
        return t == null ? null : Tensors.onDevice(t, d);
    }

    /** Every distinct tensor (a tied matrix once): the parameters to train or to free. */
    public List<Tensor> parameters() {
        Map<Tensor, Boolean> seen = new IdentityHashMap<>();
        List<Tensor> out = new ArrayList<>();
        List<Tensor> all = new ArrayList<>();
        all.add(embed);
        all.add(posEmbed);
        layers.forEach(l -> all.addAll(l.tensors()));
        all.add(finalNormW);
        all.add(finalNormB);
        all.add(unembed);
        all.add(unembedBias);
        for (Tensor t : all) {
            if (t != null && seen.put(t, Boolean.TRUE) == null) {
                out.add(t);
            }
        }
        return out;
    }
}
