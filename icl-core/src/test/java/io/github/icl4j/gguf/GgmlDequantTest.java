package io.github.icl4j.gguf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.icl4j.DType;
import io.github.icl4j.DeviceSpec;
import io.github.icl4j.checkpoint.SafetensorsFile;
import io.github.icl4j.runtime.Tensors;
import io.github.icl4j.testing.TestData;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Dequantisation checked element for element against gguf-py ({@code gguf.quants.dequantize}); fixtures from
 * tools/gguf/make_gguf_fixtures.py: random valid blocks of every type, and gguf-py-quantised random floats.
 */
class GgmlDequantTest {
    private static final Path DIR = TestData.resource("gguf/dequant");

    /** Bit-for-bit equality, except that any NaN equals any NaN (NaN payloads may be quietened). */
    private static void assertSameFloats(String what, float[] actual, float[] expected) {
        assertThat(actual).as(what + " length").hasSize(expected.length);
        List<String> bad = new ArrayList<>();
        for (int i = 0; i < expected.length && bad.size() < 5; i++) {
            boolean same = Float.isNaN(expected[i]) ? Float.isNaN(actual[i])
                    : Float.floatToRawIntBits(actual[i]) == Float.floatToRawIntBits(expected[i]);
            if (!same) {
                bad.add("[" + i + "] " + actual[i] + " != " + expected[i]);
            }
        }
        assertThat(bad).as(what + " mismatches").isEmpty();
    }

    @ParameterizedTest
    @EnumSource(value = GgmlType.class, names = {"F32", "F16", "BF16", "F64", "Q4_0", "Q4_1", "Q5_0", "Q5_1", "Q8_0",
        "Q2_K", "Q3_K", "Q4_K", "Q5_K", "Q6_K"})
    void matchesGgufPyBitForBit(GgmlType type) {
        try (GgufFile f = GgufFile.open(DIR.resolve(type.name() + ".gguf"));
                SafetensorsFile ref = SafetensorsFile.open(DIR.resolve("reference.safetensors"));
                PointerScope scope = new PointerScope()) {
            assertThat(f.tensorNames()).contains("raw");
            for (String name : f.tensorNames()) {
                GgufTensorInfo info = f.tensor(name);
                assertThat(info.type()).isEqualTo(type);
                Tensor expectedT = ref.loadStored(type.name() + "." + name);
                float[] expected = Tensors.toFloats(expectedT);
                assertThat(info.shape()).as(type + "." + name + " shape").containsExactly(Tensors.shape(expectedT));

                assertSameFloats(type + "." + name + " dequantize()", f.dequantize(name), expected);
                Tensor fp32 = f.load(name, DType.FP32, DeviceSpec.CPU);
                assertThat(Tensors.shape(fp32)).containsExactly(info.shape());
                assertSameFloats(type + "." + name + " load(fp32)", Tensors.toFloats(fp32), expected);

                // the public block API on the raw bytes
                ByteBuffer raw = f.tensorData(name);
                byte[] bytes = new byte[raw.remaining()];
                raw.get(bytes);
                float[] out = new float[expected.length];
                type.dequantize(bytes, 0, out, 0, bytes.length / type.typeSize());
                assertSameFloats(type + "." + name + " GgmlType.dequantize", out, expected);

                // other dtypes: dequantised to float32 first, then rounded by LibTorch
                for (DType d : new DType[] {DType.BF16, DType.FP16}) {
                    Tensor got = f.load(name, d, DeviceSpec.CPU);
                    assertThat(got.scalar_type().intern()).isEqualTo(d.scalarType());
                    assertSameFloats(type + "." + name + " load(" + d + ")", Tensors.toFloats(got),
                            Tensors.toFloats(Tensors.to(expectedT, DeviceSpec.CPU, d)));
                }
            }
        }
    }

    @Test
    void smallChunksAndSeveralMappingsPerTensorGiveTheSameValues() {
        int chunk = GgufTensorData.chunkElements;
        long map = GgufTensorData.maxMapping;
        try (SafetensorsFile ref = SafetensorsFile.open(DIR.resolve("reference.safetensors"));
                PointerScope scope = new PointerScope()) {
            GgufTensorData.chunkElements = 64;
            GgufTensorData.maxMapping = 300;
            for (GgmlType type : new GgmlType[] {GgmlType.F32, GgmlType.Q4_1, GgmlType.Q8_0, GgmlType.Q4_K,
                GgmlType.Q6_K}) {
                try (GgufFile f = GgufFile.open(DIR.resolve(type.name() + ".gguf"))) {
                    float[] expected = Tensors.toFloats(ref.loadStored(type.name() + ".raw"));
                    assertSameFloats(type + " chunked", f.dequantize("raw"), expected);
                    assertSameFloats(type + " chunked load", Tensors.toFloats(f.load("raw", DType.FP32,
                            DeviceSpec.CPU)), expected);
                }
            }
        } finally {
            GgufTensorData.chunkElements = chunk;
            GgufTensorData.maxMapping = map;
        }
    }

    @Test
    void blockGeometry() {
        assertThat(GgmlType.Q4_K.blockSize()).isEqualTo(256);
        assertThat(GgmlType.Q4_K.typeSize()).isEqualTo(144);
        assertThat(GgmlType.Q4_1.bytesFor(64)).isEqualTo(40);
        assertThat(GgmlType.byId(14)).contains(GgmlType.Q6_K);
        assertThat(GgmlType.byId(4)).isEmpty();
        assertThat(GgmlType.byId(-1)).isEmpty();
        assertThat(GgmlType.dequantizable()).contains(GgmlType.F32, GgmlType.Q4_1, GgmlType.Q6_K)
                .doesNotContain(GgmlType.IQ2_XXS);
        assertThatThrownBy(() -> GgmlType.Q4_0.bytesFor(33)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("33");
        assertThatThrownBy(() -> GgmlType.IQ4_NL.dequantize(new byte[18], 0, new float[32], 0, 1))
                .isInstanceOf(UnsupportedOperationException.class).hasMessageContaining("IQ4_NL");
        assertThatThrownBy(() -> GgmlType.Q8_0.dequantize(new byte[34], 0, new float[31], 0, 1))
                .isInstanceOf(IndexOutOfBoundsException.class);
    }

    @Test
    void halfPrecisionSpecialValues() {
        assertThat(Dequant.halfToFloat(0x3C00)).isEqualTo(1f);
        assertThat(Dequant.halfToFloat(0xC000)).isEqualTo(-2f);
        assertThat(Dequant.halfToFloat(0x7BFF)).isEqualTo(65504f);
        assertThat(Dequant.halfToFloat(0x0001)).isEqualTo(0x1p-24f);
        assertThat(Dequant.halfToFloat(0x03FF)).isEqualTo(1023 * 0x1p-24f);
        assertThat(Float.floatToRawIntBits(Dequant.halfToFloat(0x8000))).isEqualTo(0x80000000);
        assertThat(Dequant.halfToFloat(0x7C00)).isEqualTo(Float.POSITIVE_INFINITY);
        assertThat(Dequant.halfToFloat(0xFC00)).isEqualTo(Float.NEGATIVE_INFINITY);
        assertThat(Dequant.halfToFloat(0x7E00)).isNaN();
    }
}
