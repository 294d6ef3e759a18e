package io.github.icl4j;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.huggingface.tokenizers.jni.CharSpan;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.icl4j.runtime.Lifecycle;
import io.github.icl4j.runtime.Natives;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;

/**
 * A Hugging Face {@code tokenizer.json} tokenizer (through DJL's binding of the Rust {@code tokenizers}),
 * offline, with character offsets for every token.
 *
 * <p>Owns native memory: close it, or let the {@link Model} that loaded it close it.
 * <pre>{@code
 * try (Tokenizer tok = Tokenizer.fromFile(Path.of("tokenizer.json"))) {
 *     long foo = tok.singleTokenId(" foo");   // 22944 for GPT-2
 * }
 * }</pre>
 */
public final class Tokenizer implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Map<String, String> OPTIONS = Map.of(
            "addSpecialTokens", "false", "truncation", "false", "padding", "false");

    private final HuggingFaceTokenizer delegate;
    private final String source;
    private final int vocabSize;
    private final Lifecycle lifecycle;

    private Tokenizer(HuggingFaceTokenizer delegate, String source, int vocabSize) {
        this.delegate = delegate;
        this.source = source;
        this.vocabSize = vocabSize;
        this.lifecycle = new Lifecycle("tokenizer " + source);
    }

    /**
     * Loads a {@code tokenizer.json}. No network is used; DJL's usage tracking is switched off first.
     *
     * @throws IllegalArgumentException when the file is missing or not a tokenizer
     */
    public static Tokenizer fromFile(Path tokenizerJson) {
        if (!Files.isRegularFile(tokenizerJson)) {
            throw new IllegalArgumentException(tokenizerJson + ": no such tokenizer file");
        }
        try {
            return fromJson(Files.readString(tokenizerJson, StandardCharsets.UTF_8), tokenizerJson.toString());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + tokenizerJson, e);
        }
    }

    /**
     * Loads a tokenizer from the text of a {@code tokenizer.json}; {@code source} names it in messages. The file is
     * vetted first (see {@link TokenizerVetting}): regular expressions that could backtrack catastrophically and
     * post-processor templates naming undeclared or unknown tokens are refused here, because the native library
     * would abort the JVM on them at the first encode.
     *
     * @throws IllegalArgumentException naming the source when the text is not a usable or safe tokenizer
     */
    public static Tokenizer fromJson(String json, String source) {
        Natives.init();
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (IOException e) {
            throw new IllegalArgumentException(source + ": not valid JSON: " + e.getMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException(source + ": not a usable tokenizer.json: expected a JSON object");
        }
        Set<Integer> ids = vocabularyIds(root);
        TokenizerVetting.check(root, source, ids);
        HuggingFaceTokenizer t;
        try {
            t = HuggingFaceTokenizer.newInstance(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)),
                    OPTIONS);
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException(source + ": not a usable tokenizer.json: " + e.getMessage(), e);
        }
        int vocab = ids.stream().mapToInt(Integer::intValue).max().orElse(-1) + 1;
        return new Tokenizer(t, source, vocab);
    }

    /** Every id the model's vocabulary and the added tokens define. */
    private static Set<Integer> vocabularyIds(JsonNode root) {
        Set<Integer> ids = new HashSet<>();
        JsonNode vocab = root.path("model").path("vocab");
        if (vocab.isObject()) {
            for (Iterator<JsonNode> it = vocab.elements(); it.hasNext();) {
                ids.add(it.next().asInt());
            }
        } else if (vocab.isArray()) {
            for (int i = 0; i < vocab.size(); i++) {
                ids.add(i);
            }
        }
        for (JsonNode added : root.path("added_tokens")) {
            ids.add(added.path("id").asInt());
        }
        return ids;
    }

    /** Encodes without adding special tokens (no BOS): prompts control their own text. */
    public Encoding encode(String text) {
        return encode(text, false);
    }

    /**
     * Encodes {@code text}; with {@code addSpecialTokens} the tokenizer's post-processor adds BOS etc.
     *
     * @throws IllegalArgumentException for a null text
     */
    public Encoding encode(String text, boolean addSpecialTokens) {
        if (text == null) {
            throw new IllegalArgumentException("text must not be null");
        }
        ai.djl.huggingface.tokenizers.Encoding e;
        try (Lifecycle.Lease lease = lifecycle.acquire()) {
            e = delegate.encode(text, addSpecialTokens, false);
        }
        long[] ids = e.getIds();
        CharSpan[] spans = e.getCharTokenSpans();
        int[] start = new int[ids.length];
        int[] end = new int[ids.length];
        for (int i = 0; i < ids.length; i++) {
            CharSpan s = spans[i];
            start[i] = s == null ? -1 : s.getStart();
            end[i] = s == null ? -1 : s.getEnd();
        }
        return new Encoding(text, ids, start, end);
    }

    /** Decodes ids to text (special tokens kept). */
    public String decode(long... ids) {
        try (Lifecycle.Lease lease = lifecycle.acquire()) {
            return delegate.decode(ids, false);
        }
    }

    /**
     * The id of a word that must be exactly one token, e.g. {@code " foo"}.
     *
     * @throws IllegalArgumentException naming the word, how many tokens it became and which
     */
    public long singleTokenId(String word) {
        Encoding e = encode(word);
        if (e.length() != 1) {
            String[] pieces = new String[e.length()];
            for (int i = 0; i < e.length(); i++) {
                pieces[i] = "'" + decode(e.id(i)) + "'";
            }
            throw new IllegalArgumentException("label word '" + word + "' is " + e.length()
                    + " tokens " + Arrays.toString(pieces) + " with " + source
                    + "; label words must be single tokens");
        }
        return e.id(0);
    }

    /** Size of the vocabulary (largest id + 1, added tokens included). */
    public int vocabSize() {
        return vocabSize;
    }

    /** Where the tokenizer came from. */
    public String source() {
        return source;
    }

    /** True once {@link #close()} has begun: new encodes throw {@link IllegalStateException}. */
    public boolean isClosed() {
        return lifecycle.isClosed();
    }

    /**
     * Frees the native tokenizer. New encodes and decodes fail with {@link IllegalStateException} at once; those
     * running on other threads finish first (this call waits for them).
     */
    @Override
    public void close() {
        lifecycle.close(delegate::close);
    }

    @Override
    public String toString() {
        return "Tokenizer[" + source + ", vocab " + vocabSize + "]";
    }
}
