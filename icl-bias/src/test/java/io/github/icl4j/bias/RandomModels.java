package io.github.icl4j.bias;

import io.github.icl4j.LoadOptions;
import io.github.icl4j.Model;
import io.github.icl4j.model.ModelConfig;
import io.github.icl4j.model.TransformerWeights;
import io.github.icl4j.runtime.Natives;
import io.github.icl4j.runtime.Tensors;
import io.github.icl4j.testing.TestData;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/** Small random models for tests. */
final class RandomModels {
    private static final java.util.Map<String, Path> PARITY = new java.util.concurrent.ConcurrentHashMap<>();

    static {
        // The parent POM gives tests OMP_NUM_THREADS=2; on the shared 2-core machine that oversubscribes and a tiny
        // forward pass was measured 6x slower (1 s vs 0.17 s for [14, 68] tokens) than with one thread.
        Natives.init();
        torch.set_num_threads(1);
    }

    private RandomModels() {
    }

    /**
     * A random parity checkpoint of icl-core's test-jar ({@code parity/<family>}) as a folder:
     * {@code TestData.resource} cannot make a path into a jar, so the three files are copied to a temporary
     * folder once per JVM.
     */
    static Path parity(String family) {
        return PARITY.computeIfAbsent(family, f -> {
            try {
                Path dir = Files.createTempDirectory("icl-bias-parity-" + f);
                dir.toFile().deleteOnExit();
                for (String name : new String[] {"config.json", "model.safetensors", "tokenizer.json"}) {
                    try (InputStream in = RandomModels.class.getClassLoader()
                            .getResourceAsStream("parity/" + f + "/" + name)) {
                        if (in == null) {
                            throw new IllegalStateException("test resource parity/" + f + "/" + name + " is missing");
                        }
                        Path target = dir.resolve(name);
                        Files.copy(in, target);
                        target.toFile().deleteOnExit();
                    }
                }
                return dir;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    /** Loads {@link #parity(String)}. */
    static Model parityModel(String family) {
        return Model.load(parity(family));
    }

    /**
     * The random parity Llama's blocks (3 layers, 4 heads over 2 key/value heads, d 48, rotary) under a new seeded
     * random embedding of the real GPT-2 vocabulary (50257, tied unembedding) and a 1024-token context, with the
     * GPT-2 tokenizer: real prompts of SST-2 sentences run through it. Skips the test when the tokenizer is absent.
     */
    static Model llamaWithGpt2Vocab(long seed) {
        String tok;
        try {
            tok = Files.readString(TestData.gpt2Tokenizer());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try (Model parity = parityModel("llama")) {
            ModelConfig p = parity.config();
            int vocab = 50257;
            ModelConfig c = ModelConfig.builder(p.modelType(), p.family()).vocabSize(vocab).dModel(p.dModel())
                    .nLayers(p.nLayers()).nHeads(p.nHeads()).nKvHeads(p.nKvHeads()).dHead(p.dHead()).dMlp(p.dMlp())
                    .maxPositions(1024).norm(p.norm(), p.normEps()).activation(p.activation()).gatedMlp(p.gatedMlp())
                    .parallelResidual(p.parallelResidual()).sharedNorm(p.sharedNorm())
                    .rotary(p.rotaryDim(), p.rotaryBase(), p.rotaryStyle())
                    .biases(p.qkvBias(), p.outBias(), p.mlpBias()).lmHeadBias(p.lmHeadBias()).tiedEmbeddings(true)
                    .tokenIds(50256, 50256).build();
            Random r = new Random(seed);
            float[] e = new float[vocab * p.dModel()];
            for (int i = 0; i < e.length; i++) {
                e[i] = (float) (r.nextGaussian() * 0.5);
            }
            Tensor embed = Tensors.fromFloats(e, vocab, p.dModel());
            TransformerWeights w = parity.transformer().weights();
            TransformerWeights nw = new TransformerWeights(embed, null, w.layers(), w.finalNormW(), w.finalNormB(),
                    embed, null);
            return Model.fromWeights(c, nw, tok, LoadOptions.defaults());
        }
    }
}
