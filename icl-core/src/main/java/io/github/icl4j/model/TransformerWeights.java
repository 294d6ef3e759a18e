package io.github.icl4j.model;

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
