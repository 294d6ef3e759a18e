package io.github.icl4j.heads;

import io.github.icl4j.Dataset;
import io.github.icl4j.Datasets;
import io.github.icl4j.Example;
import io.github.icl4j.IclPrompt;
import io.github.icl4j.LoadOptions;
import io.github.icl4j.Model;
import io.github.icl4j.model.Activation;
import io.github.icl4j.model.LayerWeights;
import io.github.icl4j.model.ModelConfig;
import io.github.icl4j.model.ModelConfig.Family;
import io.github.icl4j.model.ModelConfig.NormKind;
import io.github.icl4j.model.ModelConfig.PositionKind;
import io.github.icl4j.model.ModelConfig.RotaryStyle;
import io.github.icl4j.model.TransformerWeights;
import io.github.icl4j.runtime.Natives;
import io.github.icl4j.runtime.Tensors;
import io.github.icl4j.testing.TestData;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;

/** Prompts and random models for the tests and the benchmark. */
public final class Fixtures {
    /** Label token ids of the toy prompts (tiny 101-token vocabularies). */
    public static final long FOO = 7;
    public static final long BAR = 9;
    static final long SENTENCE = 11;
    static final long COLON = 12;
    static final long LABEL = 13;
    static final long NEWLINE = 14;

    private static final java.util.Map<String, Path> PARITY = new java.util.concurrent.ConcurrentHashMap<>();

    private Fixtures() {
    }

