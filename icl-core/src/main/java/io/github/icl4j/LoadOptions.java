package io.github.icl4j;

/**
 * Where and in which precision a model is loaded. Immutable; {@code with...} return copies.
 * <pre>{@code
 * Model m = Model.load(dir, LoadOptions.defaults().withDevice("cuda:0").withDtype("bf16"));
 * // a model larger than one device: a contiguous range of blocks per device
 * Model big = Model.load(dir, LoadOptions.defaults().withDtype("bf16").withDeviceMap("cuda:0@0-19,cpu@20-31"));
 * }</pre>
 *
 * @param device    the device of the inputs and, without a placement, of every weight and activation; with a
 *                  placement, its first device (the embedding's)
 * @param dtype     the precision of weights and activations
 * @param placement how the blocks are spread over several devices ({@link DeviceMap} or {@link DeviceBudgets}), or
 *                  null for everything on {@code device}
 */
public record LoadOptions(DeviceSpec device, DType dtype, DevicePlacement placement) {
    private static final LoadOptions DEFAULTS = new LoadOptions(DeviceSpec.CPU, DType.FP32);

    /**
     * Checks that nothing required is null and that a placement starts on {@code device}.
     *
     * @throws IllegalArgumentException naming the mismatch
     */
    public LoadOptions {
        if (device == null || dtype == null) {
            throw new IllegalArgumentException("device and dtype must not be null");
        }
        if (placement != null && !placement.devices().get(0).equals(device)) {
            throw new IllegalArgumentException("device " + device + " differs from the placement's first device "
                    + placement.devices().get(0) + " (" + placement + "): the inputs go to the first device");
        }
    }

    /** Everything on one device, no placement. */
    public LoadOptions(DeviceSpec device, DType dtype) {
        this(device, dtype, null);
    }

    /** CPU, fp32. */
    public static LoadOptions defaults() {
        return DEFAULTS;
    }

    /** Everything on {@code d}; replaces any placement. */
    public LoadOptions withDevice(DeviceSpec d) {
        return new LoadOptions(d, dtype, null);
    }

    /** {@code cpu}, {@code cuda}, {@code cuda:N}; replaces any placement. */
    public LoadOptions withDevice(String d) {
        return withDevice(DeviceSpec.parse(d));
    }

    /** The same placement in precision {@code t}. */
    public LoadOptions withDtype(DType t) {
        return new LoadOptions(device, t, placement);
    }

    /** {@code fp32}, {@code bf16}, {@code fp16}. */
    public LoadOptions withDtype(String t) {
        return withDtype(DType.parse(t));
    }

    /**
     * Blocks spread over devices by explicit layer ranges; {@link #device()} becomes the map's first device. The map
     * must cover every layer of the model loaded (checked at load).
     */
    public LoadOptions withDeviceMap(DeviceMap map) {
        return new LoadOptions(map.first(), dtype, map);
    }

    /** The text form of {@link DeviceMap#parse}, e.g. {@code cuda:0@0-15,cpu@16-31}. */
    public LoadOptions withDeviceMap(String map) {
        return withDeviceMap(DeviceMap.parse(map));
    }

    /**
     * Blocks spread over devices in order, balanced by parameter bytes within each device's budget (resolved at load,
     * see {@link DeviceBudgets}); {@link #device()} becomes the first device.
     */
    public LoadOptions withBalancedDevices(DeviceBudgets budgets) {
        return new LoadOptions(budgets.devices().get(0), dtype, budgets);
    }
}
