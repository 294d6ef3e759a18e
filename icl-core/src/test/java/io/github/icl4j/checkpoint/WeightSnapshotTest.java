package io.github.icl4j.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.icl4j.Model;
import io.github.icl4j.TokenBatch;
import io.github.icl4j.runtime.Tensors;
import io.github.icl4j.testing.TestData;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Map;
import org.bytedeco.javacpp.PointerScope;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A loaded model is a snapshot of its files (issue 14, items 3, 4 and 7): rewriting or truncating the weights after a
 * load changes nothing and never crashes; nothing stays mapped after close; hostile headers are refused before any
 * large allocation.
 */
class WeightSnapshotTest {
    @TempDir
    Path tmp;

    private Path copyOfLlama() throws IOException {
        Path src = TestData.resource("parity/llama");
        Path dir = tmp.resolve("llama");
        Files.createDirectories(dir);
        for (String f : List.of("config.json", "model.safetensors", "tokenizer.json")) {
            Files.copy(src.resolve(f), dir.resolve(f));
        }
        return dir;
    }

    private static long mappingsOf(Path file) throws IOException {
        String name = file.toAbsolutePath().toString();
        return Files.readAllLines(Path.of("/proc/self/maps")).stream().filter(l -> l.endsWith(name)).count();
    }

    @Test
    void rewritingOrTruncatingTheFileAfterALoadChangesNothing() throws IOException {
        Path dir = copyOfLlama();
        Path weights = dir.resolve("model.safetensors");
        TokenBatch batch = TokenBatch.of(new long[] {1, 5, 9, 20});
        try (Model m = Model.load(dir)) {
            float[] before = m.lastLogits(batch)[0];
            // rewrite every data byte in place (same size), then truncate to the header
            long size = Files.size(weights);
            try (RandomAccessFile f = new RandomAccessFile(weights.toFile(), "rw")) {
                f.seek(size / 2);
                f.write(new byte[(int) (size - size / 2)]);
                float[] rewritten = m.lastLogits(batch)[0];
                assertThat(rewritten).containsExactly(before);
                f.setLength(64);
            }
            float[] truncated = m.lastLogits(batch)[0]; // a live mapping would SIGBUS here
            assertThat(truncated).containsExactly(before);
        }
    }

    @Test
    void nothingOfTheFileStaysMappedAfterLoadAndClose() throws IOException {
        Path dir = copyOfLlama();
        Path weights = dir.resolve("model.safetensors");
        for (int i = 0; i < 15; i++) { // more loads than JavaCPP has callback slots (10)
            try (Model m = Model.load(dir)) {
                assertThat(m.lastLogits(TokenBatch.of(new long[] {1, 2}))[0]).doesNotContain(Float.NaN);
            }
        }
        assertThat(mappingsOf(weights)).isZero();
    }

    @Test
    void aFileChangedWhileOpenIsRefusedNamingIt() throws IOException {
        Path dir = copyOfLlama();
        Path weights = dir.resolve("model.safetensors");
        try (SafetensorsFile f = SafetensorsFile.open(weights); PointerScope s = new PointerScope()) {
            String first = f.names().iterator().next();
            assertThat(Tensors.shape(f.loadStored(first))).isEqualTo(f.info(first).shape());
            Files.write(weights, new byte[] {0}, java.nio.file.StandardOpenOption.APPEND);
            Files.setLastModifiedTime(weights, FileTime.fromMillis(System.currentTimeMillis() + 5_000));
            assertThatThrownBy(() -> f.loadStored(first)).isInstanceOf(InvalidCheckpointException.class)
                    .hasMessageContaining(weights.toString()).hasMessageContaining("changed while being loaded");
        }
    }

    @Test
    void aFileReplacedByRenameKeepsLoadingTheOpenedVersion() throws IOException {
        Path dir = copyOfLlama();
        Path weights = dir.resolve("model.safetensors");
        try (SafetensorsFile f = SafetensorsFile.open(weights); PointerScope s = new PointerScope()) {
            Path other = tmp.resolve("other");
            Files.write(other, new byte[] {1, 2, 3});
            Files.move(other, weights, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            String first = f.names().iterator().next();
            assertThat(Tensors.shape(f.loadStored(first))).isEqualTo(f.info(first).shape());
        }
    }

    private Path header(long declaredLength, String json) throws IOException {
        byte[] h = json.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + h.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(declaredLength).put(h);
        Path f = tmp.resolve("h.safetensors");
        Files.write(f, b.array());
        return f;
    }

    @Test
    void headersAboveTheReferenceLimitAreRefusedBeforeAllocating() throws IOException {
        Path f = header(100_000_001L, "{}");
        try (RandomAccessFile r = new RandomAccessFile(f.toFile(), "rw")) {
            r.setLength(100_000_100L); // sparse: the header length fits in the file
        }
        assertThatThrownBy(() -> SafetensorsFile.open(f)).isInstanceOf(InvalidCheckpointException.class)
                .hasMessageContaining(f.toString()).hasMessageContaining("header length 100000001")
                .hasMessageContaining("[2, 100000000]");
    }

    @Test
    void shapesWhoseSizeOverflowsAreRefusedNamingTheFile() throws IOException {
        String json = "{\"w\":{\"dtype\":\"F32\",\"shape\":[4611686018427387904,4],\"data_offsets\":[0,0]}}";
        Path f = header(json.length(), json);
        assertThatThrownBy(() -> SafetensorsFile.open(f)).isInstanceOf(InvalidCheckpointException.class)
                .hasMessageContaining(f.toString()).hasMessageContaining("tensor 'w'")
                .hasMessageContaining("more than 2^63");
        String bytes = "{\"w\":{\"dtype\":\"F32\",\"shape\":[2305843009213693952,2],\"data_offsets\":[0,0]}}";
        Path g = header(bytes.length(), bytes);
        assertThatThrownBy(() -> SafetensorsFile.open(g)).isInstanceOf(InvalidCheckpointException.class)
                .hasMessageContaining(g.toString()).hasMessageContaining("more than 2^63 bytes");
    }

    @Test
    void metadataOfTheWriterSurvives() throws IOException {
        Path f = tmp.resolve("m.safetensors");
        try (PointerScope s = new PointerScope()) {
            SafetensorsWriter.write(f, Map.of("a", Tensors.fromFloats(new float[] {1, 2}, 2)), Map.of("format", "pt"));
        }
        try (SafetensorsFile sf = SafetensorsFile.open(f)) {
            assertThat(sf.metadata()).containsEntry("format", "pt");
        }
    }
}
