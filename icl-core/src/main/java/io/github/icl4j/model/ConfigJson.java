package io.github.icl4j.model;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** Typed reads from a {@code config.json} tree with messages naming the file, the key and the value. */
public final class ConfigJson {
    private final JsonNode json;
    private final Path source;

    public ConfigJson(JsonNode json, Path source) {
        this.json = json;
        this.source = source;
    }

    /** The first present key's node, or null. */
    private JsonNode first(String... keys) {
        for (String k : keys) {
            JsonNode n = json.get(k);
            if (n != null && !n.isNull()) {
                return n;
            }
        }
        return null;
    }

    /** A required integer under any of the keys (aliases in order). */
    public int reqInt(String... keys) {
        JsonNode n = first(keys);
        if (n == null) {
            throw new IllegalArgumentException(source + ": required key '" + keys[0] + "' is missing");
        }
        if (!n.canConvertToInt() || !n.isIntegralNumber()) {
            throw new IllegalArgumentException(source + ": '" + keyOf(keys) + "' = " + n + " is not an integer");
        }
        return n.asInt();
    }

    /** An optional integer. */
    public int optInt(int dflt, String... keys) {
        JsonNode n = first(keys);
        if (n == null) {
            return dflt;
        }
        if (!n.isIntegralNumber() || !n.canConvertToInt()) {
            throw new IllegalArgumentException(source + ": '" + keyOf(keys) + "' = " + n + " is not an integer");
        }
        return n.asInt();
    }

    /** An optional number. */
    public double optDouble(double dflt, String... keys) {
        JsonNode n = first(keys);
        if (n == null) {
            return dflt;
        }
        if (!n.isNumber()) {
            throw new IllegalArgumentException(source + ": '" + keyOf(keys) + "' = " + n + " is not a number");
        }
        return n.asDouble();
    }

    /** An optional boolean. */
    public boolean optBool(boolean dflt, String... keys) {
        JsonNode n = first(keys);
        if (n == null) {
            return dflt;
        }
        if (!n.isBoolean()) {
            throw new IllegalArgumentException(source + ": '" + keyOf(keys) + "' = " + n + " is not true or false");
        }
        return n.asBoolean();
    }

    /** An optional string. */
    public String optString(String dflt, String... keys) {
        JsonNode n = first(keys);
        return n == null ? dflt : n.asText();
    }

    /** An optional token id; a list (several EOS ids) gives its first element. */
    public long optTokenId(String key) {
        JsonNode n = first(key);
        if (n == null) {
            return -1;
        }
        if (n.isArray()) {
            return n.size() == 0 ? -1 : n.get(0).asLong();
        }
        return n.asLong(-1);
    }

    /** True when the key is present and not null. */
    public boolean has(String key) {
        return first(key) != null;
    }

    /** The raw node (may be null). */
    public JsonNode node(String key) {
        return json.get(key);
    }

    /**
     * Fails on a {@code config.json} describing a variant no adapter runs: a mixture-of-experts MLP or a
     * multimodal model (a vision or audio tower, or a nested {@code text_config}).
     */
    public void refuseVariants() {
        for (String k : new String[] {"num_local_experts", "num_experts", "n_routed_experts", "moe_num_experts"}) {
            JsonNode n = first(k);
            if (n != null && (!n.isNumber() || n.asDouble() > 0)) {
                throw new IllegalArgumentException(source + ": '" + k + "' = " + n + ": mixture-of-experts models "
                        + "are not supported; supported are dense decoder-only models (see README)");
            }
        }
        for (String k : new String[] {"vision_config", "audio_config", "text_config"}) {
            if (first(k) != null) {
                throw new IllegalArgumentException(source + ": '" + k + "' is present: multimodal models are not "
                        + "supported; load the language model alone (a text-only config.json and weights)");
            }
        }
    }

    /** A required integer {@code >= 1} (a count or a size). */
    public int reqPositive(String... keys) {
        int v = reqInt(keys);
        if (v <= 0) {
            throw new IllegalArgumentException(source + ": '" + keyOf(keys) + "' = " + v + " must be an integer >= 1");
        }
        return v;
    }

