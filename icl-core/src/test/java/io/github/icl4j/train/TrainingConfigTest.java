package io.github.icl4j.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class TrainingConfigTest {

    @Test
    void badValuesAreNamedWithTheirRange() {
        TrainingConfig d = TrainingConfig.defaults();
        assertThatThrownBy(() -> d.withSteps(0)).hasMessage("steps 0 out of range [1, 10000000]");
        assertThatThrownBy(() -> d.withBatchSize(-3)).hasMessage("batchSize -3 out of range [1, 65536]");
        assertThatThrownBy(() -> d.withLearningRate(0)).hasMessage("learningRate 0.0 out of range (0, 1]");
        assertThatThrownBy(() -> d.withLearningRate(Double.NaN)).hasMessageContaining("learningRate NaN");
        assertThatThrownBy(() -> d.withWarmupSteps(5000)).hasMessage("warmupSteps 5000 out of range [0, 1000]");
        assertThatThrownBy(() -> d.withMinLearningRate(0.5))
                .hasMessage("minLearningRate 0.5 out of range [0, 0.001] (the peak learning rate)");
        assertThatThrownBy(() -> d.withWeightDecay(2)).hasMessage("weightDecay 2.0 out of range [0, 1]");
        assertThatThrownBy(() -> d.withGradClipNorm(-1)).hasMessageContaining("gradClipNorm -1.0 out of range");
        assertThatThrownBy(() -> d.withEvalInterval(1001)).hasMessage("evalInterval 1001 out of range [0, 1000]");
        assertThatThrownBy(() -> d.withThreads(-2)).hasMessage("threads -2 out of range [1, 1024]");
        assertThatThrownBy(() -> d.withThreads(0).learningRateAt(1000))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("step 1000 out of range [0, 1000)");
    }

    @Test
    void warmUpThenCosineToTheFloor() {
        TrainingConfig c = new TrainingConfig(110, 8, 1e-3, 10, 1e-4, 0, 1, 0, 0, 0, 0.02);
        assertThat(c.learningRateAt(0)).isCloseTo(1e-4, within(1e-12));
        assertThat(c.learningRateAt(4)).isCloseTo(5e-4, within(1e-12));
        assertThat(c.learningRateAt(9)).isCloseTo(1e-3, within(1e-12));
        assertThat(c.learningRateAt(10)).isCloseTo(1e-3, within(1e-12));
        assertThat(c.learningRateAt(109)).isCloseTo(1e-4, within(1e-12));
        double mid = c.learningRateAt(10 + 99 / 2);
        assertThat(mid).isCloseTo(5.5e-4, within(1e-5));
        for (int s = 11; s < 110; s++) {
            assertThat(c.learningRateAt(s)).isLessThanOrEqualTo(c.learningRateAt(s - 1));
        }
    }
}
