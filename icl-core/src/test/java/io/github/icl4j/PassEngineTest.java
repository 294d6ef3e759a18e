package io.github.icl4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.github.icl4j.engine.Chunk;
import io.github.icl4j.engine.Forward;
import io.github.icl4j.engine.Pass;
import io.github.icl4j.engine.Reads;
import io.github.icl4j.runtime.Tensors;
import io.github.icl4j.testing.TestData;
import java.util.List;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The pass engine: one forward reads many things, equal to what separate passes and the full forward give. */
class PassEngineTest {
    static Model llama;

    /** ProbeTest's prompts: a shared 6-token prefix (reused), label positions 2 and 5, label ids 7 / 9. */
    static List<ProbeTest.Toy> toys() {
        return ProbeTest.toys();
    }

    @BeforeAll
    static void load() {
        llama = Model.load(TestData.resource("parity/llama"));
    }

    @AfterAll
    static void close() {
        llama.close();
    }

    @Test
    void oneReadOfSeveralQuantitiesEqualsSeparateTerminals() {
        var step = Probe.on(llama).prompts(toys()).batchSize(2);
        Readout r = step.read(Read.labelProbabilities(), Read.attentionAtLabels(), Read.headOutputs(), Read.logits(),
                Read.residuals(0, llama.config().nLayers()));
        LabelProbabilities lp = step.labelProbabilities();
        HeadId h = new HeadId(1, 2);
        for (int i = 0; i < toys().size(); i++) {
            // reading attention switches to the explicit-softmax path: equal up to float rounding
            assertThat(r.labelProbabilities().row(i).prob(0)).isCloseTo(lp.row(i).prob(0), within(1e-5));
            assertThat(r.labelProbabilities().row(i).predicted()).isEqualTo(lp.row(i).predicted());
            assertThat(r.attention().of(i, h)).containsExactly(step.attentionAtLabels().of(i, h));
            assertClose(r.headOutputs().of(i, h), step.headOutputs().of(i, h), 1e-5f);
            assertClose(r.logits()[i], step.logits()[i], 1e-4f);
            assertThat(r.residuals().get(0)[i]).hasSize(llama.config().dModel());
        }
        assertThat(r.toString()).contains("residuals at [0, " + llama.config().nLayers() + "]");
        assertThatThrownBy(() -> step.read()).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at least one Read");
    }

    private static void assertClose(float[] a, float[] b, float tol) {
        assertThat(a).hasSameSizeAs(b);
        for (int v = 0; v < a.length; v++) {
            assertThat(a[v]).as("entry %d", v).isCloseTo(b[v], within(tol));
        }
    }

    @Test
    void lastLogitsEqualTheFullForwardAtTheLastPosition() {
        ProbeTest.Toy t = toys().get(3);
        TokenBatch b = TokenBatch.of(t.tokenIds());
        float[] last = llama.lastLogits(b)[0];
        try (PointerScope scope = new PointerScope()) {
            Tensor all = llama.logits(b, Hooks.none()); // [1, s, vocab]
            float[] want = Tensors.toFloats(all.select(0, 0).select(0, t.tokenIds().length - 1));
            for (int v = 0; v < want.length; v++) {
                assertThat(last[v]).isCloseTo(want[v], within(1e-4f));
            }
        }
    }

    @Test
    void forwardFromALayerEqualsTheFullForward() {
        ProbeTest.Toy t = toys().get(0);
        int n = llama.config().nLayers();
        int[] last = {t.tokenIds().length - 1};
        for (int layer = 0; layer <= n; layer++) {
            try (PointerScope scope = new PointerScope()) {
                TokenBatch b = TokenBatch.of(t.tokenIds());
                String at = layer == n ? HookPoint.residPost(n - 1) : HookPoint.residPre(layer);
                Chunk full = Forward.run(llama, b, last, Hooks.none(), Reads.none().lastLogits().activations(at));
                Chunk tail = Forward.runFrom(llama, layer, layer == n ? full.activation(at) : full.activation(at), b,
                        last, Hooks.none(), Reads.none().lastLogits(), full.prompts());
                assertThat(Tensors.toFloats(tail.lastLogits())).containsExactly(Tensors.toFloats(full.lastLogits()));
            }
        }
        try (PointerScope scope = new PointerScope()) {
            Tensor r = Tensors.fromFloats(new float[3], 1, 3);
            assertThatThrownBy(() -> llama.transformer().forwardFrom(0, r, null, null, Hooks.none()))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("does not match");
            assertThatThrownBy(() -> llama.transformer().forwardFrom(n + 1, r, null, null, Hooks.none()))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("out of range");
        }
    }

    @Test
    void sortedBatchesMapRowsBackAndUnreadQuantitiesAreRefused() {
        List<ProbeTest.Toy> ps = toys();
        float[][] sorted = new float[ps.size()][];
        Pass.over(llama, ps).batchSize(2).sortByLength(true).reads(Reads.none().lastLogits()).forEach(c -> {
            for (int i = 0; i < c.size(); i++) {
                sorted[c.index(i)] = Tensors.toFloats(c.lastLogits().select(0, i));
            }
            assertThatThrownBy(() -> c.attentionRows(0)).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("not read");
        });
        float[][] plain = Probe.on(llama).prompts(ps).batchSize(1).logits();
        for (int i = 0; i < ps.size(); i++) {
            for (int v = 0; v < plain[i].length; v++) {
                assertThat(sorted[i][v]).isCloseTo(plain[i][v], within(1e-4f));
            }
        }
        assertThatThrownBy(() -> Forward.run(llama, TokenBatch.of(new long[] {1, 2}), new int[] {1}, Hooks.none(),
                Reads.none())).isInstanceOf(IllegalStateException.class).hasMessageContaining("PointerScope");
    }
}