    /** An optional integer {@code >= 1}. */
    public int optPositive(int dflt, String... keys) {
        int v = optInt(dflt, keys);
        if (v <= 0) {
            throw new IllegalArgumentException(source + ": '" + keyOf(keys) + "' = " + v + " must be an integer >= 1");
        }
        return v;
    }

    /** An optional finite number {@code > 0} (an epsilon, a base, a factor). */
    public double optPositiveDouble(double dflt, String... keys) {
        return positiveFinite(optDouble(dflt, keys), keyOf(keys));
    }

    /** The first key present, for messages (the first alias when none is). */
    private String keyOf(String... keys) {
        for (String k : keys) {
            JsonNode n = json.get(k);
            if (n != null && !n.isNull()) {
                return k;
            }
        }
        return keys[0];
    }

    private double positiveFinite(double v, String key) {
        if (!(v > 0) || Double.isInfinite(v)) {
            throw new IllegalArgumentException(source + ": '" + key + "' = " + v + " must be a finite number > 0");
        }
        return v;
    }

    /**
     * The rotary parameter object and the key it came from: {@code rope_scaling} (transformers 4) when present and
     * not empty, as {@code transformers} prefers it, else {@code rope_parameters} (transformers 5); null when neither.
     */
    private Map.Entry<String, JsonNode> ropeNode() {
        for (String key : new String[] {"rope_scaling", "rope_parameters"}) {
            JsonNode n = first(key);
            if (n == null) {
                continue;
            }
            if (!n.isObject()) {
                throw new IllegalArgumentException(source + ": '" + key + "' = " + n + " is not an object");
            }
            if (n.size() > 0) {
                for (String layerType : new String[] {"full_attention", "sliding_attention"}) {
                    if (n.has(layerType)) {
                        throw new IllegalArgumentException(source + ": '" + key + "' holds per-layer-type rotary "
                                + "parameters ('" + layerType + "'), which this family does not use");
                    }
                }
                return Map.entry(key, n);
            }
        }
        return null;
    }

    /**
     * Rotary base: {@code rope_parameters.rope_theta} (or {@code rope_scaling.rope_theta}), else the given
     * top-level keys, else {@code dflt}.
     *
     * @throws IllegalArgumentException naming the file, the key and the value unless it is a finite number > 0
     */
    public double ropeTheta(double dflt, String... keys) {
        Map.Entry<String, JsonNode> rope = ropeNode();
        if (rope != null && rope.getValue().has("rope_theta") && !rope.getValue().get("rope_theta").isNull()) {
            return positiveFinite(number(rope.getValue(), "rope_theta", rope.getKey()), rope.getKey() + ".rope_theta");
        }
        return optPositiveDouble(dflt, keys);
    }

    /**
     * Fraction of each head rotated: {@code rope_parameters.partial_rotary_factor}, else the given keys.
     *
     * @throws IllegalArgumentException unless it is in (0, 1]
     */
    public double partialRotary(double dflt, String... keys) {
        Map.Entry<String, JsonNode> rope = ropeNode();
        double v;
        String key;
        if (rope != null && rope.getValue().has("partial_rotary_factor")
                && !rope.getValue().get("partial_rotary_factor").isNull()) {
            key = rope.getKey() + ".partial_rotary_factor";
            v = number(rope.getValue(), "partial_rotary_factor", rope.getKey());
        } else {
            key = keyOf(keys);
            v = optDouble(dflt, keys);
        }
        if (!(v > 0 && v <= 1)) {
            throw new IllegalArgumentException(source + ": '" + key + "' = " + v + " must be in (0, 1]");
        }
        return v;
    }

