package io.github.icl4j;

/**
 * Where and in which precision a model is loaded. Immutable; {@code with...} return copies.
 * <pre>{@code
 * Model m = Model.load(dir, LoadOptions.defaults().withDevice("cuda:0").withDtype("bf16"));
 * }</pre>
 *
 * @param device the device for weights and activations
 * @param dtype  the precision of weights and activations
 */
public record LoadOptions(DeviceSpec device, DType dtype) {
    private static final LoadOptions DEFAULTS = new LoadOptions(DeviceSpec.CPU, DType.FP32);

    public LoadOptions {
        if (device == null || dtype == null) {
            throw new IllegalArgumentException("device and dtype must not be null");
        }
    }

    /** CPU, fp32. */
    public static LoadOptions defaults() {
        return DEFAULTS;
    }

    public LoadOptions withDevice(DeviceSpec d) {
        return new LoadOptions(d, dtype);
    }

    /** {@code cpu}, {@code cuda}, {@code cuda:N}. */
    public LoadOptions withDevice(String d) {
        return withDevice(DeviceSpec.parse(d));
    }

    public LoadOptions withDtype(DType t) {
        return new LoadOptions(device, t);
    }

    /** {@code fp32}, {@code bf16}, {@code fp16}. */
    public LoadOptions withDtype(String t) {
        return withDtype(DType.parse(t));
    }
}
