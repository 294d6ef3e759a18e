package io.github.icl4j.model;

import java.util.List;
import java.util.Locale;

/**
 * How rotary frequencies are scaled: Hugging Face's {@code rope_scaling} / {@code rope_parameters} types,
 * computed in {@link Rotary} exactly as {@code transformers}' {@code modeling_rope_utils} does.
 *
 * <table>
 *   <caption>Types and the parameters each reads</caption>
 *   <tr><th>type</th><th>parameters</th><th>attention factor</th></tr>
 *   <tr><td>{@code default}</td><td>none</td><td>1</td></tr>
 *   <tr><td>{@code linear}</td><td>{@code factor}</td><td>1</td></tr>
 *   <tr><td>{@code dynamic}</td><td>{@code factor}; the base grows once a forward reaches past
 *       {@code max_position_embeddings}</td><td>1</td></tr>
 *   <tr><td>{@code llama3}</td><td>{@code factor}, {@code low_freq_factor}, {@code high_freq_factor},
 *       {@code original_max_position_embeddings}</td><td>1</td></tr>
 *   <tr><td>{@code yarn}</td><td>{@code factor}, {@code original_max_position_embeddings}, optional
 *       {@code beta_fast}, {@code beta_slow}, {@code mscale}, {@code mscale_all_dim}, {@code truncate},
 *       {@code attention_factor}</td><td>{@code 0.1 ln(factor) + 1} unless given</td></tr>
 *   <tr><td>{@code longrope}</td><td>{@code short_factor}, {@code long_factor} (one per frequency),
 *       {@code original_max_position_embeddings}, optional {@code factor}, {@code attention_factor}; the long
 *       factors apply once a forward reaches past the original length</td>
 *       <td>{@code sqrt(1 + ln(factor) / ln(original))} unless given</td></tr>
 * </table>
 * The attention factor multiplies cos and sin, so it scales both queries and keys (as in {@code transformers}).
 * {@code freqFactors} are llama.cpp's {@code rope_freqs} tensor (Llama 3.x GGUF files): each inverse frequency
 * is divided by its factor, on top of the type's own scaling.
 *
 * @param type                 the scaling type
 * @param factor               scaling factor (NaN where the type has none)
 * @param originalMaxPositions pre-training context length (0 where unused)
 * @param lowFreqFactor        llama3's {@code low_freq_factor}
 * @param highFreqFactor       llama3's {@code high_freq_factor}
 * @param attentionFactor      explicit attention factor, or NaN for the type's default
 * @param betaFast             yarn's {@code beta_fast}
 * @param betaSlow             yarn's {@code beta_slow}
 * @param mscale               yarn's {@code mscale} (0 = absent)
 * @param mscaleAllDim         yarn's {@code mscale_all_dim} (0 = absent)
 * @param truncate             yarn's {@code truncate}
 * @param shortFactor          longrope's short factors (empty otherwise)
 * @param longFactor           longrope's long factors (empty otherwise)
 * @param freqFactors          per-frequency divisors from a GGUF {@code rope_freqs} tensor (empty = none)
 */
public record RopeScaling(Type type, double factor, int originalMaxPositions, double lowFreqFactor,
        double highFreqFactor, double attentionFactor, double betaFast, double betaSlow, double mscale,
        double mscaleAllDim, boolean truncate, List<Double> shortFactor, List<Double> longFactor,
        List<Float> freqFactors) {

    /** Unscaled rotary. */
    public static final RopeScaling NONE = new RopeScaling(Type.DEFAULT, Double.NaN, 0, Double.NaN, Double.NaN,
            Double.NaN, 32, 1, 0, 0, true, List.of(), List.of(), List.of());

    /** The rotary scaling types, by their Hugging Face {@code rope_type} names. */
    public enum Type {
        DEFAULT, LINEAR, DYNAMIC, LLAMA3, YARN, LONGROPE;

        /** The {@code rope_type} string. */
        public String hfName() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** The type of a {@code rope_type} string, or null when unknown. */
        public static Type of(String hfName) {
            for (Type t : values()) {
                if (t.hfName().equals(hfName)) {
                    return t;
                }
            }
            return null;
        }

        /** Every supported {@code rope_type} string. */
        public static List<String> names() {
            return java.util.Arrays.stream(values()).map(Type::hfName).toList();
        }
    }

    public RopeScaling {
        shortFactor = List.copyOf(shortFactor);
        longFactor = List.copyOf(longFactor);
        freqFactors = List.copyOf(freqFactors);
    }

    /** Unscaled rotary with llama.cpp's per-frequency divisors. */
    public static RopeScaling freqFactors(List<Float> factors) {
        return new RopeScaling(Type.DEFAULT, Double.NaN, 0, Double.NaN, Double.NaN, Double.NaN, 32, 1, 0, 0, true,
                List.of(), List.of(), factors);
    }

    /** True when the inverse frequencies depend on how far a forward reaches (dynamic, longrope). */
    public boolean dependsOnLength() {
        return type == Type.DYNAMIC || type == Type.LONGROPE;
    }

    @Override
    public String toString() {
        return switch (type) {
            case DEFAULT -> freqFactors.isEmpty() ? "default" : "default × rope_freqs[" + freqFactors.size() + "]";
            case LINEAR, DYNAMIC -> type.hfName() + "(factor " + factor + ")";
            case LLAMA3 -> "llama3(factor " + factor + ", low " + lowFreqFactor + ", high " + highFreqFactor
                    + ", original " + originalMaxPositions + ")";
            case YARN -> "yarn(factor " + factor + ", original " + originalMaxPositions + ")";
            case LONGROPE -> "longrope(original " + originalMaxPositions + ", " + shortFactor.size() + " factors)";
        };
    }
}
