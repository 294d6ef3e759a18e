package io.github.icl4j.bias;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Defaults are the METHOD's; bad options name the value and the allowed range. */
class BiasOptionsTest {

    @Test
    void defaultsAreTheMethodsChoices() {
        BiasOptions o = BiasOptions.defaults();
        assertThat(o.ac()).isEqualTo(0.03);
        assertThat(o.perClass()).isEqualTo(2);
        assertThat(o.contentFreeInputs()).containsExactly("N/A", "", "[MASK]");
        assertThat(o.domainInputs()).isEqualTo(20);
        assertThat(o.rotaryAllPositions()).isFalse();
        assertThat(o.interval()).isEqualTo(Interval.Kind.T);
        assertThat(o.level()).isEqualTo(0.95);
        assertThat(o.withSeeds(4, 5).seeds()).containsExactly(4L, 5L);
        assertThat(o.withAc(0.1).ac()).isEqualTo(0.1);
        assertThat(o.withAc(0.1).perClass()).isEqualTo(2);
    }

    @Test
    void badOptionsNameTheValueAndTheRange() {
        BiasOptions o = BiasOptions.defaults();
        assertThatThrownBy(() -> o.withAc(-0.01)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("a_c -0.01 out of range [0, +inf)");
        assertThatThrownBy(() -> o.withAc(Double.NaN)).hasMessageContaining("a_c NaN out of range");
        assertThatThrownBy(() -> o.withPermutations(0)).hasMessageContaining("permutations 0 out of range [1, 1000]");
        assertThatThrownBy(() -> o.withPerClass(0)).hasMessageContaining("perClass 0 out of range [1, 64]");
        assertThatThrownBy(() -> o.withSeeds()).hasMessageContaining("need at least 1 seed");
        assertThatThrownBy(() -> o.withSeeds(1, 1)).hasMessageContaining("repeat");
        assertThatThrownBy(() -> o.withDomainInputs(0)).hasMessageContaining("domainInputs 0 out of range [1, 1000]");
        assertThatThrownBy(() -> o.withInterval(Interval.Kind.T, 1.5)).hasMessageContaining("level 1.5 out of range (0, 1)");
        assertThatThrownBy(() -> o.withBootstrap(10, 0)).hasMessageContaining("bootstrapResamples 10 out of range [100, 1000000]");
        assertThatThrownBy(() -> o.withAcGrid(0.1, -1)).hasMessageContaining("a_c grid value -1.0 out of range [0, +inf)");
        assertThatThrownBy(() -> o.withContentFreeInputs(List.of())).hasMessageContaining("at least 1");
        assertThatThrownBy(() -> o.withBatchSize(0)).hasMessageContaining("batchSize 0 out of range [1, 4096]");
        assertThatThrownBy(() -> o.withRelativeTermStrength(1.5))
                .hasMessageContaining("relativeTermStrength 1.5 out of range [0, 1]");
        assertThatThrownBy(() -> o.withRecencyVariants(RecencyFixVariant.LAST_ROW, RecencyFixVariant.LAST_ROW))
                .hasMessageContaining("repeat");
        assertThatThrownBy(() -> o.withRotaryAllPositions(true).withRecencyVariants(RecencyFixVariant.LABEL_KEYS))
                .hasMessageContaining("rotaryAllPositions true with recencyVariants [LABEL_KEYS]");
        assertThatThrownBy(() -> RecencyFixVariant.parse("first-row"))
                .hasMessageContaining("'first-row' unknown").hasMessageContaining("label-keys");
    }

    @Test
    void theRecencyFixesDefaultToTheOneRotaryAllPositionsNames() {
        BiasOptions o = BiasOptions.defaults();
        assertThat(o.recencyVariants()).isEmpty();
        assertThat(o.recencyFixes()).containsExactly(RecencyFixVariant.LAST_ROW);
        assertThat(o.withRotaryAllPositions(true).recencyFixes()).containsExactly(RecencyFixVariant.ALL_ROWS);
        assertThat(o.withRecencyVariants(RecencyFixVariant.LABEL_KEYS, RecencyFixVariant.LAST_ROW).recencyFixes())
                .containsExactly(RecencyFixVariant.LABEL_KEYS, RecencyFixVariant.LAST_ROW);
        assertThat(o.relativeTermStrength()).isEqualTo(0.5);
        for (RecencyFixVariant v : RecencyFixVariant.values()) {
            assertThat(RecencyFixVariant.parse(v.key())).isEqualTo(v);
        }
        assertThat(RecencyFixVariant.parse(" Label_Keys ")).isEqualTo(RecencyFixVariant.LABEL_KEYS);
    }
}
