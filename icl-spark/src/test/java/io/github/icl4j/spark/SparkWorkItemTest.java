package io.github.icl4j.spark;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Ablated layers are grouped into work items that cover the range once, each worth several forward passes. */
class SparkWorkItemTest {

    @ParameterizedTest
    @CsvSource({"16, 32, 32, 32, 12", "15, 30, 30, 9, 4", "1, 3, 3, 8, 1", "0, 1, 1, 1, 1", "0, 40, 40, 64, 38"})
    void layerGroupsCoverTheRangeOnceAndCarryEnoughWork(int from, int to, int nLayers, int nHeads, int groups) {
        List<int[]> g = WorkItem.layerGroups(from, to, nLayers, nHeads);
        assertThat(g).hasSize(groups);
        int next = from;
        for (int i = 0; i < g.size(); i++) {
            assertThat(g.get(i)[0]).isEqualTo(next);
            assertThat(g.get(i)[1]).isGreaterThan(g.get(i)[0]);
            next = g.get(i)[1];
            double cost = 0;
            for (int l = g.get(i)[0]; l < g.get(i)[1]; l++) {
                cost += nHeads * (double) (nLayers - l) / nLayers;
            }
            if (g.size() > 1) {
                // every group but a lone cheap model's carries at least half the minimum
                assertThat(cost).isGreaterThanOrEqualTo(WorkItem.MIN_ABLATION_COST / 2);
            }
        }
        assertThat(next).isEqualTo(to);
    }
}