    /**
     * Hugging Face's rotary {@code dim} for a head: {@code int(dHead * partial_rotary_factor)}, which must be at
     * least 1 and leave room for its even rounding.
     */
    public int rotaryDim(int dHead, double partial, String key) {
        int dim = (int) (dHead * partial);
        if (dim < 1 || dim + dim % 2 > dHead) {
            throw new IllegalArgumentException(source + ": '" + key + "' = " + partial + " gives a rotary dimension of "
                    + dim + " for head size " + dHead + "; expected 1 .. " + dHead + " (an odd one rotates one more)");
        }
        return dim;
    }

    /**
     * The rotary scaling {@code rope_scaling} / {@code rope_parameters} asks for, validated.
     *
     * @param maxPositions {@code max_position_embeddings}
     * @param rotaryDim    Hugging Face's rotary {@code dim} (longrope needs {@code ceil(dim/2)} factors each)
     * @param supported    the types this family accepts
     * @param aliases      family-specific {@code rope_type} spellings (Phi-3's {@code su} and {@code yarn} mean
     *                     longrope)
     * @throws IllegalArgumentException naming the file, the key and the value for an unknown or unsupported type,
     *                                  a missing parameter or a bad value
     */
    public RopeScaling ropeScaling(int maxPositions, int rotaryDim, java.util.Set<RopeScaling.Type> supported,
            Map<String, String> aliases) {
        Map.Entry<String, JsonNode> rope = ropeNode();
        if (rope == null) {
            return RopeScaling.NONE;
        }
        String key = rope.getKey();
        JsonNode n = rope.getValue();
        JsonNode typeNode = n.has("rope_type") && !n.get("rope_type").isNull() ? n.get("rope_type") : n.get("type");
        String typeName = typeNode == null || typeNode.isNull() ? "default" : typeNode.asText();
        typeName = aliases.getOrDefault(typeName, typeName);
        RopeScaling.Type type = RopeScaling.Type.of(typeName);
        if (type == null || !supported.contains(type)) {
            throw new IllegalArgumentException(source + ": " + key + ".rope_type = '" + typeName + "' is not supported"
                    + (type == null ? "" : " for this model type") + "; supported: "
                    + supported.stream().map(RopeScaling.Type::hfName).toList());
        }
        double factor = Double.NaN;
        int original = 0;
        double low = Double.NaN;
        double high = Double.NaN;
        double attention = Double.NaN;
        double betaFast = 32;
        double betaSlow = 1;
        double mscale = 0;
        double mscaleAll = 0;
        boolean truncate = true;
        List<Double> shortF = List.of();
        List<Double> longF = List.of();
        List<Float> freqs = List.of();
        if (n.has("rope_freqs") && !n.get("rope_freqs").isNull()) {
            // icl4j's carrier for a GGUF file's rope_freqs tensor (llama.cpp divides each frequency by its factor)
            freqs = factors(n, "rope_freqs", key, (rotaryDim + 1) / 2).stream().map(Double::floatValue).toList();
        }
        switch (type) {
            case DEFAULT:
                return freqs.isEmpty() ? RopeScaling.NONE : RopeScaling.freqFactors(freqs);
            case LINEAR:
            case DYNAMIC:
                factor = factor(n, key, true);
                break;
            case LLAMA3:
                factor = factor(n, key, true);
                low = positiveFinite(number(n, "low_freq_factor", key), key + ".low_freq_factor");
                high = positiveFinite(number(n, "high_freq_factor", key), key + ".high_freq_factor");
                if (!(high > low)) {
                    throw new IllegalArgumentException(source + ": " + key + ".high_freq_factor = " + high
                            + " must be greater than low_freq_factor = " + low);
                }
                original = originalMax(n, key, maxPositions);
                break;
            case YARN:
                factor = factor(n, key, true);
                original = originalMax(n, key, maxPositions);
                attention = optNumber(n, "attention_factor", key, Double.NaN);
                betaFast = optNumber(n, "beta_fast", key, 32);
                betaSlow = optNumber(n, "beta_slow", key, 1);
                mscale = optNumber(n, "mscale", key, 0);
                mscaleAll = optNumber(n, "mscale_all_dim", key, 0);
                if (n.has("truncate") && !n.get("truncate").isNull()) {
                    truncate = n.get("truncate").asBoolean(true);
                }
                if (rotaryDim % 2 != 0) {
                    throw new IllegalArgumentException(source + ": " + key + ".rope_type = 'yarn' needs an even rotary "
                            + "dimension, not " + rotaryDim);
                }
                break;
            case LONGROPE:
                factor = n.has("factor") && !n.get("factor").isNull() ? factor(n, key, true) : Double.NaN;
                original = originalMax(n, key, maxPositions);
                attention = optNumber(n, "attention_factor", key, Double.NaN);
                shortF = factors(n, "short_factor", key, (rotaryDim + 1) / 2);
                longF = factors(n, "long_factor", key, (rotaryDim + 1) / 2);
                break;
            default:
                throw new IllegalStateException(type.toString());
        }
        if (!Double.isNaN(attention) && !(attention > 0 && !Double.isInfinite(attention))) {
            throw new IllegalArgumentException(source + ": " + key + ".attention_factor = " + attention
                    + " must be a finite number > 0");
        }
        return new RopeScaling(type, factor, original, low, high, attention, betaFast, betaSlow, mscale, mscaleAll,
                truncate, shortF, longF, freqs);
    }

