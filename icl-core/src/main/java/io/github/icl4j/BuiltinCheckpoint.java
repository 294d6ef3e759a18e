package io.github.icl4j;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The built-in model's files on the class path and the one way they are loaded: copied to a private temporary
 * folder (the checkpoint readers work on files), loaded, and the folder deleted before {@link Model#builtin} returns.
 * Loaded weights do not need the files: a memory-mapped tensor keeps its mapping after the file is unlinked.
 */
final class BuiltinCheckpoint {
    private static final Logger LOG = LoggerFactory.getLogger(BuiltinCheckpoint.class);
    /** What {@link Model#source()} says for the built-in model (never the temporary folder). */
    static final String SOURCE = "built-in model (icl-core)";
    /** Prefix of the temporary folder's name; the tests look for leftovers by it. */
    static final String TEMP_PREFIX = "icl4j-builtin";
    /** The files a load needs (the card and the task options ship beside them). */
    static final List<String> FILES = List.of("config.json", "model.safetensors", "tokenizer.json");

    private BuiltinCheckpoint() {
    }

    static boolean available() {
        return FILES.stream().allMatch(f -> BuiltinCheckpoint.class.getResource(Model.BUILTIN_RESOURCES + f) != null);
    }

    static Model load(Function<Path, Model> loader) {
        Path dir;
        try {
            dir = Files.createTempDirectory(TEMP_PREFIX);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temporary folder for the built-in model in "
                    + System.getProperty("java.io.tmpdir"), e);
        }
        try {
            for (String f : FILES) {
                try (InputStream in = BuiltinCheckpoint.class.getResourceAsStream(Model.BUILTIN_RESOURCES + f)) {
                    if (in == null) {
                        throw new IllegalStateException("built-in model file " + Model.BUILTIN_RESOURCES + f
                                + " is not on the class path (it ships in the icl-core jar)");
                    }
                    Files.copy(in, dir.resolve(f));
                }
            }
            return loader.apply(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot copy the built-in model to " + dir, e);
        } finally {
            delete(dir);
        }
    }

    /** Deletes the folder now; where the platform refuses (a mapped file on Windows), at JVM exit. */
    private static void delete(Path dir) {
        List<Path> left = new java.util.ArrayList<>();
        try (var files = Files.list(dir)) {
            files.filter(f -> !f.toFile().delete()).forEach(left::add);
        } catch (IOException e) {
            LOG.warn("cannot list {} to delete it: {}", dir, e.toString());
        }
        if (!dir.toFile().delete()) {
            LOG.debug("{} deleted at exit (a file in it is still in use)", dir);
            // deleteOnExit runs in reverse order of registration: the folder after its files
            dir.toFile().deleteOnExit();
            left.forEach(f -> f.toFile().deleteOnExit());
        }
    }
}
