package io.github.icl4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.github.icl4j.runtime.Natives;
import io.github.icl4j.runtime.Tensors;
import io.github.icl4j.testing.TestData;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The GPU side of the device map and of the CUDA path (runs in the {@code gpu} build, {@code mvn -Dgpu}, on a machine
 * with a CUDA device; skipped elsewhere): {@code cpu} + {@code cuda:0} maps in both orders and a whole-model
 * {@code cuda:0} load give the CPU model's outputs in fp32, hooks and interventions included, and the hooks see each
 * block's tensors on that block's device.
 */
class DeviceMapGpuTest {

    @BeforeEach
    void needsCuda() {
        Assumptions.assumeTrue(Natives.cudaAvailable(), "no CUDA device (run in the gpu build on a GPU machine)");
    }

    @ParameterizedTest
    @ValueSource(strings = {"cpu@0-0,cuda:0@1-2", "cuda:0@0-1,cpu@2-2", "cuda:0@0-2"})
    void cpuAndCudaRangesGiveTheCpuOutputs(String map) {
        for (String family : List.of("gpt2", "llama", "gemma3")) {
            try (Model cpu = Model.load(TestData.resource("parity/" + family));
                    Model split = Model.load(TestData.resource("parity/" + family),
                            LoadOptions.defaults().withDeviceMap(map))) {
                List<HeadId> heads = List.of(new HeadId(1, 0), new HeadId(2, 1));
                Readout a = read(cpu, heads);
                Readout b = read(split, heads);
                for (int i = 0; i < ProbeTest.toys().size(); i++) {
                    float[] la = a.logits()[i];
                    float[] lb = b.logits()[i];
                    for (int v = 0; v < la.length; v++) {
                        assertThat(lb[v]).as("%s %s logit %d", family, map, v).isCloseTo(la[v], within(2e-4f));
                    }
                    assertThat(b.labelProbabilities().row(i).prob(0))
                            .isCloseTo(a.labelProbabilities().row(i).prob(0), within(1e-5));
                    float[] ha = a.headOutputs().of(i, heads.get(1));
                    float[] hb = b.headOutputs().of(i, heads.get(1));
                    for (int v = 0; v < ha.length; v++) {
                        assertThat(hb[v]).isCloseTo(ha[v], within(2e-4f));
                    }
                }
                // a hook in block 1 sees its tensor on block 1's device
                String[] seen = new String[1];
                Probe.on(split).prompts(ProbeTest.toys()).hook("blocks.1.hook_resid_pre", (x, ctx) -> {
                    seen[0] = x.device().str().getString();
                    return x;
                }).logits();
                assertThat(seen[0]).isEqualTo(DeviceMap.parse(map).deviceOf(1).toString());
            }
        }
    }

    private static Readout read(Model m, List<HeadId> heads) {
        return Probe.on(m).prompts(ProbeTest.toys()).batchSize(2)
                .patchHeads(List.of(heads.get(1)), Patch.scale(0.5))
                .hook("blocks.1.hook_resid_pre", (x, ctx) -> x.mul(Tensors.scalar(1.25)))
                .read(Read.labelProbabilities(), Read.headOutputs(), Read.logits());
    }
}
