package io.github.icl4j.examples;

import io.github.icl4j.examples.builtin.BuiltinModel;
import io.github.icl4j.examples.builtin.TrainBuiltinModel;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.junit.jupiter.api.Test;

class AttentionAtLabelsTest {
    @Test
    void zeroingAHeadLeavesItsLayerAndMovesTheNext() {
        assumeTrue(BuiltinModel.isAvailable(), "no built-in model in the jar; run TrainBuiltinModel");
        AttentionAtLabels.Result r = AttentionAtLabels.run();
        assertThat(r.rows()).hasSize(BuiltinModel.LAYERS * BuiltinModel.HEADS);
        assertThat(r.rows()).allSatisfy(row -> assertThat(row.clean()).hasSize(4));
        // the zeroed head is the one reading the labels most: almost all its attention is on them
        assertThat(r.row(r.zeroed()).cleanTotal()).isGreaterThan(0.5);
        assertThat(r.rows()).allSatisfy(row -> assertThat(row.cleanTotal()).isLessThanOrEqualTo(
                r.row(r.zeroed()).cleanTotal()));
        // hook_z is patched after the pattern: the head's own layer attends exactly as before ...
        assertThat(r.rows()).filteredOn(row -> row.head().layer() <= r.zeroed().layer())
                .allSatisfy(row -> assertThat(row.patched()).containsExactly(row.clean()));
        // ... and a later layer reads a changed residual stream
        double moved = r.rows().stream().filter(row -> row.head().layer() > r.zeroed().layer())
                .mapToDouble(row -> Math.abs(row.patchedTotal() - row.cleanTotal())).sum();
        assertThat(moved).isGreaterThan(0.01);
        assertThat(r.toString()).contains("clean → with " + r.zeroed() + " zeroed");
    }
}
