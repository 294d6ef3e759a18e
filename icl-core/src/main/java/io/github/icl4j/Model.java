package io.github.icl4j;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.github.icl4j.checkpoint.HfCheckpoint;
import io.github.icl4j.checkpoint.InvalidCheckpointException;
import io.github.icl4j.checkpoint.SafetensorsWriter;
import io.github.icl4j.checkpoint.WeightSource;
import io.github.icl4j.gguf.GgufFile;
import io.github.icl4j.gguf.GgufTokenizerJson;
import io.github.icl4j.gguf.GgufWeightSource;
import io.github.icl4j.model.ArchitectureAdapter;
import io.github.icl4j.model.KvCache;
import io.github.icl4j.model.ModelConfig;
import io.github.icl4j.model.Transformer;
import io.github.icl4j.model.TransformerWeights;
import io.github.icl4j.model.arch.Adapters;
import io.github.icl4j.runtime.Natives;
import io.github.icl4j.runtime.Tensors;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A loaded decoder-only language model with its tokenizer: the object every icl4j analysis starts from.
 *
 * <p>Owns native memory (its weights): close it.
 * <pre>{@code
 * try (Model model = Model.load(Path.of("checkpoints/llama-tiny"))) {
 *     float[][] last = model.lastLogits(TokenBatch.of(model.tokenizer().encode("Hello").ids()));
 * }
 * }</pre>
 * Supported {@code model_type}s: gpt2, gptj, gpt_neox, llama, mistral, qwen2.
 */
