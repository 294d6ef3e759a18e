package io.github.icl4j.heads;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import io.github.icl4j.HeadId;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * JSON for every icl-heads result (Jackson): heads are written as {@code "L14H3"}, non-finite numbers as the
 * strings {@code "NaN"}, {@code "Infinity"}, a {@link LabelGroup} as {@code "foo"} or, in the components annotated
 * with the (de)serializers below, as {@code "foo heads"} or {@code "foo positions"}. Results read back equal what
 * was written.
 *
 * <pre>{@code
 * String json = HeadsJson.write(set);
 * InContextHeadSet again = HeadsJson.read(json, InContextHeadSet.class);
 * }</pre>
 */
public final class HeadsJson {
    private static final ObjectMapper MAPPER = new ObjectMapper()
            .registerModule(new SimpleModule("icl-heads")
                    .addSerializer(HeadId.class, new JsonSerializer<>() {
                        @Override
                        public void serialize(HeadId h, JsonGenerator g, SerializerProvider p) throws IOException {
                            g.writeString(h.toString());
                        }
                    })
                    .addDeserializer(HeadId.class, new JsonDeserializer<>() {
                        @Override
                        public HeadId deserialize(JsonParser p, DeserializationContext c) throws IOException {
                            return HeadId.parse(p.getValueAsString());
                        }
                    }))
            .enable(SerializationFeature.INDENT_OUTPUT)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private HeadsJson() {
    }

    /** The shared mapper (configured as described above); do not reconfigure it. */
    public static ObjectMapper mapper() {
        return MAPPER;
    }

    /** A result as indented JSON. */
    public static String write(Object result) {
        try {
            return MAPPER.writeValueAsString(result);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write " + result.getClass().getSimpleName() + " as JSON: "
                    + e.getOriginalMessage(), e);
        }
    }

    /**
     * Reads a result written by {@link #write(Object)}.
     *
     * @throws IllegalArgumentException when the text is not JSON of that type
     */
    public static <T> T read(String json, Class<T> type) {
        try {
            return MAPPER.readValue(json, type);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not a " + type.getSimpleName() + " in JSON: " + e.getOriginalMessage(),
                    e);
        }
    }

    /**
     * Writes text to {@code file} atomically: into a temporary file in the same folder, then moved over the target,
     * so a reader never sees half a file.
     */
    public static void writeAtomically(Path file, String text) {
        io.github.icl4j.runtime.AtomicFiles.writeString(file, text);
    }

    /**
     * Writes a {@link LabelGroup} as its heads' name, {@code "foo heads"}; with {@link GroupAsHeadsReader} on a
     * component: {@code @JsonSerialize(using = GroupAsHeads.class) @JsonDeserialize(using = GroupAsHeadsReader.class)}.
     */
    public static final class GroupAsHeads extends GroupWriter {
        /** The serializer. */
        public GroupAsHeads() {
            super(" heads");
        }
    }

    /** Reads what {@link GroupAsHeads} writes. */
    public static final class GroupAsHeadsReader extends GroupReader {
        /** The deserializer. */
        public GroupAsHeadsReader() {
            super(" heads");
        }
    }

    /** Writes a {@link LabelGroup} as its positions' name, {@code "foo positions"}. */
    public static final class GroupAsPositions extends GroupWriter {
        /** The serializer. */
        public GroupAsPositions() {
            super(" positions");
        }
    }

    /** Reads what {@link GroupAsPositions} writes. */
    public static final class GroupAsPositionsReader extends GroupReader {
        /** The deserializer. */
        public GroupAsPositionsReader() {
            super(" positions");
        }
    }

    /**
     * Writes a {@link LabelGroup} that may be absent as {@code "foo"}, {@code "bar"} or {@code ""} (use it as
     * {@code nullsUsing} too).
     */
    public static final class GroupOrEmpty extends GroupWriter {
        /** The serializer. */
        public GroupOrEmpty() {
            super("");
        }
    }

    /** Reads what {@link GroupOrEmpty} writes: {@code ""} is no group (null). */
    public static final class GroupOrEmptyReader extends GroupReader {
        /** The deserializer. */
        public GroupOrEmptyReader() {
            super("");
        }
    }

    /** A group as its key followed by a suffix; null as {@code ""}. */
    abstract static class GroupWriter extends StdSerializer<LabelGroup> {
        private final String suffix;

        GroupWriter(String suffix) {
            super(LabelGroup.class);
            this.suffix = suffix;
        }

        @Override
        public void serialize(LabelGroup group, JsonGenerator g, SerializerProvider p) throws IOException {
            g.writeString(group == null ? "" : group.key() + suffix);
        }
    }

    /** Reads a group written by {@link GroupWriter} with the same suffix; {@code ""} is null. */
    abstract static class GroupReader extends StdDeserializer<LabelGroup> {
        private final String suffix;

        GroupReader(String suffix) {
            super(LabelGroup.class);
            this.suffix = suffix;
        }

        @Override
        public LabelGroup deserialize(JsonParser p, DeserializationContext c) throws IOException {
            String s = p.getValueAsString();
            if (s == null || s.isEmpty()) {
                return null;
            }
            for (LabelGroup group : LabelGroup.values()) {
                if (s.equals(group.key() + suffix)) {
                    return group;
                }
            }
            return (LabelGroup) c.handleWeirdStringValue(LabelGroup.class, s, "not a label group; expected 'foo%s' "
                    + "or 'bar%s'", suffix, suffix);
        }
    }
}
