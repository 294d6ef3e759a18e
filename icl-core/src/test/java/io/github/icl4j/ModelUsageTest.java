package io.github.icl4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.icl4j.testing.TestData;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelUsageTest {
    @TempDir
    Path tmp;

    private static Model llama() {
        return Model.load(TestData.resource("parity/llama"));
    }

    @Test
    void tokenIdsOutsideTheVocabularyAreRefused() {
        try (Model m = llama()) {
            assertThatThrownBy(() -> m.lastLogits(TokenBatch.of(new long[] {1, 2, 101})))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("token id 101").hasMessageContaining("position 2").hasMessageContaining("[0, 101)");
        }
    }

    @Test
    void emptyInputIsRefused() {
        assertThatThrownBy(() -> TokenBatch.of(new long[0])).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("empty");
        assertThatThrownBy(() -> TokenBatch.of(new long[0][])).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at least one sequence");
    }

    @Test
    void sequencesLongerThanTheContextAreRefused() {
        try (Model m = llama()) {
            assertThatThrownBy(() -> m.lastLogits(TokenBatch.of(new long[65])))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("65 tokens")
                    .hasMessageContaining("context is 64");
        }
    }

    @Test
    void useAfterCloseFails() {
        Model m = llama();
        m.close();
        assertThat(m.isClosed()).isTrue();
        assertThatThrownBy(() -> m.lastLogits(TokenBatch.of(new long[] {1}))).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("closed");
        m.close(); // idempotent
    }

    @Test
    void badHookNamesAreRefused() {
        try (Model m = llama()) {
            Hooks h = Hooks.builder().add("blocks.7.attn.hook_z", (t, c) -> null).build();
            assertThatThrownBy(() -> m.logits(TokenBatch.of(new long[] {1}), h))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("layer 7 out of range [0, 3)");
            Hooks typo = Hooks.builder().add("blocks.0.attn.hook_zz", (t, c) -> null).build();
            assertThatThrownBy(() -> m.logits(TokenBatch.of(new long[] {1}), typo))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("hook_zz");
        }
    }

    @Test
    void cudaWithoutCudaNativesIsAClearError() {
        org.junit.jupiter.api.Assumptions.assumeFalse(io.github.icl4j.runtime.Natives.cudaAvailable(),
                "CUDA is available here");
        assertThatThrownBy(() -> Model.load(TestData.resource("parity/llama"),
                LoadOptions.defaults().withDevice("cuda:0"))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("cuda:0").hasMessageContaining("gpu profile");
    }

    @Test
    void saveThenLoadGivesIdenticalLogits() {
        try (Model m = llama()) {
            m.save(tmp);
            try (Model back = Model.load(tmp)) {
                TokenBatch b = TokenBatch.of(new long[] {4, 8, 15, 16, 23, 42});
                assertThat(back.lastLogits(b)[0]).containsExactly(m.lastLogits(b)[0]);
                assertThat(back.config()).isEqualTo(m.config());
            }
        }
    }

    @Test
    void configPrintsReadably() {
        try (Model m = llama()) {
            assertThat(m.config().toString()).contains("llama", "3 layers", "4 heads (2 kv)", "rotary");
            assertThat(m.toString()).contains("cpu", "fp32");
        }
    }

    @Test
    void parsingOfDevicesAndDtypes() {
        assertThat(DeviceSpec.parse("cuda:1")).isEqualTo(DeviceSpec.cuda(1));
        assertThat(DType.parse("bfloat16")).isEqualTo(DType.BF16);
        assertThatThrownBy(() -> DeviceSpec.parse("tpu")).hasMessageContaining("'tpu'");
        assertThatThrownBy(() -> DType.parse("int8")).hasMessageContaining("'int8'").hasMessageContaining("fp32");
        assertThat(HeadId.parse("L14H3")).isEqualTo(HeadId.of(14, 3));
        assertThat(HeadId.of(2, 5).toString()).isEqualTo("L2H5");
        assertThatThrownBy(() -> HeadId.parse("14.3")).hasMessageContaining("L<layer>H<head>");
        assertThatThrownBy(() -> HeadId.of(40, 0).checkIn(32, 32)).hasMessageContaining("layer 40 out of range [0, 32)");
    }
}
