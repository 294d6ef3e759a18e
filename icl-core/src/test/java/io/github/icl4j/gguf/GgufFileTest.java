package io.github.icl4j.gguf;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.icl4j.DType;
import io.github.icl4j.DeviceSpec;
import io.github.icl4j.runtime.Tensors;
import io.github.icl4j.testing.TestData;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.List;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.Test;

/** Reading metadata of every type and plain tensors from a file written by gguf-py's GGUFWriter. */
class GgufFileTest {
    private static final Path METADATA = TestData.resource("gguf/metadata.gguf");

    @Test
    void headerFacts() {
        try (GgufFile f = GgufFile.open(METADATA)) {
            assertThat(f.version()).isEqualTo(3);
            assertThat(f.alignment()).isEqualTo(64);
            assertThat(f.dataOffset() % 64).isZero();
            assertThat(f.architecture()).isEqualTo("test");
            assertThat(f.toString()).contains("v3").contains("2 tensors");
        }
    }

    @Test
    void scalarValuesOfEveryType() {
        try (GgufFile f = GgufFile.open(METADATA)) {
            assertThat(f.valueType("test.u8")).isEqualTo(GgufValueType.UINT8);
            assertThat(f.getInt("test.u8")).isEqualTo(200);
            assertThat(f.getInt("test.i8")).isEqualTo(-100);
            assertThat(f.getInt("test.u16")).isEqualTo(60000);
            assertThat(f.getInt("test.i16")).isEqualTo(-30000);
            assertThat(f.getLong("test.u32")).isEqualTo(4_000_000_000L);
            assertThat(f.getInt("test.i32")).isEqualTo(-2_000_000_000);
            assertThat(f.getLong("test.u64")).isEqualTo(12_345_678_901_234L);
            assertThat(f.get("test.u64_huge")).isEqualTo((1L << 63) + 5); // raw bits
            assertThat(f.getLong("test.i64")).isEqualTo(-9_000_000_000_000_000_000L);
            assertThat(f.getFloat("test.f32")).isEqualTo(1.5f);
            assertThat(f.getDouble("test.f64")).isEqualTo(2.718281828459045);
            assertThat(f.getDouble("test.u8")).isEqualTo(200.0);
            assertThat(f.getBoolean("test.true")).isTrue();
            assertThat(f.getBoolean("test.false")).isFalse();
            assertThat(f.getString("test.str")).isEqualTo("h\u00e9llo w\u00f6rld \u2713 \u6f22\u5b57");
            assertThat(f.getString("test.empty")).isEmpty();
            assertThat(f.getString("absent", "fallback")).isEqualTo("fallback");
            assertThat(f.getInt("absent", 7)).isEqualTo(7);
            assertThat(f.has("test.u8")).isTrue();
            assertThat(f.find("absent")).isEmpty();
            assertThat(f.metadata()).containsKeys("general.architecture", "general.alignment", "test.arr_nested");
        }
    }

    @Test
    void arraysOfEveryType() {
        try (GgufFile f = GgufFile.open(METADATA)) {
            assertThat(f.getArray("test.arr_u8").elementType()).isEqualTo(GgufValueType.UINT8);
            assertThat(f.getIntArray("test.arr_u8")).containsExactly(1, 2, 255);
            assertThat(f.getIntArray("test.arr_i16")).containsExactly(-1, 2, -30000);
            assertThat(f.getIntArray("test.arr_i32")).containsExactly(3, -4, 5, Integer.MAX_VALUE);
            assertThat(f.getLongArray("test.arr_u32")).containsExactly(1, 4_000_000_000L);
            assertThat(f.getLongArray("test.arr_i64")).containsExactly(-5, 1L << 40);
            assertThat(f.getFloatArray("test.arr_f32")).containsExactly(0.5f, -2.25f, 1e-5f);
            assertThat(f.getArray("test.arr_f64").doubles()).containsExactly(0.1, -1e300);
            assertThat(f.getArray("test.arr_bool").booleans()).containsExactly(true, false, true);
            assertThat(f.getStringArray("test.arr_str")).containsExactly("a", "", "\u00fc\u00df", "two words");
            GgufArray nested = f.getArray("test.arr_nested");
            assertThat(nested.elementType()).isEqualTo(GgufValueType.ARRAY);
            assertThat(nested.arrays()).hasSize(3);
            assertThat(nested.arrays().get(0).ints()).containsExactly(1, 2);
            assertThat(nested.arrays().get(1).ints()).containsExactly(3);
            assertThat(nested.arrays().get(2).ints()).containsExactly(4, 5, 6);
            List<GgufArray> ns = f.getArray("test.arr_nested_str").arrays();
            assertThat(ns.get(1).strings()).containsExactly("y", "z");
            assertThat(nested.toString()).startsWith("[ARRAY × 3");
        }
    }

    @Test
    void tensorsInPyTorchOrder() {
        try (GgufFile f = GgufFile.open(METADATA); PointerScope scope = new PointerScope()) {
            GgufTensorInfo t = f.tensor("t.f32");
            assertThat(t.type()).isEqualTo(GgmlType.F32);
            assertThat(t.dims()).containsExactly(3, 2);
            assertThat(t.shape()).containsExactly(2, 3);
            assertThat(t.offset() % 64).isZero();
            assertThat(t.toTensorInfo().shape()).containsExactly(2, 3);
            assertThat(f.tensorNames()).containsExactly("t.f32", "t.f16");
            assertThat(f.dequantize("t.f32")).containsExactly(0, 1, 2, 3, 4, 5);
            assertThat(f.dequantize("t.f16")).containsExactly(-1.5f, -0.5f, 0.5f, 1.5f);
            ByteBuffer raw = f.tensorData("t.f32");
            assertThat(raw.order()).isEqualTo(ByteOrder.LITTLE_ENDIAN);
            assertThat(raw.isReadOnly()).isTrue();
            assertThat(raw.getFloat(4 * 5)).isEqualTo(5f);
            Tensor x = f.load("t.f32", DType.FP32, DeviceSpec.CPU);
            assertThat(Tensors.shape(x)).containsExactly(2, 3);
            assertThat(Tensors.toFloats(x)).containsExactly(0, 1, 2, 3, 4, 5);
            Tensor h = f.load("t.f16", DType.FP16, DeviceSpec.CPU);
            assertThat(h.scalar_type().intern()).isEqualTo(DType.FP16.scalarType());
            assertThat(Tensors.toFloats(h)).containsExactly(-1.5f, -0.5f, 0.5f, 1.5f);
            // in-place ops on a loaded tensor are safe: it never aliases the file
            x.mul_(Tensors.scalar(2));
            assertThat(f.dequantize("t.f32")).containsExactly(0, 1, 2, 3, 4, 5);
        }
    }
}
