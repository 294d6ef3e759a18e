package io.github.icl4j.fuzz;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.github.icl4j.Model;
import io.github.icl4j.TokenBatch;
import io.github.icl4j.checkpoint.InvalidCheckpointException;
import io.github.icl4j.testing.TestData;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A small fuzz corpus over whole-model loads (issue 14, item 9): random header corruptions and truncations of a
 * safetensors checkpoint and a GGUF file either load or fail with an {@link InvalidCheckpointException} that names the
 * file; never another exception type ({@code long overflow}, index errors, out-of-memory) and never a crash.
 * Seeded, so a failure reproduces.
 */
class CorruptWeightFilesTest {
    private static final int CASES = 100;

    @TempDir
    Path tmp;

    /** Flips, overwrites or truncates bytes of {@code original} within its first {@code span} bytes. */
    private static byte[] mutate(byte[] original, int span, Random r) {
        byte[] b = original.clone();
        switch (r.nextInt(4)) {
            case 0 -> { // flip a few bits in the header
                for (int k = 0; k < 1 + r.nextInt(4); k++) {
                    int at = r.nextInt(Math.min(span, b.length));
                    b[at] ^= (byte) (1 << r.nextInt(8));
                }
            }
            case 1 -> { // a digit of the JSON header becomes a large one
                for (int k = 0; k < 3; k++) {
                    int at = 8 + r.nextInt(Math.max(1, Math.min(span, b.length) - 8));
                    if (Character.isDigit(b[at])) {
                        b[at] = '9';
                    }
                }
            }
            case 2 -> b = Arrays.copyOf(b, r.nextInt(b.length)); // truncated
            default -> { // a little-endian 64-bit field set to a huge value
                int at = r.nextInt(Math.max(1, Math.min(span, b.length) - 8));
                ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putLong(at, r.nextBoolean() ? Long.MAX_VALUE
                        : (1L << 31) - 1);
            }
        }
        return b;
    }

    private static void loadOrRefuse(Path toLoad, Path named) {
        try (Model m = Model.load(toLoad)) {
            float[] logits = m.lastLogits(TokenBatch.of(new long[] {1, 2, 3}))[0];
            assertThat(logits).isNotEmpty();
        } catch (InvalidCheckpointException e) {
            assertThat(e.getMessage()).contains(named.toString());
        } catch (IllegalArgumentException e) {
            // a config value made invalid (GGUF metadata): must still name the file
            assertThat(e.getMessage()).contains(named.toString());
        } catch (RuntimeException | Error e) {
            fail("loading " + named + " escaped as " + e, e);
        }
    }

    @Test
    void corruptSafetensorsHeadersAreRefusedNamingTheFile() throws IOException {
        Path src = TestData.resource("parity/llama");
        byte[] weights = Files.readAllBytes(src.resolve("model.safetensors"));
        long headerLen = ByteBuffer.wrap(weights).order(ByteOrder.LITTLE_ENDIAN).getLong();
        Random r = new Random(14);
        Path dir = tmp.resolve("m");
        Files.createDirectories(dir);
        Files.copy(src.resolve("config.json"), dir.resolve("config.json"));
        for (int i = 0; i < CASES; i++) {
            Path file = dir.resolve("model.safetensors");
            Files.write(file, mutate(weights, (int) (8 + headerLen), r));
            loadOrRefuse(dir, file);
        }
    }

    @Test
    void corruptGgufFilesAreRefusedNamingTheFile() throws IOException {
        byte[] gguf = Files.readAllBytes(TestData.resource("gguf/tiny_llama/model-f32.gguf"));
        Random r = new Random(41);
        for (int i = 0; i < CASES; i++) {
            Path file = tmp.resolve("case" + i + ".gguf");
            Files.write(file, mutate(gguf, 4096, r));
            loadOrRefuse(file, file);
        }
    }
}
