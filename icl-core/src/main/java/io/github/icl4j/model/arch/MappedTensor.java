package io.github.icl4j.model.arch;

import io.github.icl4j.model.ModelConfig;
import java.util.List;
import java.util.function.Function;

/**
 * One row of a family's {@link TensorMap}: a checkpoint tensor's Hugging Face name (relative to the family's prefix,
 * or to the block's for block tensors), its llama.cpp GGUF name where GGUF files hold it, the canonical slots it
 * fills, how it stores them, and when a checkpoint holds it.
 *
 * @param name       Hugging Face name, e.g. {@code self_attn.q_proj.weight}
 * @param gguf       GGUF name, e.g. {@code attn_q.weight}; null when GGUF files have no such tensor
 * @param slots      the canonical tensors it holds, in stored order (one unless fused)
 * @param layout     how they are stored
 * @param when       when a checkpoint holds it
 * @param root       true for names at the checkpoint's root, outside the family's prefix ({@code lm_head.weight})
 * @param splitsInto the configuration keys a shape error names (fused or head-split tensors), or null
 */
public record MappedTensor(String name, String gguf, List<WeightSlot> slots, TensorLayout layout, Presence when,
        boolean root, Function<ModelConfig, String> splitsInto) {

    /** A row; the slots are copied. */
    public MappedTensor {
        slots = List.copyOf(slots);
    }

    /** A tensor holding one slot as it is, in every checkpoint. */
    static MappedTensor of(String name, WeightSlot slot) {
        return new MappedTensor(name, null, List.of(slot), TensorLayout.PLAIN, Presence.ALWAYS, false, null);
    }

    /** A tensor holding several slots in {@code layout}. */
    static MappedTensor fused(String name, TensorLayout layout, WeightSlot... slots) {
        return new MappedTensor(name, null, List.of(slots), layout, Presence.ALWAYS, false, null);
    }

    /** This row with the GGUF name {@code g}. */
    MappedTensor gguf(String g) {
        return new MappedTensor(name, g, slots, layout, when, root, splitsInto);
    }

    /** This row, present only when {@code p} holds. */
    MappedTensor when(Presence p) {
        return new MappedTensor(name, gguf, slots, layout, p, root, splitsInto);
    }

    /** This row stored in {@code l}. */
    MappedTensor layout(TensorLayout l) {
        return new MappedTensor(name, gguf, slots, l, when, root, splitsInto);
    }

    /** This row at the checkpoint's root. */
    MappedTensor atRoot() {
        return new MappedTensor(name, gguf, slots, layout, when, true, splitsInto);
    }

    /** This row, whose shape errors say which configuration keys it should split into. */
    MappedTensor explained(Function<ModelConfig, String> keys) {
        return new MappedTensor(name, gguf, slots, layout, when, root, keys);
    }

    /** The canonical shapes of the slots under {@code m}. */
    long[][] slotShapes(ModelConfig m) {
        long[][] out = new long[slots.size()][];
        for (int i = 0; i < out.length; i++) {
            out[i] = slots.get(i).shape(m);
        }
        return out;
    }

    /** The shape the checkpoint stores under {@code m}. */
    long[] storedShape(ModelConfig m) {
        return layout.storedShape(slotShapes(m));
    }
}
