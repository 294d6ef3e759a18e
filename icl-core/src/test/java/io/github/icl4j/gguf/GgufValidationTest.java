package io.github.icl4j.gguf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.icl4j.checkpoint.InvalidCheckpointException;
import io.github.icl4j.testing.TestData;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every kind of bad GGUF input gives an {@link InvalidCheckpointException} whose message names the file and the
 * bad value, before anything large is allocated or mapped.
 */
class GgufValidationTest {
    @TempDir
    Path dir;

    private static void assertInvalid(Path file, String... fragments) {
        assertThatThrownBy(() -> {
            try (GgufFile f = GgufFile.open(file)) {
                f.tensors();
            }
        }).isInstanceOf(InvalidCheckpointException.class)
                .hasMessageContaining(file.toString())
                .satisfies(e -> {
                    for (String f : fragments) {
                        assertThat(e.getMessage()).contains(f);
                    }
                });
    }

    private Path write(String name, byte[] bytes) throws IOException {
        return Files.write(dir.resolve(name), bytes);
    }

    /** A valid file: one F32 tensor [4] named w. */
    private static GgufBytes valid() {
        return GgufBytes.header(1, 1).kvString("general.architecture", "test")
                .tensor("w", GgmlType.F32, 0, 4).align(32).f32s(1, 2, 3, 4);
    }

    @Test
    void theValidBaseOpens() {
        try (GgufFile f = GgufFile.open(valid().write(dir, "ok.gguf"))) {
            assertThat(f.dequantize("w")).containsExactly(1, 2, 3, 4);
        }
    }

    @Test
    void missingFile() {
        assertInvalid(dir.resolve("absent.gguf"), "no such file");
    }

    @Test
    void emptyAndTinyFilesAreTruncated() throws IOException {
        assertInvalid(write("empty.gguf", new byte[0]), "truncated", "0 bytes");
        assertInvalid(write("three.gguf", "GGU".getBytes(StandardCharsets.US_ASCII)), "truncated", "3 bytes");
        assertInvalid(write("eight.gguf", Arrays.copyOf(valid().bytes(), 8)), "truncated", "tensor count");
    }

    @Test
    void badMagic() {
        byte[] b = valid().bytes();
        b[0] = 'G';
        b[1] = 'G';
        b[2] = 'M';
        b[3] = 'L';
        assertInvalid(GgufBytesFile.of(dir, "magic.gguf", b), "not a GGUF file", "'GGML'", "0x4D");
    }

    @Test
    void unsupportedVersions() {
        for (int v : new int[] {1, 4, 0x7FFFFFFF}) {
            byte[] b = valid().bytes();
            b[4] = (byte) v;
            b[5] = (byte) (v >>> 8);
            b[6] = (byte) (v >>> 16);
            b[7] = (byte) (v >>> 24);
            assertInvalid(GgufBytesFile.of(dir, "v" + v + ".gguf", b), "GGUF version " + v, "expected 2 or 3");
        }
        byte[] big = valid().bytes();
        big[4] = 0;
        big[7] = 3;
        assertInvalid(GgufBytesFile.of(dir, "big.gguf", big), "big-endian");
    }

    @Test
    void versionTwoIsRead() {
        byte[] b = valid().bytes();
        b[4] = 2;
        try (GgufFile f = GgufFile.open(GgufBytesFile.of(dir, "v2.gguf", b))) {
            assertThat(f.version()).isEqualTo(2);
            assertThat(f.dequantize("w")).containsExactly(1, 2, 3, 4);
        }
    }

    @Test
    void absurdCountsAreRefusedBeforeAllocating() {
        assertInvalid(GgufBytes.header(1L << 40, 0).zeros(64).write(dir, "tc.gguf"), "tensor count 1099511627776");
        assertInvalid(GgufBytes.header(-1, 0).zeros(64).write(dir, "tcneg.gguf"),
                "tensor count 18446744073709551615");
        assertInvalid(GgufBytes.header(0, 1_000_000).zeros(64).write(dir, "kv.gguf"),
                "metadata key/value count 1000000");
        assertInvalid(GgufBytes.header(0, Long.MIN_VALUE).zeros(64).write(dir, "kvneg.gguf"),
                "metadata key/value count 9223372036854775808");
    }