    /**
     * A small random Hugging Face checkpoint of icl-core's tests (gpt2, gptj, gpt_neox, llama, mistral, qwen2:
     * vocabulary 101, 3 layers, 4 heads, context 64), copied out of the test jar into a temporary folder once.
     */
    public static Path parity(String family) {
        return PARITY.computeIfAbsent(family, f -> {
            try {
                Path dir = Files.createTempDirectory("icl-heads-parity-" + f);
                for (String name : List.of("config.json", "model.safetensors", "tokenizer.json")) {
                    try (var in = Fixtures.class.getClassLoader().getResourceAsStream("parity/" + f + "/" + name)) {
                        if (in == null) {
                            throw new IllegalStateException("test resource parity/" + f + "/" + name + " is missing");
                        }
                        Files.copy(in, dir.resolve(name));
                    }
                    dir.resolve(name).toFile().deleteOnExit();
                }
                dir.toFile().deleteOnExit();
                return dir;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    /** Loads {@link #parity(String)}. */
    public static Model parityModel(String family) {
        return Model.load(parity(family));
    }

    /**
     * Toy in-context prompts over a 101-token vocabulary: {@code demos} demonstrations alternating foo/bar
     * (starting with {@code i % 2}), each "Sentence : w.. \n Label : L \n", then the query; gold alternates.
     */
    public static List<IclPrompt> toys(int n, int demos, int words, long seed) {
        Random rng = new Random(seed);
        List<IclPrompt> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            List<Long> ids = new ArrayList<>();
            int[] labelPos = new int[demos];
            int[] labels = new int[demos];
            List<IclPrompt.Span> spans = new ArrayList<>();
            for (int d = 0; d < demos; d++) {
                ids.add(SENTENCE);
                ids.add(COLON);
                int s = ids.size();
                int len = words + rng.nextInt(2);
                for (int w = 0; w < len; w++) {
                    ids.add(20L + rng.nextInt(81));
                }
                spans.add(new IclPrompt.Span(s, ids.size()));
                ids.add(NEWLINE);
                ids.add(LABEL);
                ids.add(COLON);
                labels[d] = (d + i) % 2;
                labelPos[d] = ids.size();
                ids.add(labels[d] == 0 ? FOO : BAR);
                ids.add(NEWLINE);
            }
            ids.add(SENTENCE);
            ids.add(COLON);
            int qs = ids.size();
            for (int w = 0; w < words; w++) {
                ids.add(20L + rng.nextInt(81));
            }
            IclPrompt.Span q = new IclPrompt.Span(qs, ids.size());
            ids.add(NEWLINE);
            ids.add(LABEL);
            ids.add(COLON);
            long[] arr = ids.stream().mapToLong(Long::longValue).toArray();
            out.add(new IclPrompt("toy " + i, arr, labelPos, labels, spans, q, arr.length - 1, i % 2,
                    new long[] {FOO, BAR}, List.of(" foo", " bar"), 0));
        }
        return out;
    }

    /** The GPT-2 tokenizer.json text (skips the test when the shared data is absent). */
    public static String gpt2TokenizerJson() {
        try {
            return Files.readString(TestData.gpt2Tokenizer());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** SST-2 prompts with the GPT-2 tokenizer: {@code n} queries, per-query demonstrations ({@code k} per class). */
    public static List<IclPrompt> sst2(Model model, int n, int k, long seed) {
        Path train = TestData.requireData("datasets/sst2/stsa.binary.train");
        Dataset pool = Datasets.load("sst2", "train");
        Dataset test = Datasets.load("sst2", "test").balanced(n / 2, seed);
        List<Example> queries = new ArrayList<>(test.examples());
        assert train != null;
        return IclPrompt.builder(model.tokenizer()).buildEpisodes(pool, queries.subList(0, n), new int[] {k, k}, seed);
    }

    /**
     * A random Llama-family model in memory: RMSNorm, rotary, gated SiLU MLP, {@code kvHeads} key/value heads.
     * Weights from a seeded {@link Random}, matrices with standard deviation {@code 1/sqrt(fan-in)}.
     */
    public static Model randomLlama(int vocab, int d, int layers, int heads, int kvHeads, int maxPositions, long seed,
            String tokenizerJson) {
        ModelConfig cfg = ModelConfig.builder("llama", Family.LLAMA).vocabSize(vocab).dModel(d).nLayers(layers)
                .nHeads(heads).nKvHeads(kvHeads).dHead(d / heads).dMlp(2 * d).maxPositions(maxPositions)
                .norm(NormKind.RMS_NORM, 1e-5).activation(Activation.SILU).gatedMlp(true)
                .rotary(d / heads, 10000.0, RotaryStyle.HALF).build();
        return build(cfg, seed, tokenizerJson);
    }

    /** A random GPT-2 model in memory (LayerNorm with biases, learned positions, tied embeddings). */
    public static Model randomGpt2(int vocab, int d, int layers, int heads, int maxPositions, long seed,
            String tokenizerJson) {
        ModelConfig cfg = ModelConfig.builder("gpt2", Family.GPT2).vocabSize(vocab).dModel(d).nLayers(layers)
                .nHeads(heads).nKvHeads(heads).dHead(d / heads).dMlp(4 * d).maxPositions(maxPositions)
                .norm(NormKind.LAYER_NORM, 1e-5).activation(Activation.GELU_TANH).absolutePositions()
                .biases(true, true, true).tiedEmbeddings(true).build();
        return build(cfg, seed, tokenizerJson);
    }

    /**
     * A random Gemma 3-style model in memory: (1 + w) RMSNorms before and after attention and the MLP, q/k norms
     * per head, sqrt(d)-scaled tied embeddings, the first layer sliding (window 3) with its own rotary base.
     */
    public static Model randomGemma3(int vocab, int d, int layers, int heads, int maxPositions, long seed,
            String tokenizerJson) {
        List<ModelConfig.AttentionType> types = new ArrayList<>();
        for (int l = 0; l < layers; l++) {
            types.add(l == 0 ? ModelConfig.AttentionType.SLIDING : ModelConfig.AttentionType.FULL);
        }
        ModelConfig cfg = ModelConfig.builder("gemma3_text", Family.LLAMA).vocabSize(vocab).dModel(d).nLayers(layers)
                .nHeads(heads).nKvHeads(1).dHead(d / heads).dMlp(2 * d).maxPositions(maxPositions)
                .norm(NormKind.RMS_NORM, 1e-6).activation(Activation.GELU_TANH).gatedMlp(true)
                .rotary(d / heads, 1e6, RotaryStyle.HALF).tiedEmbeddings(true).slidingWindow(3).layerTypes(types)
                .normWeightOffset(1.0).sublayerNorms(true, true).qkNorm(ModelConfig.QkNorm.PER_HEAD)
                .embeddingScale(Math.sqrt(d)).localRotaryBase(1e4).build();
        return build(cfg, seed, tokenizerJson);
    }

    private static Model build(ModelConfig c, long seed, String tokenizerJson) {
        Natives.init();
        Random rng = new Random(seed);
        int d = c.dModel();
        int q = c.nHeads() * c.dHead();
        int kv = c.nKvHeads() * c.dHead();
        int f = c.dMlp();
        boolean ln = c.norm() == NormKind.LAYER_NORM;
        try (PointerScope scope = new PointerScope()) {
            Tensor embed = normal(rng, 1.0, c.vocabSize(), d);
            Tensor pos = c.hasRotary() ? null : normal(rng, 0.5, c.maxPositions(), d);
            List<LayerWeights> layers = new ArrayList<>();
            for (int l = 0; l < c.nLayers(); l++) {
                layers.add(new LayerWeights(scale(rng, d), ln ? vec(rng, 0.1, d) : null, scale(rng, d),
                        ln ? vec(rng, 0.1, d) : null,
                        normal(rng, 1 / Math.sqrt(d), q, d), c.qkvBias() ? vec(rng, 0.1, q) : null,
                        normal(rng, 1 / Math.sqrt(d), kv, d), c.qkvBias() ? vec(rng, 0.1, kv) : null,
                        normal(rng, 1 / Math.sqrt(d), kv, d), c.qkvBias() ? vec(rng, 0.1, kv) : null,
                        normal(rng, 1 / Math.sqrt(q), d, q), c.outBias() ? vec(rng, 0.1, d) : null,
                        c.gatedMlp() ? normal(rng, 1 / Math.sqrt(d), f, d) : null,
                        normal(rng, 1 / Math.sqrt(d), f, d), c.mlpBias() ? vec(rng, 0.1, f) : null,
                        normal(rng, 1 / Math.sqrt(f), d, f), c.mlpBias() ? vec(rng, 0.1, d) : null, null,
                        c.qkNorm() == ModelConfig.QkNorm.PER_HEAD ? vec(rng, 0.3, c.dHead()) : null, c.qkNorm() == ModelConfig.QkNorm.PER_HEAD ? vec(rng, 0.3, c.dHead()) : null,
                        c.postNorms() ? vec(rng, 0.3, d) : null, null, c.postNorms() ? vec(rng, 0.3, d) : null, null));
            }
            Tensor unembed = c.tiedEmbeddings() ? embed : normal(rng, 1 / Math.sqrt(d), c.vocabSize(), d);
            TransformerWeights w = new TransformerWeights(embed, pos, layers, scale(rng, d),
                    ln ? vec(rng, 0.1, d) : null, unembed, null);
            return Model.fromWeights(c, w, tokenizerJson, LoadOptions.defaults());
        }
    }

    private static Tensor normal(Random rng, double std, int rows, int cols) {
        float[] v = new float[rows * cols];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (rng.nextGaussian() * std);
        }
        return Tensors.fromFloats(v, rows, cols);
    }

    private static Tensor vec(Random rng, double std, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (rng.nextGaussian() * std);
        }
        return Tensors.fromFloats(v, n);
    }

    private static Tensor scale(Random rng, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (1 + 0.1 * rng.nextGaussian());
        }
        return Tensors.fromFloats(v, n);
    }
}
