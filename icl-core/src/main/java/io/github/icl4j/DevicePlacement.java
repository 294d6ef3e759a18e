package io.github.icl4j;

import java.util.List;

/**
 * How a model's blocks are spread over devices when it does not fit on one: an explicit {@link DeviceMap} of
 * contiguous layer ranges, or {@link DeviceBudgets} that {@link Model} turns into such a map at load, balanced by
 * the parameter bytes of each block. Set with {@link LoadOptions#withDeviceMap} or
 * {@link LoadOptions#withBalancedDevices}.
 */
public sealed interface DevicePlacement permits DeviceMap, DeviceBudgets {

    /** The devices named, in order; the first receives the embedding and the inputs. */
    List<DeviceSpec> devices();

    /**
     * The layer ranges for a model of {@code layerBytes.length} blocks.
     *
     * @param layerBytes the parameter bytes of each block, in layer order
     * @param headBytes  the bytes that sit with the first block (embedding, position embedding)
     * @param tailBytes  the bytes that sit with the last block (final norm, unembedding)
     * @return a map whose ranges cover every layer exactly once, in order
     * @throws IllegalArgumentException when the placement does not fit this model (naming layers or bytes)
     */
    DeviceMap resolve(long[] layerBytes, long headBytes, long tailBytes);
}