public final class Model implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Model.class);
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** Class-path folder of the built-in model's files in the icl-core jar ({@link #builtin()}). */
    public static final String BUILTIN_RESOURCES = "/io/github/icl4j/builtin/";

    private final ModelConfig config;
    private final ArchitectureAdapter adapter;
    private final Transformer transformer;
    private final Tokenizer tokenizer;
    private final String tokenizerJson;
    private final LoadOptions options;
    private final List<Tensor> owned;
    private final String source;
    private volatile boolean closed;

    private Model(ModelConfig config, ArchitectureAdapter adapter, TransformerWeights weights, Tokenizer tokenizer,
            String tokenizerJson, LoadOptions options, String source) {
        this.config = config;
        this.adapter = adapter;
        this.transformer = new Transformer(config, weights);
        this.tokenizer = tokenizer;
        this.tokenizerJson = tokenizerJson;
        this.options = options;
        this.source = source;
        this.owned = weights.parameters();
        // keep the weights beyond the loading scope; released in close()
        owned.forEach(Tensor::retainReference);
    }

    /** Loads a Hugging Face model directory on the CPU in fp32. */
    public static Model load(Path dir) {
        return load(dir, LoadOptions.defaults());
    }

    /**
     * Loads a Hugging Face model directory ({@code config.json}, safetensors weights, optional
     * {@code tokenizer.json}), or a {@code .gguf} file.
     *
     * @throws InvalidCheckpointException naming the file and what is wrong
     * @throws IllegalArgumentException   for an unsupported model type or a CUDA device without CUDA natives
     */
    public static Model load(Path dir, LoadOptions options) {
        return load(dir, options, dir.toString());
    }

    /**
     * The built-in model, from the icl-core jar: a 3-layer, 8-head, attention-only Llama trained by the project on a
     * synthetic foo/bar in-context task (its card: {@code io/github/icl4j/builtin/MODEL_CARD.md} in this jar; the
     * task: {@link io.github.icl4j.train.SyntheticIclTask#builtin()}), on the CPU in fp32. It needs no download, so
     * examples and tests can find in-context heads in a real, trained model. One thread is fastest for it
     * ({@code -Dicl4j.threads=1}).
     * <pre>{@code
     * try (Model model = Model.builtin()) {
     *     System.out.println(model.tokenizer().encode(" foo bar").ids().length);
     * }
     * }</pre>
     *
     * @throws IllegalStateException when the built-in files are not on the class path
     */
    public static Model builtin() {
        return builtin(LoadOptions.defaults());
    }

    /**
     * The built-in model (see {@link #builtin()}) on a device and in a precision of choice. Its files are copied
     * from the class path to a private temporary folder that is deleted again before this method returns.
     *
     * @throws IllegalStateException    when the built-in files are not on the class path
     * @throws IllegalArgumentException for a CUDA device without CUDA natives
     */
    public static Model builtin(LoadOptions options) {
        return BuiltinCheckpoint.load(dir -> load(dir, options, BuiltinCheckpoint.SOURCE));
    }

    /** True when the built-in model's files are on the class path (they are in the icl-core jar). */
    public static boolean builtinAvailable() {
        return BuiltinCheckpoint.available();
    }

    private static Model load(Path dir, LoadOptions options, String source) {
        Natives.init();
        checkDevice(options.device());
        if (Files.isRegularFile(dir) && dir.getFileName().toString().toLowerCase(java.util.Locale.ROOT).endsWith(".gguf")) {
            return loadGguf(dir, options);
        }
        Path configFile = dir.resolve("config.json");
        if (!Files.isRegularFile(configFile)) {
            throw new InvalidCheckpointException(dir + ": no config.json (expected a Hugging Face model directory)");
        }
        JsonNode json = readJson(configFile);
        String type = json.path("model_type").asText(null);
        ArchitectureAdapter adapter = Adapters.forModelType(type, configFile);
        ModelConfig config = adapter.parseConfig(json, configFile);
        Path tokFile = dir.resolve("tokenizer.json");
        String tokJson = null;
        if (Files.isRegularFile(tokFile)) {
            try {
                tokJson = Files.readString(tokFile, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + tokFile, e);
            }
        }
        try (HfCheckpoint weights = HfCheckpoint.open(dir)) {
            // the built-in model's files sit in a temporary folder: name it, not the folder, in messages
            String tokSource = source.equals(dir.toString()) ? tokFile.toString() : source + " tokenizer.json";
            return fromSource(config, adapter, weights, tokJson, tokSource, options, source);
        }
    }

    /**
     * Loads a llama.cpp GGUF file (architecture {@code llama}: Llama, Mistral, SmolLM2), dequantising to the
     * requested dtype, with the tokenizer rebuilt from the file's metadata.
     */
    private static Model loadGguf(Path file, LoadOptions options) {
        try (GgufFile f = GgufFile.open(file)) {
            JsonNode hfConfig = f.toHfConfig();
            String type = hfConfig.path("model_type").asText("llama");
            ArchitectureAdapter adapter = Adapters.forModelType(type, file);
            ModelConfig config = adapter.parseConfig(hfConfig, file);
            String tokenizer = f.has("tokenizer.ggml.model") ? GgufTokenizerJson.toTokenizerJson(f) : null;
            try (GgufWeightSource weights = GgufWeightSource.of(f)) {
                return fromSource(config, adapter, weights, tokenizer, file + " (tokenizer metadata)", options,
                        file.toString());
            }
        }
    }

    /**
     * Builds a model from any weight source with Hugging Face names (a GGUF file's, for example) and the text
     * of a {@code tokenizer.json} (or null).
     */
    public static Model fromSource(ModelConfig config, ArchitectureAdapter adapter, WeightSource weights,
            String tokenizerJson, String tokenizerSource, LoadOptions options, String source) {
        Natives.init();
        checkDevice(options.device());
        long t0 = System.nanoTime();
        Model m;
        try (PointerScope scope = new PointerScope()) {
            TransformerWeights w = adapter.load(weights, config, options.dtype(), options.device());
            Tokenizer tok = tokenizerJson == null ? null : Tokenizer.fromJson(tokenizerJson, tokenizerSource);
            m = new Model(config, adapter, w, tok, tokenizerJson, options, source);
        }
        LOG.info("loaded {} from {} on {} in {} ({} ms)", config, source, options.device(), options.dtype(),
                (System.nanoTime() - t0) / 1_000_000);
        return m;
    }

    /** Wraps weights made in memory (random initialisation, training). The weights are retained. */
    public static Model fromWeights(ModelConfig config, TransformerWeights weights, String tokenizerJson,
            LoadOptions options) {
        Natives.init();
        Tokenizer tok = tokenizerJson == null ? null : Tokenizer.fromJson(tokenizerJson, "in-memory tokenizer.json");
        return new Model(config, Adapters.forModelType(config.modelType(), Path.of("<memory>")), weights, tok,
                tokenizerJson, options, "<memory>");
    }

    private static void checkDevice(DeviceSpec device) {
        if (device.isCuda() && !Natives.cudaAvailable()) {
            throw new IllegalArgumentException("device " + device + " requested but CUDA is not available: build with "
                    + "the gpu profile (mvn -Dgpu) on a machine with CUDA 13 and cuDNN 9");
        }
    }

    private static JsonNode readJson(Path file) {
        try {
            JsonNode n = JSON.readTree(file.toFile());
            if (n == null || !n.isObject()) {
                throw new InvalidCheckpointException(file + ": expected a JSON object");
            }
            return n;
        } catch (IOException e) {
            throw new InvalidCheckpointException(file + ": not valid JSON: " + e.getMessage(), e);
        }
    }

    /** The architecture. */
    public ModelConfig config() {
        return config;
    }

    /**
     * The tokenizer.
     *
     * @throws IllegalStateException when the model was loaded without a {@code tokenizer.json}
     */
    public Tokenizer tokenizer() {
        checkOpen();
        if (tokenizer == null) {
            throw new IllegalStateException(source + " has no tokenizer.json");
        }
        return tokenizer;
    }

    /** True when a tokenizer was loaded. */
    public boolean hasTokenizer() {
        return tokenizer != null;
    }

    /** The forward pass, for code that works with tensors directly. */
    public Transformer transformer() {
        checkOpen();
        return transformer;
    }

    public LoadOptions options() {
        return options;
    }

    /** Where the model came from. */
    public String source() {
        return source;
    }

    /**
     * Logits {@code [b, width, vocab]} of a batch, inside the caller's {@code PointerScope}, gradients off.
     *
     * @throws IllegalArgumentException for token ids outside the vocabulary or sequences longer than the context
     * @throws IllegalStateException    after {@link #close()}
     */
    public Tensor logits(TokenBatch batch, Hooks hooks) {
        return logits(batch, hooks, null);
    }

    /** As {@link #logits(TokenBatch, Hooks)}, continuing from (and appending to) a key/value cache. */
    public Tensor logits(TokenBatch batch, Hooks hooks, KvCache cache) {
        checkOpen();
        batch.validate(config.vocabSize(), config.maxPositions(), cache == null ? 0 : cache.length());
        hooks.validate(config.nLayers());
        try (NoGradGuard g = new NoGradGuard()) {
            return transformer.forward(batch.ids(), batch.mask(), null, hooks, cache);
        }
    }

    /**
     * Runs a batch only to fill {@code cache} with its keys and values (no unembedding): the shared prefix
     * of many prompts. Inside the caller's scope.
     */
    public void prefill(TokenBatch batch, Hooks hooks, KvCache cache) {
        checkOpen();
        batch.validate(config.vocabSize(), config.maxPositions(), cache.length());
        hooks.validate(config.nLayers());
        try (NoGradGuard g = new NoGradGuard()) {
            transformer.hidden(batch.ids(), batch.mask(), null, hooks, cache);
        }
    }

    /** Logits at each sequence's last real token, copied to Java ({@code [b][vocab]}). */
    public float[][] lastLogits(TokenBatch batch) {
        checkOpen();
        try (PointerScope scope = new PointerScope()) {
            Tensor logits = logits(batch, Hooks.none());
            float[][] out = new float[batch.size()][];
            for (int i = 0; i < batch.size(); i++) {
                out[i] = Tensors.toFloats(logits.select(0, i).select(0, batch.lastIndex(i)));
            }
            return out;
        }
    }

    /** Saves config.json, model.safetensors and tokenizer.json (if any) in the Hugging Face layout. */
    public void save(Path dir) {
        checkOpen();
        try (PointerScope scope = new PointerScope()) {
            Files.createDirectories(dir);
            SafetensorsWriter.write(dir.resolve("model.safetensors"), adapter.export(transformer.weights(), config),
                    java.util.Map.of("format", "pt"));
            SafetensorsWriter.writeTextAtomically(dir.resolve("config.json"),
                    JSON.writeValueAsString(adapter.toConfigJson(config)));
            if (tokenizerJson != null) {
                SafetensorsWriter.writeTextAtomically(dir.resolve("tokenizer.json"), tokenizerJson);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot save model to " + dir, e);
        }
    }

    /** The text of the tokenizer.json, or null. */
    public String tokenizerJson() {
        return tokenizerJson;
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("model " + source + " is closed");
        }
    }

    /** True after {@link #close()}. */
    public boolean isClosed() {
        return closed;
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        owned.forEach(Tensor::releaseReference);
        if (tokenizer != null) {
            tokenizer.close();
        }
    }

    @Override
    public String toString() {
        return "Model[" + config + " from " + source + ", " + options.device() + " " + options.dtype() + "]";
    }
}