    @Test
    void stringLengthPastTheEndOfTheFile() {
        assertInvalid(GgufBytes.header(0, 1).u64(1L << 50).zeros(32).write(dir, "key.gguf"),
                "key of metadata pair 0", "length 1125899906842624", "past the end");
        assertInvalid(GgufBytes.header(0, 1).str("k").u32(GgufValueType.STRING.id()).u64(-2).zeros(16)
                .write(dir, "val.gguf"), "value of key 'k'", "18446744073709551614");
        assertInvalid(GgufBytes.header(1, 0).u64(1000).raw("w".getBytes(StandardCharsets.US_ASCII)).zeros(40)
                .write(dir, "tname.gguf"), "name of tensor 0", "length 1000");
    }

    @Test
    void overlongKey() {
        String key = "k".repeat(70_000);
        assertInvalid(GgufBytes.header(0, 1).kvString(key, "v").write(dir, "longkey.gguf"), "70000",
                "more than the 65535 allowed");
    }

    @Test
    void unknownValueTypes() {
        assertInvalid(GgufBytes.header(0, 1).str("k").u32(13).u32(0).zeros(8).write(dir, "vt.gguf"),
                "metadata key 'k' has unknown value type 13");
        assertInvalid(GgufBytes.header(0, 1).str("arr").u32(GgufValueType.ARRAY.id()).u32(99).u64(1).zeros(8)
                .write(dir, "et.gguf"), "'arr' is an array of unknown value type 99");
    }

    @Test
    void absurdArrayLengths() {
        assertInvalid(GgufBytes.header(0, 1).str("arr").u32(GgufValueType.ARRAY.id()).u32(GgufValueType.INT32.id())
                .u64(1L << 40).zeros(64).write(dir, "arr.gguf"), "'arr' is an array of 1099511627776 INT32");
        assertInvalid(GgufBytes.header(0, 1).str("strs").u32(GgufValueType.ARRAY.id())
                .u32(GgufValueType.STRING.id()).u64(100).zeros(64).write(dir, "strs.gguf"),
                "'strs' is an array of 100 STRING");
        // a string element whose length runs past the end
        assertInvalid(GgufBytes.header(0, 1).str("toks").u32(GgufValueType.ARRAY.id())
                .u32(GgufValueType.STRING.id()).u64(2).str("a").u64(1L << 33).zeros(8).write(dir, "tok.gguf"),
                "string 1 of array 'toks'", "8589934592");
    }

    @Test
    void deeplyNestedArrays() {
        GgufBytes b = GgufBytes.header(0, 1).str("deep").u32(GgufValueType.ARRAY.id());
        for (int i = 0; i < 10; i++) {
            b.u32(GgufValueType.ARRAY.id()).u64(1);
        }
        b.u32(GgufValueType.INT32.id()).u64(1).u32(7);
        assertInvalid(b.write(dir, "deep.gguf"), "'deep", "nests arrays more than 8 deep");
    }

    @Test
    void badBooleans() {
        assertInvalid(GgufBytes.header(0, 1).str("b").u32(GgufValueType.BOOL.id()).u8(2).write(dir, "bool.gguf"),
                "'b' is BOOL but holds byte 2");
    }

    @Test
    void duplicateKeysAndTensors() {
        assertInvalid(GgufBytes.header(0, 2).kvString("a", "x").kvString("a", "y").write(dir, "dupkey.gguf"),
                "metadata key 'a' appears twice");
        assertInvalid(GgufBytes.header(2, 0).tensor("w", GgmlType.F32, 0, 4).tensor("w", GgmlType.F32, 32, 4)
                .align(32).zeros(64).write(dir, "duptensor.gguf"), "tensor name 'w' appears twice");
    }

    @Test
    void badAlignment() {
        assertInvalid(GgufBytes.header(0, 1).kvU32("general.alignment", 48).write(dir, "align48.gguf"),
                "general.alignment", "48", "power of two");
        assertInvalid(GgufBytes.header(0, 1).kvU32("general.alignment", 0).write(dir, "align0.gguf"),
                "general.alignment", "UINT32 0");
        assertInvalid(GgufBytes.header(0, 1).kvString("general.alignment", "32").write(dir, "alignstr.gguf"),
                "general.alignment is STRING 32");
    }

