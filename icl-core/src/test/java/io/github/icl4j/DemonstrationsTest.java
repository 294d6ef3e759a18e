package io.github.icl4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Demonstration sampling and ordering on small in-memory pools (no shared data needed). */
class DemonstrationsTest {

    /** 20 negatives n0..n19 and 10 positives p0..p9. */
    private static Dataset pool() {
        List<Example> xs = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            xs.add(Example.of("n" + i, 0));
        }
        for (int i = 0; i < 10; i++) {
            xs.add(Example.of("p" + i, 1));
        }
        return Dataset.of("toy", List.of("negative", "positive"), xs);
    }

    @Test
    void sampleDrawsTheAskedCountsDeterministically() {
        Demonstrations d = Demonstrations.sample(pool(), new int[] {3, 2}, 7);
        assertThat(d.size()).isEqualTo(5);
        assertThat(d.counts()).containsExactly(3, 2);
        assertThat(d.examples()).doesNotHaveDuplicates();
        assertThat(d).isEqualTo(Demonstrations.sample(pool(), new int[] {3, 2}, 7));
        List<Demonstrations> others = new ArrayList<>();
        for (long seed = 0; seed < 10; seed++) {
            others.add(Demonstrations.sample(pool(), new int[] {3, 2}, seed));
        }
        assertThat(others).doesNotHaveDuplicates();
        assertThat(d.toString()).matches("Demonstrations\\[5:( [01]){5}, counts \\[3, 2\\], as sampled\\]");
        assertThat(Demonstrations.sample(pool(), new int[] {0, 0}, 1).size()).isZero();
    }

    @Test
    void theQueryIsNeverDrawnEvenWhenThePoolRepeatsIt() {
        List<Example> xs = new ArrayList<>(pool().examples());
        xs.add(Example.of("n3", 1)); // the same sentence again, with the other label
        Dataset pool = Dataset.of("toy+dup", List.of("negative", "positive"), xs);
        Example query = Example.of("n3", 0);
        for (long seed = 0; seed < 200; seed++) {
            Demonstrations d = Demonstrations.sample(pool, new int[] {19, 10}, seed, query);
            assertThat(d.examples()).extracting(Example::text).doesNotContain("n3");
        }
        // 19 negatives are left once the query is out; asking for all 20 names class, have and need
        assertThatThrownBy(() -> Demonstrations.sample(pool, new int[] {20, 1}, 1, query))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("has 19 examples of class 0 negative (the query left out), need 20");
        // a whole query set can be excluded at once
        Demonstrations shared = Demonstrations.sampleExcluding(pool, new int[] {10, 5}, 3,
                List.of(Example.of("n0", 0), Example.of("p0", 1)));
        assertThat(shared.examples()).extracting(Example::text).doesNotContain("n0", "p0");
    }

    @Test
    void fewerExamplesThanAskedFailsNamingClassHaveAndNeed() {
        assertThatThrownBy(() -> Demonstrations.sample(pool(), new int[] {2, 11}, 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("toy has 10 examples of class 1 positive, need 11");
        assertThatThrownBy(() -> Demonstrations.sample(pool(), new int[] {2, 2, 2}, 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("countsPerClass has 3 entries [2, 2, 2]; toy has 2 classes");
        assertThatThrownBy(() -> Demonstrations.sample(pool(), new int[] {-1, 2}, 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("class 0 is -1; must be >= 0");
    }

    @Test
    void ordersRearrangeTheSameDemonstrations() {
        Demonstrations d = Demonstrations.sample(pool(), new int[] {3, 3}, 11);
        List<Example> sampled = d.examples();

        List<Example> rev = new ArrayList<>(sampled);
        java.util.Collections.reverse(rev);
        assertThat(d.reversed().examples()).isEqualTo(rev);
        assertThat(d.reversed().order()).isEqualTo("reversed");
        assertThat(d.reversed().reversed()).isEqualTo(d);

        assertThat(d.groupedByLabel().labels()).containsExactly(0, 0, 0, 1, 1, 1);
        assertThat(d.groupedByLabel().examples()).containsExactlyInAnyOrderElementsOf(sampled);
        assertThat(d.interleaved().labels()).containsExactly(0, 1, 0, 1, 0, 1);

        Demonstrations p = d.permuted(5);
        assertThat(p.examples()).containsExactlyInAnyOrderElementsOf(sampled).isEqualTo(d.permuted(5).examples());
        assertThat(p.order()).isEqualTo("permuted, seed 5");
        assertThat(p.reversed().order()).isEqualTo("permuted, seed 5, reversed");

        assertThat(d.groupedByLabel().asSampled()).isEqualTo(d);
        assertThat(d.permuted(3).reversed().asSampled().order()).isEqualTo("as sampled");
    }

    @Test
    void withoutOneDropsTheLastDemonstrationOfThatLabel() {
        Demonstrations d = Demonstrations.sample(pool(), new int[] {2, 2}, 4).interleaved(); // 0 1 0 1
        Demonstrations fewer = d.withoutOne(0);
        assertThat(fewer.counts()).containsExactly(1, 2);
        assertThat(fewer.examples()).containsExactly(d.get(0), d.get(1), d.get(3));
        assertThat(fewer.order()).isEqualTo("interleaved, without one of class 0");
        assertThat(fewer.asSampled().counts()).containsExactly(1, 2);
        assertThat(fewer.asSampled().examples()).doesNotContain(d.get(2));
        assertThat(fewer.withoutOne(0).withoutOne(1).counts()).containsExactly(0, 1);
        assertThatThrownBy(() -> fewer.withoutOne(0).withoutOne(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no demonstration of class 0 to drop; counts [0, 2]");
        assertThatThrownBy(() -> d.withoutOne(2)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("label 2 out of range [0, 2)");
    }

    @Test
    void handPickedDemonstrationsNeedKnownLabels() {
        Demonstrations d = Demonstrations.of(2, List.of(Example.of("good", 1), Example.of("bad", 0)));
        assertThat(d.toString()).isEqualTo("Demonstrations[2: 1 0, counts [1, 1], as given]");
        assertThat(d.reversed().asSampled().order()).isEqualTo("as given");
        assertThatThrownBy(() -> Demonstrations.of(2, List.of(Example.unlabelled("x"))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("demonstration 0: label -1 out of range [0, 2)");
    }
}
