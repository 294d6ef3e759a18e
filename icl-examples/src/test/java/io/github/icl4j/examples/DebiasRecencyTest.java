package io.github.icl4j.examples;

import io.github.icl4j.examples.builtin.BuiltinModel;
import io.github.icl4j.examples.builtin.TrainBuiltinModel;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.icl4j.bias.Correction;
import io.github.icl4j.bias.RecencyResult;
import org.junit.jupiter.api.Test;

class DebiasRecencyTest {
    @Test
    void theFixFlattensAttentionAcrossOrdersAndOneHeadNeedsItsPositions() {
        assumeTrue(BuiltinModel.isAvailable(), "no built-in model in the jar; run TrainBuiltinModel");
        DebiasRecency.Result r = DebiasRecency.run();
        RecencyResult rc = r.recency();
        assertThat(rc.rows()).extracting(RecencyResult.Row::correction).containsExactly(Correction.values());
        assertThat(rc.orders()).isEqualTo(4);
        assertThat(rc.row(Correction.FIX).attentionStd().mean())
                .isLessThan(rc.row(Correction.NONE).attentionStd().mean());
        assertThat(r.oneHead()).hasSameSizeAs(r.heads());
        double worst = r.oneHead().stream().mapToDouble(DebiasRecency.OneHead::accuracy).min().orElseThrow();
        double best = r.oneHead().stream().mapToDouble(DebiasRecency.OneHead::accuracy).max().orElseThrow();
        // the built-in model's in-context heads need their rotary positions: without them in either head, accuracy
        // falls by more than 0.2
        assertThat(best).isLessThan(r.baseline() - 0.2);
        assertThat(worst).isBetween(0.0, best);
    }
}
