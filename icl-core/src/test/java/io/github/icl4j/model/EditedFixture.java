package io.github.icl4j.model;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.icl4j.testing.TestData;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;

/** A parity fixture copied to a folder with its {@code config.json} edited (or replaced as text). */
final class EditedFixture {
    private static final ObjectMapper JSON = new ObjectMapper();

    private EditedFixture() {
    }

    /** Copies {@code parity/<family>} into {@code dir} and applies {@code edit} to its config. */
    static Path of(String family, Path dir, Consumer<ObjectNode> edit) {
        Path src = TestData.resource("parity/" + family);
        try {
            Path out = Files.createDirectories(dir.resolve(family));
            for (String f : new String[] {"model.safetensors", "tokenizer.json", "reference.safetensors", "meta.json"}) {
                Files.copy(src.resolve(f), out.resolve(f), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
            ObjectNode cfg = (ObjectNode) JSON.readTree(src.resolve("config.json").toFile());
            edit.accept(cfg);
            Files.writeString(out.resolve("config.json"), JSON.writeValueAsString(cfg));
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** As {@link #of}, then replaces {@code "key": old} with raw JSON text (NaN and Infinity literals). */
    static Path withRaw(String family, Path dir, String jsonKey, String oldValue, String rawValue) {
        Path out = of(family, dir, c -> { });
        try {
            Path cfg = out.resolve("config.json");
            String text = Files.readString(cfg);
            String from = "\"" + jsonKey + "\":" + oldValue;
            if (!text.contains(from)) {
                throw new IllegalStateException(from + " not in " + text);
            }
            Files.writeString(cfg, text.replace(from, "\"" + jsonKey + "\":" + rawValue));
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
