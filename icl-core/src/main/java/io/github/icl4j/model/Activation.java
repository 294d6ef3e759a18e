package io.github.icl4j.model;

import java.util.Locale;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/** MLP non-linearities by their Hugging Face names. */
public enum Activation {
    /** Exact GELU (erf). */
    GELU,
    /** Tanh approximation of GELU ({@code gelu_new}, {@code gelu_pytorch_tanh}, {@code gelu_fast}). */
    GELU_TANH,
    RELU,
    /** SiLU, a.k.a. swish. */
    SILU;

    /** Applies the non-linearity. */
    public Tensor apply(Tensor x) {
        return switch (this) {
            case GELU -> torch.gelu(x);
            case GELU_TANH -> torch.gelu(x, "tanh");
            case RELU -> torch.relu(x);
            case SILU -> torch.silu(x);
        };
    }

    /**
     * Parses a Hugging Face {@code hidden_act}/{@code activation_function} value.
     *
     * @throws IllegalArgumentException naming the value and the supported ones
     */
    public static Activation parse(String hfName) {
        return switch (hfName == null ? "" : hfName.toLowerCase(Locale.ROOT)) {
            case "gelu" -> GELU;
            case "gelu_new", "gelu_pytorch_tanh", "gelu_fast" -> GELU_TANH;
            case "relu" -> RELU;
            case "silu", "swish" -> SILU;
            default -> throw new IllegalArgumentException("activation '" + hfName + "' is not supported; expected "
                    + "gelu, gelu_new, gelu_pytorch_tanh, gelu_fast, relu, silu");
        };
    }

    /** The Hugging Face name written back to config.json. */
    public String hfName() {
        return switch (this) {
            case GELU -> "gelu";
            case GELU_TANH -> "gelu_new";
            case RELU -> "relu";
            case SILU -> "silu";
        };
    }
}
