package io.github.icl4j.bias;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.github.icl4j.AttentionMap;
import io.github.icl4j.Demonstrations;
import io.github.icl4j.Example;
import io.github.icl4j.HeadId;
import io.github.icl4j.PromptTokens;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The recency study's attention spread on a constructed attention map: each demonstration followed across orders. */
class AttentionSpreadTest {
    static final Example A = Example.of("a", 0);
    static final Example B = Example.of("b", 1);
    static final Example C = Example.of("c", 0);

    /** A prompt whose demonstrations have these labels (only demoLabels is read). */
    record Labels(int... demoLabels) implements PromptTokens {
        @Override
        public long[] tokenIds() {
            return new long[] {1};
        }

        @Override
        public int[] demoLabels() {
            return demoLabels.clone();
        }
    }

    /** One query, a 1-layer 1-head model, attention {@code w} at the label positions in prompt order. */
    static AttentionMap map(float... w) {
        return new AttentionMap(new int[][] {{0, 1, 2}}, new float[][][][] {{{w}}});
    }

    @Test
    void demonstrationsAreMatchedToTheirSampledPlace() {
        Demonstrations d = Demonstrations.of(2, List.of(A, B, C));
        assertThat(RecencyStudy.sampledIndex(d, d.reversed())).containsExactly(2, 1, 0);
        assertThat(RecencyStudy.sampledIndex(d, d.asSampled())).containsExactly(0, 1, 2);
        Demonstrations p = d.permuted(3);
        int[] idx = RecencyStudy.sampledIndex(d, p);
        for (int i = 0; i < idx.length; i++) {
            assertThat(d.get(idx[i])).isEqualTo(p.get(i));
        }
    }

    @Test
    void perDemonstrationSpreadFollowsEachDemonstration() {
        // the model always gives 0.6 to the last label position, 0.3 to the middle and 0.1 to the first: pure recency
        List<HeadId> heads = List.of(HeadId.of(0, 0));
        Demonstrations d = Demonstrations.of(2, List.of(A, B, C));
        AttentionMap recent = map(0.1f, 0.3f, 0.6f);
        double[] sampled = RecencyStudy.attentionItems(recent, List.of(new Labels(0, 1, 0)), heads,
                RecencyStudy.sampledIndex(d, d), 2, BiasOptions.AttentionSpread.PER_DEMONSTRATION);
        double[] reversed = RecencyStudy.attentionItems(recent, List.of(new Labels(0, 1, 0)), heads,
                RecencyStudy.sampledIndex(d, d.reversed()), 2, BiasOptions.AttentionSpread.PER_DEMONSTRATION);
        // A: 0.1 then 0.6; B: 0.3 both times; C: 0.6 then 0.1
        assertThat(sampled).containsExactly(new double[] {0.1, 0.3, 0.6}, within(1e-7));
        assertThat(reversed).containsExactly(new double[] {0.6, 0.3, 0.1}, within(1e-7));
        // stds 0.5/sqrt2, 0, 0.5/sqrt2 → mean 1/(3 sqrt2)
        assertThat(BiasMetrics.meanStdAcrossOrders(new double[][] {sampled, reversed}))
                .isCloseTo(1 / (3 * Math.sqrt(2)), within(1e-7));
        // a model that attends to content, not place, has no spread
        double[] c1 = RecencyStudy.attentionItems(map(0.2f, 0.5f, 0.3f), List.of(new Labels(0, 1, 0)), heads,
                RecencyStudy.sampledIndex(d, d), 2, BiasOptions.AttentionSpread.PER_DEMONSTRATION);
        double[] c2 = RecencyStudy.attentionItems(map(0.3f, 0.5f, 0.2f), List.of(new Labels(0, 1, 0)), heads,
                RecencyStudy.sampledIndex(d, d.reversed()), 2, BiasOptions.AttentionSpread.PER_DEMONSTRATION);
        assertThat(BiasMetrics.meanStdAcrossOrders(new double[][] {c1, c2})).isCloseTo(0, within(1e-7));
    }

    @Test
    void perClassSpreadSumsEachClassesPositions() {
        List<HeadId> heads = List.of(HeadId.of(0, 0));
        Demonstrations d = Demonstrations.of(2, List.of(A, B, C));
        double[] items = RecencyStudy.attentionItems(map(0.1f, 0.3f, 0.6f), List.of(new Labels(0, 1, 0)), heads,
                RecencyStudy.sampledIndex(d, d), 2, BiasOptions.AttentionSpread.PER_CLASS);
        assertThat(items).containsExactly(new double[] {0.7, 0.3}, within(1e-7));
    }
}