    @Test
    void unknownGgmlType() {
        assertInvalid(GgufBytes.header(1, 0).str("w").u32(1).u64(4).u32(99).u64(0).align(32).zeros(32)
                .write(dir, "t99.gguf"), "tensor 'w' has unknown ggml type 99");
        assertInvalid(GgufBytes.header(1, 0).str("old").u32(1).u64(32).u32(4).u64(0).align(32).zeros(64)
                .write(dir, "t4.gguf"), "tensor 'old' has unknown ggml type 4");
    }

    @Test
    void badShapes() {
        assertInvalid(GgufBytes.header(1, 0).tensor("five", GgmlType.F32, 0, 1, 1, 1, 1, 1).align(32).zeros(32)
                .write(dir, "dims.gguf"), "tensor 'five' has 5 dimensions");
        assertInvalid(GgufBytes.header(1, 0).tensor("q", GgmlType.Q4_0, 0, 33, 2).align(32).zeros(64)
                .write(dir, "row.gguf"), "tensor 'q'", "row length (dimension 0) 33", "block size 32");
        assertInvalid(GgufBytes.header(1, 0).tensor("huge", GgmlType.F32, 0, 1L << 40, 1L << 40).align(32).zeros(32)
                .write(dir, "overflow.gguf"), "tensor 'huge'", "overflow");
        assertInvalid(GgufBytes.header(1, 0).tensor("neg", GgmlType.F32, 0, -1).align(32).zeros(32)
                .write(dir, "negdim.gguf"), "tensor 'neg'", "18446744073709551615");
    }

    @Test
    void tensorDataPastTheEndOfTheFile() {
        assertInvalid(GgufBytes.header(1, 0).tensor("w", GgmlType.F32, 0, 100).align(32).f32s(1, 2, 3)
                .write(dir, "short.gguf"), "tensor 'w' data [0, 400)", "runs past the end", "holds 12 bytes");
        assertInvalid(GgufBytes.header(1, 0).tensor("far", GgmlType.F32, 1L << 40, 4).align(32).f32s(1, 2, 3, 4)
                .write(dir, "far.gguf"), "tensor 'far' data [1099511627776, ");
        assertInvalid(GgufBytes.header(1, 0).tensor("w", GgmlType.F32, 0, 4).write(dir, "nodata.gguf"),
                "truncated", "data section would start");
    }

    @Test
    void misalignedOffset() {
        assertInvalid(GgufBytes.header(2, 0).tensor("a", GgmlType.F32, 0, 1).tensor("b", GgmlType.F32, 4, 1)
                .align(32).zeros(64).write(dir, "misaligned.gguf"), "tensor 'b'", "data offset 4", "alignment 32");
    }

    @Test
    void overlappingTensors() {
        assertInvalid(GgufBytes.header(2, 0).tensor("a", GgmlType.F32, 0, 16).tensor("b", GgmlType.F32, 32, 16)
                .align(32).zeros(128).write(dir, "overlap.gguf"), "tensors 'a' [0, 64) and 'b' [32, 96) overlap");
    }

    @Test
    void truncatedInsideTensorInfos() {
        assertInvalid(GgufBytes.header(1, 0).str("w").u32(2).u64(4).zeros(12).write(dir, "ti.gguf"), "truncated",
                "of tensor 'w'");
    }

    @Test
    void everyTruncationOfARealFileIsAClearError() throws IOException {
        byte[] full = Files.readAllBytes(TestData.resource("gguf/metadata.gguf"));
        long dataOffset;
        long dataEnd = 0;
        try (GgufFile f = GgufFile.open(TestData.resource("gguf/metadata.gguf"))) {
            dataOffset = f.dataOffset();
            for (GgufTensorInfo t : f.tensors()) {
                dataEnd = Math.max(dataEnd, dataOffset + t.offset() + t.byteSize());
            }
        }
        assertThat(dataEnd).isLessThan(full.length); // the rest is the final padding: cutting it is harmless
        Path p = dir.resolve("cut.gguf");
        for (int n = 0; n < dataEnd; n += (n < dataOffset ? 1 : 3)) {
            Files.write(p, Arrays.copyOf(full, n));
            final int len = n;
            assertThatThrownBy(() -> GgufFile.open(p).close()).as("cut at %d", len)
                    .isInstanceOf(InvalidCheckpointException.class).hasMessageContaining(p.toString());
        }
    }

