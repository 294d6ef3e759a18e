package io.github.icl4j.model;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;

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
            throw new IllegalArgumentException(source + ": '" + keys[0] + "' = " + n + " is not an integer");
        }
        return n.asInt();
    }

    /** An optional integer. */
    public int optInt(int dflt, String... keys) {
        JsonNode n = first(keys);
        if (n == null) {
            return dflt;
        }
        if (!n.isIntegralNumber()) {
            throw new IllegalArgumentException(source + ": '" + keys[0] + "' = " + n + " is not an integer");
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
            throw new IllegalArgumentException(source + ": '" + keys[0] + "' = " + n + " is not a number");
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
            throw new IllegalArgumentException(source + ": '" + keys[0] + "' = " + n + " is not true or false");
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
     * Fails when {@code rope_scaling} (transformers 4) or {@code rope_parameters.rope_type} (transformers 5)
     * asks for a scaled rotary the implementation does not do.
     */
    public void refuseRopeScaling() {
        for (String key : new String[] {"rope_scaling", "rope_parameters"}) {
            JsonNode n = first(key);
            if (n != null && n.isObject()) {
                String type = n.path("rope_type").asText(n.path("type").asText("default"));
                if (!type.equals("default")) {
                    throw new IllegalArgumentException(source + ": " + key + " type '" + type
                            + "' is not supported; only unscaled rotary ('default')");
                }
            }
        }
    }

    /** Rotary base: {@code rope_parameters.rope_theta} (transformers 5), else the given top-level keys. */
    public double ropeTheta(double dflt, String... keys) {
        JsonNode p = first("rope_parameters");
        if (p != null && p.has("rope_theta")) {
            return p.get("rope_theta").asDouble();
        }
        return optDouble(dflt, keys);
    }

    /** Fraction of each head rotated: {@code rope_parameters.partial_rotary_factor}, else the given keys. */
    public double partialRotary(double dflt, String... keys) {
        JsonNode p = first("rope_parameters");
        if (p != null && p.has("partial_rotary_factor")) {
            return p.get("partial_rotary_factor").asDouble();
        }
        return optDouble(dflt, keys);
    }

    public Path source() {
        return source;
    }
}
