package io.github.icl4j.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.icl4j.Hooks;
import io.github.icl4j.Model;
import io.github.icl4j.TokenBatch;
import io.github.icl4j.runtime.Tensors;
import io.github.icl4j.testing.TestData;
import java.nio.file.Path;
import org.bytedeco.javacpp.PointerScope;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Saving a model of each newer family writes a config.json and weights that load back into the same model: the
 * same config (rope scaling, q/k norm, sublayer norms, windows, attention scale) and the same logits.
 */
class SaveRoundTripTest {
    @TempDir
    Path tmp;

    @ParameterizedTest
    @ValueSource(strings = {"llama3", "llama_bias_linear", "llama_dynamic", "llama_yarn", "qwen3", "qwen2_window",
        "phi3", "olmo2", "gpt_neox_odd", "gpt2_scaling", "gemma", "gemma2", "gemma3"})
    void aSavedModelLoadsBackIdentical(String family) {
        long[][] ids = {{3, 17, 42, 99, 5, 1, 64, 23, 100}, {1, 2, 3, 4, 5}};
        Path out = tmp.resolve(family);
        try (Model a = Model.load(TestData.resource("parity/" + family)); PointerScope s = new PointerScope()) {
            a.save(out);
            try (Model b = Model.load(out)) {
                ModelConfig x = a.config();
                ModelConfig y = b.config();
                assertThat(y.ropeScaling()).isEqualTo(x.ropeScaling());
                assertThat(y.rotaryDim()).isEqualTo(x.rotaryDim());
                assertThat(y.rotaryBase()).isEqualTo(x.rotaryBase());
                assertThat(y.qkNorm()).isEqualTo(x.qkNorm());
                assertThat(y.preNorms()).isEqualTo(x.preNorms());
                assertThat(y.postNorms()).isEqualTo(x.postNorms());
                assertThat(y.attentionScale()).isEqualTo(x.attentionScale());
                assertThat(y.scaleAttnByInverseLayer()).isEqualTo(x.scaleAttnByInverseLayer());
                assertThat(y.dHead()).isEqualTo(x.dHead());
                assertThat(y.qkvBias()).isEqualTo(x.qkvBias());
                assertThat(y.outBias()).isEqualTo(x.outBias());
                assertThat(y.mlpBias()).isEqualTo(x.mlpBias());
                for (int l = 0; l < x.nLayers(); l++) {
                    assertThat(y.windowAt(l)).as("window of layer " + l).isEqualTo(x.windowAt(l));
                }
                TokenBatch batch = TokenBatch.of(ids);
                assertThat(Tensors.maxAbsDiff(a.logits(batch, Hooks.none()), b.logits(batch, Hooks.none())))
                        .isZero();
            }
        }
    }
}