    private double factor(JsonNode n, String key, boolean required) {
        if (!n.has("factor") || n.get("factor").isNull()) {
            throw new IllegalArgumentException(source + ": " + key + " of type '"
                    + n.path("rope_type").asText(n.path("type").asText()) + "' needs 'factor' (missing)");
        }
        double f = number(n, "factor", key);
        if (!(f >= 1) || Double.isInfinite(f)) {
            throw new IllegalArgumentException(source + ": " + key + ".factor = " + f + " must be a finite number >= 1");
        }
        return f;
    }

    private int originalMax(JsonNode n, String key, int maxPositions) {
        // transformers: Phi-3 keeps it at the top level and that one wins; otherwise it defaults to the context length
        JsonNode top = first("original_max_position_embeddings");
        JsonNode v = top != null ? top : n.get("original_max_position_embeddings");
        String where = top != null ? "original_max_position_embeddings" : key + ".original_max_position_embeddings";
        if (v == null || v.isNull()) {
            return maxPositions;
        }
        if (!v.isIntegralNumber() || !v.canConvertToInt() || v.asInt() <= 0) {
            throw new IllegalArgumentException(source + ": '" + where + "' = " + v + " must be an integer >= 1");
        }
        return v.asInt();
    }

    private double number(JsonNode n, String field, String key) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) {
            throw new IllegalArgumentException(source + ": " + key + " needs '" + field + "' (missing)");
        }
        if (!v.isNumber()) {
            throw new IllegalArgumentException(source + ": '" + key + "." + field + "' = " + v + " is not a number");
        }
        return v.asDouble();
    }

    private double optNumber(JsonNode n, String field, String key, double dflt) {
        return n.has(field) && !n.get(field).isNull() ? number(n, field, key) : dflt;
    }

    private List<Double> factors(JsonNode n, String field, String key, int expected) {
        JsonNode v = n.get(field);
        if (v == null || !v.isArray()) {
            throw new IllegalArgumentException(source + ": " + key + "." + field + " = " + v + " must be a list of "
                    + expected + " numbers");
        }
        if (v.size() != expected) {
            throw new IllegalArgumentException(source + ": " + key + "." + field + " has " + v.size()
                    + " values; the rotary dimension needs " + expected);
        }
        List<Double> out = new java.util.ArrayList<>();
        for (JsonNode x : v) {
            if (!x.isNumber() || !(x.asDouble() > 0) || Double.isInfinite(x.asDouble())) {
                throw new IllegalArgumentException(source + ": " + key + "." + field + " holds " + x
                        + "; expected finite numbers > 0");
            }
            out.add(x.asDouble());
        }
        return out;
    }

    public Path source() {
        return source;
    }
}
