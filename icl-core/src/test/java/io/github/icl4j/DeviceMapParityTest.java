package io.github.icl4j;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.icl4j.runtime.Tensors;
import io.github.icl4j.testing.TestData;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A {@code cpu}-only map of several ranges crosses every range boundary of a real split (the residual, masks and
 * rotary tables handed to the next range) and must give the single-device outputs bit for bit: through the engine's
 * multi-read, with head patches, attention knock-outs, a custom hook, prefix reuse and the activation cache.
 */
class DeviceMapParityTest {

    @ParameterizedTest
    @ValueSource(strings = {"gpt2", "llama", "gemma3"})
    void cpuRangesGiveTheSingleDeviceOutputs(String family) {
        try (Model one = Model.load(TestData.resource("parity/" + family));
                Model split = Model.load(TestData.resource("parity/" + family),
                        LoadOptions.defaults().withDeviceMap("cpu@0-0,cpu@1-1,cpu@2-2"))) {
            assertThat(split.options().placement()).isEqualTo(DeviceMap.parse("cpu@0-0,cpu@1-1,cpu@2-2"));
            int n = one.config().nLayers();
            List<HeadId> heads = List.of(new HeadId(1, 0), new HeadId(2, 1));
            for (boolean reuse : new boolean[] {true, false}) {
                Readout a = read(one, reuse, heads);
                Readout b = read(split, reuse, heads);
                for (int i = 0; i < ProbeTest.toys().size(); i++) {
                    assertThat(b.logits()[i]).containsExactly(a.logits()[i]);
                    assertThat(b.labelProbabilities().row(i).prob(0)).isEqualTo(a.labelProbabilities().row(i).prob(0));
                    assertThat(b.attention().of(i, heads.get(0))).containsExactly(a.attention().of(i, heads.get(0)));
                    assertThat(b.headOutputs().of(i, heads.get(1))).containsExactly(a.headOutputs().of(i, heads.get(1)));
                    for (Map.Entry<Integer, float[][]> e : a.residuals().entrySet()) {
                        assertThat(b.residuals().get(e.getKey())[i]).as("residual %d", e.getKey())
                                .containsExactly(e.getValue()[i]);
                    }
                }
                assertThat(a.residuals()).containsOnlyKeys(0, 1, 2, n);
            }
            // the activation cache: every block's hooks on the split model equal the single-device ones
            String[] names = {HookPoint.z(0), HookPoint.z(2), "blocks.1.hook_resid_pre", "blocks.2.hook_resid_post",
                "ln_final.hook_normalized"};
            ActivationCache ca = Probe.on(one).prompts(ProbeTest.toys()).cache(names);
            ActivationCache cb = Probe.on(split).prompts(ProbeTest.toys()).cache(names);
            for (String name : names) {
                assertThat(cb.floats(name)).as(name).containsExactly(ca.floats(name));
            }
        }
    }

    private static Readout read(Model m, boolean reuse, List<HeadId> heads) {
        return Probe.on(m).prompts(ProbeTest.toys()).batchSize(2).reusePrefix(reuse)
                .patchHeads(List.of(heads.get(1)), Patch.scale(0.5))
                .knockAttention(List.of(new HeadId(2, 0)), 1)
                .hook("blocks.1.hook_resid_pre", (x, ctx) -> x.mul(Tensors.scalar(1.25)))
                .read(Read.labelProbabilities(), Read.attentionAtLabels(), Read.headOutputs(), Read.logits(),
                        Read.residuals(0, 1, 2, m.config().nLayers()));
    }
}
