package io.github.icl4j.bias;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The calibration baselines on given probabilities: exact expected outputs by hand. */
class CalibrationTest {

    @Test
    void contextualCalibrationWithAKnownPriorGivesTheHandComputedProbabilities() {
        // content-free rows average to (0.7, 0.3)
        double[] prior = Calibration.prior(new double[][] {{0.8, 0.2}, {0.6, 0.4}});
        assertThat(prior).containsExactly(new double[] {0.7, 0.3}, within(1e-15));
        double[][] probs = {{0.6, 0.4}, {0.75, 0.25}, {0.7, 0.3}};
        double[][] q = Calibration.divide(probs, prior);
        // 0.6/0.7 = 0.857142..., 0.4/0.3 = 1.3333...; sum 2.190476...; → 0.391304..., 0.608695...
        assertThat(q[0][0]).isCloseTo((0.6 / 0.7) / (0.6 / 0.7 + 0.4 / 0.3), within(1e-15));
        assertThat(q[0][0]).isCloseTo(9.0 / 23.0, within(1e-15));
        assertThat(q[0][1]).isCloseTo(14.0 / 23.0, within(1e-15));
        // 0.75/0.7 = 1.0714, 0.25/0.3 = 0.8333 → class 0 stays
        assertThat(q[1][0]).isCloseTo(45.0 / 80.0, within(1e-15));
        // a query equal to the prior becomes uniform: the tie goes to class 0
        assertThat(q[2]).containsExactly(new double[] {0.5, 0.5}, within(1e-15));
        assertThat(Calibration.argmax(q)).containsExactly(1, 0, 0);
        assertThat(Calibration.predict(Calibration.Kind.CONTEXTUAL, probs, new double[][] {{0.8, 0.2}, {0.6, 0.4}}))
                .containsExactly(1, 0, 0);
        // without calibration every query is class 0
        assertThat(Calibration.predict(Calibration.Kind.NONE, probs, null)).containsExactly(0, 0, 0);
    }

    @Test
    void priorOfUnnormalisedRowsIsRenormalised() {
        assertThat(Calibration.prior(new double[][] {{2, 2}, {1, 3}})).containsExactly(new double[] {0.375, 0.625},
                within(1e-15));
    }

    @Test
    void batchCalibrationSubtractsTheBatchMean() {
        double[][] probs = {{0.9, 0.1}, {0.7, 0.3}, {0.8, 0.2}, {0.6, 0.4}};
        // column means 0.75 / 0.25
        double[][] s = Calibration.subtractBatchMean(probs);
        assertThat(s[0]).containsExactly(new double[] {0.15, -0.15}, within(1e-12));
        assertThat(s[1]).containsExactly(new double[] {-0.05, 0.05}, within(1e-12));
        assertThat(Calibration.argmax(s)).containsExactly(0, 1, 0, 1);
        assertThat(Calibration.predict(Calibration.Kind.BATCH, probs, null)).containsExactly(0, 1, 0, 1);
    }

    @Test
    void threeClassContextualCalibration() {
        double[] prior = {0.5, 0.25, 0.25};
        double[][] q = Calibration.divide(new double[][] {{0.4, 0.3, 0.3}}, prior);
        // 0.8, 1.2, 1.2 → /3.2
        assertThat(q[0]).containsExactly(new double[] {0.25, 0.375, 0.375}, within(1e-15));
    }

    @Test
    void domainInputsAreSeededAndOfTheCorpusMeanLength() {
        List<String> corpus = List.of("a b c d", "e f", "g h i");   // 9 words / 3 texts = 3
        List<String> x = Calibration.domainInputs(corpus, 20, 7);
        assertThat(x).hasSize(20).allSatisfy(s -> assertThat(s.split(" ")).hasSize(3)
                .allSatisfy(w -> assertThat("abcdefghi").contains(w)));
        assertThat(Calibration.domainInputs(corpus, 20, 7)).isEqualTo(x);
        assertThat(Calibration.domainInputs(corpus, 20, 8)).isNotEqualTo(x);
        assertThat(Calibration.domainInputs(List.of("one two", "three"), 1, 0).get(0).split(" ")).hasSize(2);
    }

    @Test
    void badInputIsNamed() {
        assertThatThrownBy(() -> Calibration.prior(new double[0][])).hasMessageContaining("at least one");
        assertThatThrownBy(() -> Calibration.divide(new double[][] {{0.5, 0.5}}, new double[] {1, 0}))
                .hasMessageContaining("entry 1 is 0.0").hasMessageContaining("(0, 1]");
        assertThatThrownBy(() -> Calibration.domainInputs(List.of("a"), 0, 0)).hasMessageContaining("0")
                .hasMessageContaining("[1, +inf)");
        assertThatThrownBy(() -> Calibration.domainInputs(List.of(" ", ""), 3, 0)).hasMessageContaining("no");
        assertThatThrownBy(() -> Calibration.subtractBatchMean(new double[][] {{0.5, 0.5}, {1.0}}))
                .hasMessageContaining("row 1 has 1 classes");
    }
}
