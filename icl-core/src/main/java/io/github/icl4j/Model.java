package io.github.icl4j;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.github.icl4j.checkpoint.HfCheckpoint;
import io.github.icl4j.checkpoint.InvalidCheckpointException;
import io.github.icl4j.checkpoint.HfCheckpointWriter;
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
import io.github.icl4j.runtime.Lifecycle;
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
 *
 * <p>A loaded model is a snapshot of its files: the weights are copied into memory at load, so later changes to the
 * files do not reach it. Passes may run on several threads; each holds a lease ({@link #acquire()}), and
 * {@link #close()} waits for running passes and refuses new ones with {@link IllegalStateException}.
 */
public final class Model implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Model.class);
    // NaN/Infinity literals (Python's json writes them) parse, so that the config check names the key
    private static final ObjectMapper JSON = com.fasterxml.jackson.databind.json.JsonMapper.builder()
            .enable(com.fasterxml.jackson.core.json.JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .enable(SerializationFeature.INDENT_OUTPUT).build();

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
    private final Lifecycle lifecycle;

    private Model(ModelConfig config, ArchitectureAdapter adapter, TransformerWeights weights, Tokenizer tokenizer,
            String tokenizerJson, LoadOptions options, String source) {
        this.config = config;
        this.adapter = adapter;
        this.transformer = new Transformer(config, weights,
                options.placement() instanceof DeviceMap map ? map : null);
        this.tokenizer = tokenizer;
        this.tokenizerJson = tokenizerJson;
        this.options = options;
        this.source = source;
        this.lifecycle = new Lifecycle("model " + source);
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
        checkDevices(options);
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
     * Loads a llama.cpp GGUF file (architecture {@code llama}: Llama, Mistral, SmolLM2; {@code qwen2},
     * {@code qwen3}, {@code phi3}; {@code gemma}, {@code gemma2}, {@code gemma3}: Gemma, Gemma 3 270M), dequantising
     * to the
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
        checkDevices(options);
        long t0 = System.nanoTime();
        Model m;
        try (PointerScope scope = new PointerScope()) {
            // with a placement the weights are read on the CPU, then each block moves to its device
            TransformerWeights w = adapter.load(weights, config, options.dtype(),
                    options.placement() == null ? options.device() : DeviceSpec.CPU);
            LoadOptions placed = options;
            if (options.placement() != null) {
                placed = placedOptions(options, w);
                w = w.placed((DeviceMap) placed.placement());
            }
            Tokenizer tok = tokenizerJson == null ? null : Tokenizer.fromJson(tokenizerJson, tokenizerSource);
            m = new Model(config, adapter, w, tok, tokenizerJson, placed, source);
        }
        LOG.info("loaded {} from {} on {} in {} ({} ms)", config, source, options.device(), options.dtype(),
                (System.nanoTime() - t0) / 1_000_000);
        return m;
    }

    /**
     * Wraps weights made in memory (random initialisation, training). The weights are retained. With a placement in
     * {@code options} the blocks are first moved to their devices (tensors already there are kept), and the model owns
     * the moved copies.
     */
    public static Model fromWeights(ModelConfig config, TransformerWeights weights, String tokenizerJson,
            LoadOptions options) {
        Natives.init();
        Tokenizer tok = tokenizerJson == null ? null : Tokenizer.fromJson(tokenizerJson, "in-memory tokenizer.json");
        LoadOptions placed = options;
        if (options.placement() != null) {
            checkDevices(options);
            placed = placedOptions(options, weights);
            weights = weights.placed((DeviceMap) placed.placement());
        }
        return new Model(config, Adapters.forModelType(config.modelType(), Path.of("<memory>")), weights, tok,
                tokenizerJson, placed, "<memory>");
    }

    /** The options with their placement resolved to layer ranges for these weights (balanced by their bytes). */
    private static LoadOptions placedOptions(LoadOptions options, TransformerWeights w) {
        DeviceMap map = options.placement().resolve(w.layerBytes(), w.headBytes(), w.tailBytes());
        LOG.info("device map {} for {} layers", map, w.layers().size());
        return new LoadOptions(map.first(), options.dtype(), map);
    }

    /** Every device the options name must exist: CUDA natives and a CUDA device of that index. */
    private static void checkDevices(LoadOptions options) {
        List<DeviceSpec> devices = options.placement() == null ? List.of(options.device())
                : options.placement().devices();
        for (DeviceSpec d : devices) {
            checkDevice(d);
            long count = d.isCuda() ? Natives.cudaDeviceCount() : 0;
            if (d.isCuda() && d.index() >= count) {
                throw new IllegalArgumentException("device " + d + " requested but this machine has " + count
                        + " CUDA device(s) (cuda:0 to cuda:" + (count - 1) + ")");
            }
        }
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

    /**
     * The forward pass, for code that works with tensors directly. Hold an {@link #acquire()} lease while using it
     * (or its weights) so that a concurrent {@link #close()} waits instead of freeing the weights under the pass.
     */
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
     * Logits {@code [b, width, vocab]} of a batch at every position (analyses that read a few positions use
     * {@link #lastLogits} or the pass engine, which unembed only those), inside the caller's {@code PointerScope}, gradients off.
     *
     * @throws IllegalArgumentException for token ids outside the vocabulary or sequences longer than the context
     * @throws IllegalStateException    after {@link #close()}
     */
    public Tensor logits(TokenBatch batch, Hooks hooks) {
        return logits(batch, hooks, null);
    }

    /** As {@link #logits(TokenBatch, Hooks)}, continuing from (and appending to) a key/value cache. */
    public Tensor logits(TokenBatch batch, Hooks hooks, KvCache cache) {
        batch.validate(config.vocabSize(), config.contextLimit(), cache == null ? 0 : cache.length());
        hooks.validate(config.nLayers());
        try (Lifecycle.Lease lease = acquire(); NoGradGuard g = new NoGradGuard()) {
            return transformer.forward(batch.ids(), batch.mask(), null, hooks, cache);
        }
    }

    /**
     * Runs a batch only to fill {@code cache} with its keys and values (no unembedding): the shared prefix
     * of many prompts. Inside the caller's scope.
     */
    public void prefill(TokenBatch batch, Hooks hooks, KvCache cache) {
        batch.validate(config.vocabSize(), config.contextLimit(), cache.length());
        hooks.validate(config.nLayers());
        try (Lifecycle.Lease lease = acquire(); NoGradGuard g = new NoGradGuard()) {
            transformer.hidden(batch.ids(), batch.mask(), null, hooks, cache);
        }
    }

    /**
     * Logits at each sequence's last real token, copied to Java ({@code [b][vocab]}); only those positions are
     * unembedded (through the pass engine, {@link io.github.icl4j.engine.Forward}).
     */
    public float[][] lastLogits(TokenBatch batch) {
        try (Lifecycle.Lease lease = acquire(); PointerScope scope = new PointerScope()) {
            int[] last = new int[batch.size()];
            for (int i = 0; i < last.length; i++) {
                last[i] = batch.lastIndex(i);
            }
            Tensor logits = io.github.icl4j.engine.Forward.run(this, batch, last, Hooks.none(),
                    io.github.icl4j.engine.Reads.none().lastLogits()).lastLogits(); // [b, vocab]
            float[][] out = new float[batch.size()][];
            for (int i = 0; i < batch.size(); i++) {
                out[i] = Tensors.toFloats(logits.select(0, i));
            }
            return out;
        }
    }

    /**
     * Saves config.json, model.safetensors and tokenizer.json (if any) in the Hugging Face layout, as one set: a
     * folder that held a checkpoint holds exactly the new one afterwards (a stale index, shards or tokenizer are
     * gone), a reader or a kill mid-save sees the old set or the new one, never a mix ({@link HfCheckpointWriter}).
     *
     * @throws IllegalArgumentException when {@code dir} is a file or holds sub-folders
     * @throws UncheckedIOException     when writing fails (the folder keeps its old set)
     */
    public void save(Path dir) {
        try (Lifecycle.Lease lease = acquire(); PointerScope scope = new PointerScope()) {
            HfCheckpointWriter.write(dir, adapter.export(transformer.weights(), config),
                    java.util.Map.of("format", "pt"), JSON.writeValueAsString(adapter.toConfigJson(config)),
                    tokenizerJson);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot save model to " + dir, e);
        }
    }

    /** The text of the tokenizer.json, or null. */
    public String tokenizerJson() {
        return tokenizerJson;
    }

    /**
     * A lease on this model's weights: until it is closed, {@link #close()} waits instead of freeing them. Every pass
     * of the model takes one; code that runs {@link #transformer()} or reads weights directly should too:
     * <pre>{@code
     * try (var lease = model.acquire(); PointerScope scope = new PointerScope()) {
     *     Tensor hidden = model.transformer().hidden(ids, null, null, hooks, null);
     * }
     * }</pre>
     * Leases are re-entrant: a thread that holds one may acquire more even while the model is closing.
     *
     * @throws IllegalStateException when the model is closed (or closing)
     */
    public Lifecycle.Lease acquire() {
        return lifecycle.acquire();
    }

    private void checkOpen() {
        lifecycle.checkOpen();
    }

    /** True once {@link #close()} has begun: new passes throw {@link IllegalStateException}. */
    public boolean isClosed() {
        return lifecycle.isClosed();
    }

    /**
     * Frees the weights and the tokenizer. New passes fail with {@link IllegalStateException} at once; passes
     * running on other threads (holders of {@link #acquire()} leases) finish first: this call waits for them. Called
     * from inside a pass of this model (a hook), it returns at once and the weights are freed when that pass ends.
     */
    @Override
    public void close() {
        lifecycle.close(() -> {
            owned.forEach(Tensor::releaseReference);
            if (tokenizer != null) {
                tokenizer.close();
            }
        });
    }

    @Override
    public String toString() {
        return "Model[" + config + " from " + source + ", " + (options.placement() == null ? options.device()
                : options.placement()) + " " + options.dtype() + "]";
    }
}
