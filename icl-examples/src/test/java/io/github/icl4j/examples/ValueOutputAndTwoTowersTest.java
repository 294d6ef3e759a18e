package io.github.icl4j.examples;

import io.github.icl4j.examples.builtin.BuiltinModel;
import io.github.icl4j.examples.builtin.TrainBuiltinModel;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.icl4j.heads.TwoTowersAnalysis;
import io.github.icl4j.heads.ValueOutputAnalysis;
import org.junit.jupiter.api.Test;

class ValueOutputAndTwoTowersTest {
    @Test
    void everyHeadHasValueOutputsAndTwoTowers() {
        assumeTrue(BuiltinModel.isAvailable(), "no built-in model in the jar; run TrainBuiltinModel");
        ValueOutputAndTwoTowers.Result r = ValueOutputAndTwoTowers.run();
        int n = r.heads().size();
        ValueOutputAnalysis vo = r.valueOutputs();
        assertThat(vo.heads()).hasSize(n);
        assertThat(vo.heads()).allSatisfy(h -> {
            assertThat(h.atFoo().meanM()).isFinite();
            assertThat(h.atBar().meanM()).isFinite();
            assertThat(h.atFoo().topTokens()).isNotEmpty();
        });
        assertThat(vo.groups()).isNotEmpty();
        TwoTowersAnalysis t = r.twoTowers();
        assertThat(t.rotary()).isTrue();
        assertThat(t.heads()).hasSize(n);
        // the score is its content part plus its positional part
        assertThat(t.heads()).allSatisfy(h -> assertThat(h.meanContent() + h.meanPositional())
                .isCloseTo(h.meanScore(), within(1e-3)));
        // copying a demonstration's sentence into the query makes the model answer that demonstration's label
        assertThat(t.swapAgreement()).isGreaterThan(t.baseAgreement() + 0.2);
    }
}
