package io.github.icl4j.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.icl4j.DType;
import io.github.icl4j.DeviceSpec;
import io.github.icl4j.runtime.Tensors;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafetensorsFileTest {
    @TempDir
    Path tmp;

    /** Writes a header (as given) followed by {@code dataBytes} zero bytes. */
    private Path raw(String header, int dataBytes) throws IOException {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + h.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(h.length).put(h);
        Path f = tmp.resolve("t.safetensors");
        Files.write(f, b.array());
        return f;
    }

    @Test
    void writeThenReadRoundTripsEveryValue() {
        Path f = tmp.resolve("rt.safetensors");
        try (PointerScope s = new PointerScope()) {
            Map<String, Tensor> m = new LinkedHashMap<>();
            m.put("a", Tensors.fromFloats(new float[] {1, 2, 3, 4, 5, 6}, 2, 3));
            m.put("b", Tensors.fromLongs(new long[] {7, 8}, 2));
            m.put("c", Tensors.fromFloats(new float[] {0.5f, -1.25f}, 2).to(DType.BF16.scalarType()));
            SafetensorsWriter.write(f, m, Map.of("format", "pt"));
            try (SafetensorsFile sf = SafetensorsFile.open(f)) {
                assertThat(sf.names()).containsExactlyInAnyOrder("a", "b", "c");
                assertThat(sf.info("a").shape()).containsExactly(2, 3);
                assertThat(sf.metadata()).containsEntry("format", "pt");
                assertThat(Tensors.toFloats(sf.load("a", DType.FP32, DeviceSpec.CPU))).containsExactly(1, 2, 3, 4, 5, 6);
                assertThat(Tensors.toLongs(sf.loadStored("b"))).containsExactly(7, 8);
                assertThat(Tensors.toFloats(sf.load("c", DType.FP32, DeviceSpec.CPU))).containsExactly(0.5f, -1.25f);
                // copy-on-write: an in-place op on a loaded tensor is safe and never reaches the file
                sf.load("a", DType.FP32, DeviceSpec.CPU).mul_(new Scalar(0.0));
                assertThat(Tensors.toFloats(sf.loadStored("a"))).containsExactly(1, 2, 3, 4, 5, 6);
            }
        }
        try (SafetensorsFile sf = SafetensorsFile.open(f)) {
            assertThat(sf.info("a").dtype()).isEqualTo("F32");
        }
    }

    @Test
    void noTemporaryFileIsLeftBehind() throws IOException {
        try (PointerScope s = new PointerScope()) {
            SafetensorsWriter.write(tmp.resolve("x.safetensors"), Map.of("a", Tensors.fromFloats(new float[] {1}, 1)),
                    Map.of());
        }
        try (var files = Files.list(tmp)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("x.safetensors");
        }
    }

    @Test
    void truncatedFile() throws IOException {
        Path f = tmp.resolve("short.safetensors");
        Files.write(f, new byte[] {1, 2, 3});
        assertThatThrownBy(() -> SafetensorsFile.open(f)).isInstanceOf(InvalidCheckpointException.class)
                .hasMessageContaining(f.toString()).hasMessageContaining("truncated");
    }

    @Test
    void headerLengthPastTheEnd() throws IOException {
        Path f = tmp.resolve("long.safetensors");
        ByteBuffer b = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(1000).putLong(0);
        Files.write(f, b.array());
        assertThatThrownBy(() -> SafetensorsFile.open(f)).isInstanceOf(InvalidCheckpointException.class)
                .hasMessageContaining("header length 1000").hasMessageContaining("past the end");
    }

    @Test
    void absurdHeaderLength() throws IOException {
        Path f = tmp.resolve("huge.safetensors");
        ByteBuffer b = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(-5).putLong(0);
        Files.write(f, b.array());
        assertThatThrownBy(() -> SafetensorsFile.open(f)).isInstanceOf(InvalidCheckpointException.class)
                .hasMessageContaining("out of range");
    }

    @Test
    void headerNotJson() throws IOException {
        Path f = raw("{not json", 0);
        assertThatThrownBy(() -> SafetensorsFile.open(f)).isInstanceOf(InvalidCheckpointException.class)
                .hasMessageContaining("not valid JSON").hasMessageContaining(f.toString());
    }

    @Test
    void offsetsOutsideTheData() throws IOException {
        Path f = raw("{\"w\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]}}", 8);
        assertThatThrownBy(() -> SafetensorsFile.open(f)).isInstanceOf(InvalidCheckpointException.class)
                .hasMessageContaining("'w'").hasMessageContaining("[0,16]").hasMessageContaining("[0, 8]");
    }

    @Test
    void overlappingTensors() throws IOException {
        Path f = raw("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}", 12);
        assertThatThrownBy(() -> SafetensorsFile.open(f)).isInstanceOf(InvalidCheckpointException.class)
                .hasMessageContaining("overlap").hasMessageContaining("'a'").hasMessageContaining("'b'");
    }

    @Test
    void shapeTimesDtypeDisagreesWithByteLength() throws IOException {
        Path f = raw("{\"w\":{\"dtype\":\"F16\",\"shape\":[3],\"data_offsets\":[0,8]}}", 8);
        assertThatThrownBy(() -> SafetensorsFile.open(f)).isInstanceOf(InvalidCheckpointException.class)
                .hasMessageContaining("8 bytes stored").hasMessageContaining("needs 6");
    }

    @Test
    void unknownDtype() throws IOException {
        Path f = raw("{\"w\":{\"dtype\":\"F8_E4M3\",\"shape\":[1],\"data_offsets\":[0,1]}}", 1);
        assertThatThrownBy(() -> SafetensorsFile.open(f)).isInstanceOf(InvalidCheckpointException.class)
                .hasMessageContaining("F8_E4M3");
    }

    @Test
    void missingTensorIsNamed() throws IOException {
        Path f = raw("{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", 4);
        try (SafetensorsFile sf = SafetensorsFile.open(f)) {
            assertThatThrownBy(() -> sf.info("nope")).isInstanceOf(InvalidCheckpointException.class)
                    .hasMessageContaining("'nope'");
        }
    }
}
