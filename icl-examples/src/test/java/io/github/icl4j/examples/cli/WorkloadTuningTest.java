package io.github.icl4j.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.icl4j.Example;
import io.github.icl4j.bias.BiasTask;
import io.github.icl4j.testing.TestData;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** {@code --tune-data}: a_c is tuned on other data sets' tasks, never on the test data set's sentences. */
class WorkloadTuningTest {

    private static JobOptions sst2TunedOn(String... tuneData) {
        return JobOptions.defaults().with(b -> b.data("sst2").tuneData(List.of(tuneData)).biasQueries(7));
    }

    private static Set<String> sentences(List<Example> xs) {
        Set<String> s = new HashSet<>();
        xs.forEach(e -> s.add(e.text()));
        return s;
    }

    @Test
    void tuningTasksComeFromTheNamedDataSetsBalancedAndDisjointFromTheTestDataSet() {
        TestData.requireData("datasets/cr/custrev.all");
        TestData.requireData("datasets/mr/rt-polarity.all");
        TestData.requireData("datasets/sst2/stsa.binary.test");
        JobOptions o = sst2TunedOn("cr", "mr");
        List<BiasTask> tasks = Workload.tuningTasks(o);
        assertThat(tasks).extracting(BiasTask::name).containsExactly("cr (tuning)", "mr (tuning)");
        Workload.PoolAndQueries sst2 = Workload.load("sst2", o);
        Set<String> test = sentences(sst2.queries().examples());
        test.addAll(sentences(sst2.pool().examples()));
        for (int i = 0; i < tasks.size(); i++) {
            BiasTask t = tasks.get(i);
            Workload.PoolAndQueries own = Workload.load(o.tuneData().get(i), o);
            assertThat(t.queries()).hasSize(14);
            assertThat(t.queries()).filteredOn(e -> e.label() == 0).hasSize(7);
            // the queries are the named data set's own query split, and the pool its own pool
            assertThat(sentences(own.queries().examples())).containsAll(sentences(t.queries()));
            assertThat(t.pool().name()).isEqualTo(own.pool().name());
            // none of the tuning sentences is a sentence of the test data set
            assertThat(sentences(t.queries())).doesNotContainAnyElementsOf(test);
        }
        // seeded: the same options draw the same tasks, another seed other queries
        assertThat(Workload.tuningTasks(o).get(0).queries()).isEqualTo(tasks.get(0).queries());
        assertThat(Workload.tuningTasks(o.withSeed(43)).get(0).queries()).isNotEqualTo(tasks.get(0).queries());
    }

    @Test
    void theSettingsNameTheTuningDataSets() {
        assertThat(sst2TunedOn("cr", "mr").withThreads(1).describe()).contains("a_c tuned on cr, mr;")
                .endsWith("; 1 thread");
        assertThat(JobOptions.defaults().with(b -> b.data("sst2").threads(2)).describe()).contains("a_c tuned;")
                .endsWith("; 2 threads");
    }

    @Test
    void badTuningDataNamesTheOptionAndTheValue() {
        assertThatThrownBy(() -> sst2TunedOn("sst2")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--tune-data sst2 holds the test data set sst2");
        assertThatThrownBy(() -> sst2TunedOn("cr", "cr")).hasMessageContaining("--tune-data cr,cr must name distinct");
        assertThatThrownBy(() -> JobOptions.defaults().with(b -> b.tuneData(List.of("cr"))))
                .hasMessageContaining("--tune-data cr needs --data");
        assertThatThrownBy(() -> JobOptions.defaults().with(b -> b.data("sst2").tuneAc(false).tuneData(List.of("cr"))))
                .hasMessageContaining("--tune-data cr and --ac both given");
        TestData.requireData("datasets/sst2/stsa.binary.test");
        assertThatThrownBy(() -> Workload.tuningTasks(sst2TunedOn("no-such-set")))
                .hasMessageContaining("--tune-data no-such-set: unknown data set 'no-such-set'");
        TestData.requireData("datasets/cr/custrev.all");
        assertThatThrownBy(() -> Workload.tuningTasks(sst2TunedOn("cr").withBiasQueries(5000)))
                .hasMessageContaining("--tune-data cr: ").hasMessageContaining("needs 5000");
    }
}
