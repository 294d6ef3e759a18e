package io.github.icl4j.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.apache.spark.SparkException;
import org.junit.jupiter.api.Test;

/** Executor failures become one driver-side message; specs reject bad values with the value and the range. */
class SparkErrorsTest {

    @Test
    void anExecutorsIllegalArgumentIsReportedByItsOwnMessage() {
        IllegalArgumentException onExecutor = new IllegalArgumentException("model '/shared/m' cannot be loaded on "
                + "executor 3 on host-b: /shared/m: no config.json");
        RuntimeException chained = SparkHeads.explain(new SparkException("Job aborted due to stage failure", onExecutor));
        assertThat(chained).isInstanceOf(IllegalArgumentException.class).hasMessage(onExecutor.getMessage());
        // a cluster may hand back only the text of the executor's exception
        RuntimeException text = SparkHeads.explain(new SparkException("Job aborted due to stage failure: Task 2 in "
                + "stage 1.0 failed 4 times, most recent failure: Lost task 2.3 (TID 9) (host-b executor 3): "
                + "java.lang.IllegalArgumentException: prompts of sst2 seed 1 cannot be built on executor 3 on host-b: "
                + "no data\n\tat io.github.icl4j.spark.ModelCache.prompts(ModelCache.java:80)\n"));
        assertThat(text).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("prompts of sst2 seed 1 cannot be built on executor 3 on host-b: no data");
        RuntimeException other = new IllegalStateException("out of memory");
        assertThat(SparkHeads.explain(other)).isSameAs(other);
        SparkException checked = new SparkException("Job aborted: executor lost");
        assertThat(SparkHeads.explain(checked)).isInstanceOf(IllegalStateException.class).hasCause(checked)
                .hasMessage("Job aborted: executor lost");
    }

    @Test
    void specsNameTheBadValue() {
        assertThatThrownBy(() -> new ModelSpec("m", "tpu", "fp32")).hasMessageContaining("device 'tpu'");
        assertThatThrownBy(() -> new ModelSpec("m", "cpu", "int8")).hasMessageContaining("dtype 'int8'");
        assertThatThrownBy(() -> ModelSpec.of(" ")).hasMessageContaining("model path must not be blank");
        assertThatThrownBy(() -> PromptSpec.of("sst2", 1, 0)).hasMessageContaining("prompts 0 out of range");
        assertThatThrownBy(() -> new PromptSpec("sst2", null, 1, 4, 2, List.of("a"), 0, 1))
                .hasMessageContaining("labels [a]");
        assertThatThrownBy(() -> HeadSpec.defaults().withAblationLayers(3, 2))
                .hasMessageContaining("ablation layers [3, 2)");
        assertThatThrownBy(() -> HeadSpec.defaults().withBatch(0, 8)).hasMessageContaining("batchSize 0");
        assertThatThrownBy(() -> SparkSessions.local("yarn")).hasMessageContaining("master 'yarn'");
    }
}
