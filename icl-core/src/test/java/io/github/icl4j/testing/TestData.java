package io.github.icl4j.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;

/** Locations of shared data and test fixtures; tests that need absent data are skipped with a message. */
public final class TestData {
    private TestData() {
    }

    /** {@code -Dicl.data.dir}, else {@code ICL_DATA_DIR}, else {@code ../shared/data}. */
    public static Path dataDir() {
        String p = System.getProperty("icl.data.dir");
        if (p == null || p.isBlank()) {
            p = System.getenv("ICL_DATA_DIR");
        }
        return Path.of(p == null || p.isBlank() ? "../shared/data" : p).toAbsolutePath().normalize();
    }

    /** A file under the shared data directory; skips the test when it is absent. */
    public static Path requireData(String relative) {
        Path f = dataDir().resolve(relative);
        assumeTrue(Files.exists(f), "shared data " + f + " is absent (set -Dicl.data.dir); skipping");
        return f;
    }

    /** The real GPT-2 tokenizer.json from the shared data; skips when absent. */
    public static Path gpt2Tokenizer() {
        return requireData("tokenizers/gpt2/tokenizer.json");
    }

    /** A test resource folder or file as a path. */
    public static Path resource(String name) {
        var url = TestData.class.getClassLoader().getResource(name);
        if (url == null) {
            throw new IllegalStateException("test resource " + name + " is missing");
        }
        try {
            return Path.of(url.toURI());
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** True when a test resource exists. */
    public static boolean hasResource(String name) {
        return TestData.class.getClassLoader().getResource(name) != null && Files.exists(resource(name));
    }
}
