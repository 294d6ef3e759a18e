package io.github.icl4j.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.icl4j.Model;
import io.github.icl4j.TokenBatch;
import io.github.icl4j.runtime.AtomicFiles;
import io.github.icl4j.runtime.Tensors;
import io.github.icl4j.testing.TestData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code Model.save} into a folder that already holds a checkpoint (issue 14, item 5) and the permissions and
 * durability of written files (item 10).
 */
class HfCheckpointWriterTest {
    @TempDir
    Path tmp;

    private static final TokenBatch BATCH = TokenBatch.of(new long[] {3, 1, 4, 1, 5});

    private static List<String> names(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    /** The llama test model without its tokenizer. */
    private Path tokenizerLessLlama() throws IOException {
        Path src = TestData.resource("parity/llama");
        Path dir = tmp.resolve("no-tok");
        Files.createDirectories(dir);
        Files.copy(src.resolve("config.json"), dir.resolve("config.json"));
        Files.copy(src.resolve("model.safetensors"), dir.resolve("model.safetensors"));
        return dir;
    }

    @Test
    void savingOverAShardedCheckpointLeavesExactlyTheNewSet() throws IOException {
        Path ckpt = tmp.resolve("ckpt");
        Files.createDirectories(ckpt);
        // a stale sharded checkpoint with its own tokenizer: the index would win over a new model.safetensors
        Files.writeString(ckpt.resolve("model.safetensors.index.json"),
                "{\"weight_map\":{\"x\":\"model-00001-of-00001.safetensors\"}}");
        Files.write(ckpt.resolve("model-00001-of-00001.safetensors"), new byte[16]);
        Files.writeString(ckpt.resolve("tokenizer.json"), "{}");
        Files.writeString(ckpt.resolve("generation_config.json"), "{}");
        Files.writeString(ckpt.resolve("README.md"), "notes");
        Files.write(ckpt.resolve(".model.safetensors.0123.tmp"), new byte[32]); // left by a killed writer
        try (Model m = Model.load(tokenizerLessLlama())) {
            float[] expected = m.lastLogits(BATCH)[0];
            m.save(ckpt);
            assertThat(names(ckpt)).containsExactly("README.md", "config.json", "model.safetensors");
            assertThat(Files.readString(ckpt.resolve("README.md"))).isEqualTo("notes");
            try (Model back = Model.load(ckpt)) {
                assertThat(back.hasTokenizer()).isFalse();
                assertThat(back.lastLogits(BATCH)[0]).containsExactly(expected);
            }
        }
        assertThat(names(tmp)).containsExactlyInAnyOrder("ckpt", "no-tok");
    }

    @Test
    void aKillBetweenTheRenamesIsRecoveredByTheNextSave() throws IOException {
        Path ckpt = tmp.resolve("ckpt");
        try (Model m = Model.load(TestData.resource("parity/llama"))) {
            m.save(ckpt);
            // simulate a kill after the old set was moved aside, before the new one was moved in
            Path aside = tmp.resolve(".ckpt.old-0123456789abcdef");
            Files.move(ckpt, aside);
            Path staging = tmp.resolve(".ckpt.saving-0123456789abcdef");
            Files.createDirectories(staging);
            Files.write(staging.resolve("model.safetensors"), new byte[100]); // half-written
            m.save(ckpt);
            assertThat(names(tmp)).containsExactly("ckpt");
            assertThat(names(ckpt)).containsExactly("config.json", "model.safetensors", "tokenizer.json");
            try (Model back = Model.load(ckpt)) {
                assertThat(back.lastLogits(BATCH)[0]).containsExactly(m.lastLogits(BATCH)[0]);
            }
        }
    }

    @Test
    void aFailedSaveLeavesTheOldSetAndNoTemporaries() throws IOException {
        Path ckpt = tmp.resolve("ckpt");
        try (Model m = Model.load(TestData.resource("parity/llama"))) {
            m.save(ckpt);
        }
        byte[] before = Files.readAllBytes(ckpt.resolve("model.safetensors"));
        try (PointerScope s = new PointerScope()) {
            var bad = torch.zeros(new long[] {2}, new TensorOptions(ScalarType.ComplexFloat));
            assertThatThrownBy(() -> HfCheckpointWriter.write(ckpt, Map.of("w", bad), Map.of(), "{}", null))
                    .isInstanceOf(IllegalArgumentException.class);
        }
        assertThat(names(tmp)).containsExactly("ckpt");
        assertThat(names(ckpt)).containsExactly("config.json", "model.safetensors", "tokenizer.json");
        assertThat(Files.readAllBytes(ckpt.resolve("model.safetensors"))).isEqualTo(before);
    }

    @Test
    void aFolderWithSubFoldersIsRefusedUntouched() throws IOException {
        Path home = tmp.resolve("home");
        Files.createDirectories(home.resolve("photos"));
        try (Model m = Model.load(TestData.resource("parity/llama"))) {
            assertThatThrownBy(() -> m.save(home)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining(home.toString()).hasMessageContaining("'photos'");
        }
        assertThat(names(home)).containsExactly("photos");
    }

    @Test
    void writtenFilesGetTheDefaultPermissionsNotOwnerOnly() throws IOException {
        Path reference = Files.createFile(tmp.resolve("reference"));
        var expected = Files.getPosixFilePermissions(reference);
        AtomicFiles.writeString(tmp.resolve("report.md"), "hello");
        try (PointerScope s = new PointerScope()) {
            SafetensorsWriter.write(tmp.resolve("w.safetensors"), Map.of("a", Tensors.fromFloats(new float[] {1}, 1)),
                    Map.of());
        }
        Path ckpt = tmp.resolve("ckpt");
        try (Model m = Model.load(TestData.resource("parity/llama"))) {
            m.save(ckpt);
        }
        for (Path p : List.of(tmp.resolve("report.md"), tmp.resolve("w.safetensors"), ckpt.resolve("config.json"),
                ckpt.resolve("model.safetensors"), ckpt.resolve("tokenizer.json"))) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(p))).as(p.toString())
                    .isEqualTo(PosixFilePermissions.toString(expected));
        }
        assertThat(names(tmp)).containsExactlyInAnyOrder("reference", "report.md", "w.safetensors", "ckpt");
    }
}