    @Test
    void randomCorruptionNeverEscapesAsAnotherException() throws IOException {
        byte[] full = Files.readAllBytes(TestData.resource("gguf/tokenizer/bpe_gpt-2.gguf"));
        Random rnd = new Random(42);
        Path p = dir.resolve("fuzz.gguf");
        for (int i = 0; i < 300; i++) {
            byte[] b = full.clone();
            int flips = 1 + rnd.nextInt(4);
            for (int k = 0; k < flips; k++) {
                int at = rnd.nextInt(Math.min(b.length, 4096));
                b[at] = (byte) rnd.nextInt(256);
            }
            Files.write(p, b);
            try (GgufFile f = GgufFile.open(p)) {
                assertThat(f.metadata()).isNotNull();
            } catch (InvalidCheckpointException e) {
                assertThat(e.getMessage()).contains(p.toString());
            }
        }
    }

    @Test
    void missingOrMistypedMetadataKeys() {
        Path file = TestData.resource("gguf/metadata.gguf");
        try (GgufFile f = GgufFile.open(file)) {
            assertThatThrownBy(() -> f.getString("nope")).isInstanceOf(InvalidCheckpointException.class)
                    .hasMessageContaining(file.toString()).hasMessageContaining("metadata key 'nope' is missing");
            assertThatThrownBy(() -> f.getInt("test.str")).isInstanceOf(InvalidCheckpointException.class)
                    .hasMessageContaining(file.toString())
                    .hasMessageContaining("'test.str' is STRING ('h\u00e9llo").hasMessageContaining("expected an integer");
            assertThatThrownBy(() -> f.getString("test.u8")).isInstanceOf(InvalidCheckpointException.class)
                    .hasMessageContaining("'test.u8' is UINT8 (200), expected STRING");
            assertThatThrownBy(() -> f.getInt("test.u32")).isInstanceOf(InvalidCheckpointException.class)
                    .hasMessageContaining("'test.u32' is UINT32 (4000000000), expected an integer that fits 32 bits");
            assertThatThrownBy(() -> f.getLong("test.u64_huge")).isInstanceOf(InvalidCheckpointException.class)
                    .hasMessageContaining("'test.u64_huge' is UINT64 9223372036854775813");
            assertThatThrownBy(() -> f.getBoolean("test.f32")).isInstanceOf(InvalidCheckpointException.class)
                    .hasMessageContaining("'test.f32' is FLOAT32 (1.5), expected BOOL");
            assertThatThrownBy(() -> f.getStringArray("test.arr_i32")).isInstanceOf(InvalidCheckpointException.class)
                    .hasMessageContaining("'test.arr_i32' is ARRAY").hasMessageContaining("expected an array of STRING");
            assertThatThrownBy(() -> f.getIntArray("test.arr_str")).isInstanceOf(InvalidCheckpointException.class)
                    .hasMessageContaining("expected an array of integers");
            assertThatThrownBy(() -> f.getIntArray("test.arr_u32")).isInstanceOf(InvalidCheckpointException.class)
                    .hasMessageContaining("4000000000").hasMessageContaining("does not fit an int");
            assertThatThrownBy(() -> f.getFloat("test.true")).isInstanceOf(InvalidCheckpointException.class)
                    .hasMessageContaining("expected a number");
            assertThatThrownBy(() -> f.tensor("nope")).isInstanceOf(InvalidCheckpointException.class)
                    .hasMessageContaining(file.toString()).hasMessageContaining("no tensor named 'nope'");
        }
    }

    @Test
    void typesWithoutAKernelFailOnLoadNotOnOpen() {
        Path p = GgufBytes.header(1, 0).tensor("iq", GgmlType.IQ2_XXS, 0, 256).align(32).zeros(66)
                .write(dir, "iq.gguf");
        try (GgufFile f = GgufFile.open(p)) {
            assertThat(f.tensor("iq").byteSize()).isEqualTo(66);
            assertThatThrownBy(() -> f.dequantize("iq")).isInstanceOf(InvalidCheckpointException.class)
                    .hasMessageContaining(p.toString()).hasMessageContaining("tensor 'iq'")
                    .hasMessageContaining("IQ2_XXS, which cannot be dequantised yet");
        }
    }
}
