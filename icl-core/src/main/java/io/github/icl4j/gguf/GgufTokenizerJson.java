package io.github.icl4j.gguf;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.icl4j.checkpoint.InvalidCheckpointException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds a Hugging Face {@code tokenizer.json} from the tokenizer a GGUF file stores in its metadata
 * ({@code tokenizer.ggml.*}), so that the Hugging Face {@code tokenizers} library (through DJL) tokenises as
 * llama.cpp does.
 *
 * <p>Supported {@code tokenizer.ggml.model} values:
 * <ul>
 *   <li>{@code gpt2} — byte-level BPE (GPT-2, Llama 3, Qwen2, SmolLM, ...): the vocabulary, the merges in file
 *       order, tokens typed CONTROL as special added tokens and USER_DEFINED as plain added tokens, and the
 *       pre-tokenizer llama.cpp uses for {@code tokenizer.ggml.pre} (its regular expressions as {@code Split}
 *       steps, then {@code ByteLevel}); an unknown or missing {@code pre} falls back to llama.cpp's default
 *       expressions, as llama.cpp does. {@code ignore_merges} is set for the Llama 3 and Tekken families.</li>
 *   <li>{@code llama} — SentencePiece-style BPE (Llama 2, Mistral, ...): byte-fallback BPE with merges
 *       recovered from the scores (as transformers does), {@code ▁} for spaces, a prefix space before the text and
 *       after each special or user-defined token ({@code tokenizer.ggml.add_space_prefix}, as llama.cpp), and
 *       {@code <0xNN>} byte tokens.</li>
 * </ul>
 * Special (CONTROL, UNKNOWN) tokens written in the text are recognised, as llama.cpp does with
 * {@code parse_special}. BOS/EOS are added by a {@code TemplateProcessing} post-processor when {@code tokenizer.ggml.add_bos_token} /
 * {@code add_eos_token} say so (defaults as llama.cpp's: BOS for {@code llama} and for the Llama 3 family).
 *
 * <p>Create DJL tokenizers from the result only after {@code OPT_OUT_TRACKING=true} is set (see
 * {@code io.github.icl4j.runtime.Natives#init()}).
 */
public final class GgufTokenizerJson {
    private static final Logger LOG = LoggerFactory.getLogger(GgufTokenizerJson.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** llama.cpp token types ({@code llama_token_type}). */
    static final int NORMAL = 1;
    static final int UNKNOWN = 2;
    static final int CONTROL = 3;
    static final int USER_DEFINED = 4;
    static final int UNUSED = 5;
    static final int BYTE = 6;

    private GgufTokenizerJson() {
    }

    /**
     * The {@code tokenizer.json} text for the file's tokenizer.
     *
     * @throws InvalidCheckpointException when the file has no tokenizer, an unsupported {@code tokenizer.ggml.model},
     *                                    or inconsistent tokenizer metadata
     */
    public static String toTokenizerJson(GgufFile file) {
        try {
            return JSON.writeValueAsString(toTokenizerNode(file));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise tokenizer.json for " + file.path(), e);
        }
    }

    /**
     * Writes {@link #toTokenizerJson} to {@code target} (via a temporary sibling, then a rename).
     *
     * @return {@code target}
     */
    public static Path write(GgufFile file, Path target) {
        io.github.icl4j.runtime.AtomicFiles.writeString(target, toTokenizerJson(file));
        return target;
    }

    /**
     * The {@code tokenizer.json} as a Jackson tree.
     *
     * @throws InvalidCheckpointException as {@link #toTokenizerJson}
     */
    public static ObjectNode toTokenizerNode(GgufFile file) {
        if (!file.has("tokenizer.ggml.model")) {
            throw new InvalidCheckpointException(file.path() + ": metadata key 'tokenizer.ggml.model' is missing: "
                    + "the file stores no tokenizer");
        }
        String model = file.getString("tokenizer.ggml.model");
        if (!model.equals("gpt2") && !model.equals("llama")) {
            throw new InvalidCheckpointException(file.path() + ": tokenizer.ggml.model '" + model
                    + "' is not supported yet; supported: gpt2 (byte-level BPE), llama (SentencePiece BPE)");
        }
        Vocab v = new Vocab(file);
        return model.equals("gpt2") ? byteLevel(file, v) : sentencePiece(file, v);
    }

    /** The token list with types and the special ids, validated. */
    private static final class Vocab {
        final List<String> tokens;
        final int[] types;
        final Integer bos;
        final Integer eos;
        final Integer unk;

        Vocab(GgufFile file) {
            tokens = file.getStringArray("tokenizer.ggml.tokens");
            if (tokens.isEmpty()) {
                throw new InvalidCheckpointException(file.path() + ": tokenizer.ggml.tokens is empty");
            }
            if (file.has("tokenizer.ggml.token_type")) {
                types = file.getIntArray("tokenizer.ggml.token_type");
                if (types.length != tokens.size()) {
                    throw new InvalidCheckpointException(file.path() + ": tokenizer.ggml.token_type has " + types.length
                            + " entries but tokenizer.ggml.tokens has " + tokens.size());
                }
            } else {
                types = new int[tokens.size()];
                java.util.Arrays.fill(types, NORMAL);
            }
            bos = id(file, "tokenizer.ggml.bos_token_id");
            eos = id(file, "tokenizer.ggml.eos_token_id");
            unk = id(file, "tokenizer.ggml.unknown_token_id");
        }

        private Integer id(GgufFile file, String key) {
            if (!file.has(key)) {
                return null;
            }
            long id = file.getLong(key);
            if (id < 0 || id >= tokens.size()) {
                throw new InvalidCheckpointException(file.path() + ": metadata key '" + key + "' is " + id
                        + ", outside the vocabulary of " + tokens.size() + " tokens");
            }
            return (int) id;
        }
    }

    // ------------------------------------------------------------------ byte-level BPE

    /** GPT-2's {@code bytes_to_unicode}: the printable character standing for each byte. */
    static char[] byteAlphabet() {
        char[] map = new char[256];
        boolean[] direct = new boolean[256];
        for (int b = '!'; b <= '~'; b++) {
            direct[b] = true;
        }
        for (int b = 0xA1; b <= 0xAC; b++) {
            direct[b] = true;
        }
        for (int b = 0xAE; b <= 0xFF; b++) {
            direct[b] = true;
        }
        int n = 0;
        for (int b = 0; b < 256; b++) {
            map[b] = direct[b] ? (char) b : (char) (256 + n++);
        }
        return map;
    }

    private static ObjectNode byteLevel(GgufFile file, Vocab v) {
        String preName = file.getString("tokenizer.ggml.pre", "default");
        PreTokenizer pre = PreTokenizer.of(preName);
        if (pre == null) {
            LOG.warn("{}: tokenizer.ggml.pre '{}' is not known; using llama.cpp's default pre-tokenizer",
                    file.path(), preName);
            pre = PreTokenizer.of("default");
        }
        char[] alphabet = byteAlphabet();
        Set<Character> inAlphabet = new HashSet<>();
        for (char c : alphabet) {
            inAlphabet.add(c);
        }
        ObjectNode root = skeleton();
        ArrayNode added = root.putArray("added_tokens");
        ObjectNode vocab = JSON.createObjectNode();
        for (int i = 0; i < v.tokens.size(); i++) {
            String t = v.tokens.get(i);
            int type = v.types[i];
            if (type == CONTROL || type == USER_DEFINED) {
                addedToken(added, i, t, type == CONTROL);
            }
            String key = t;
            if (!allIn(t, inAlphabet)) {
                // A token stored as raw text (not in the byte alphabet): spell its UTF-8 bytes as byte-level does.
                StringBuilder sb = new StringBuilder();
                for (byte b : t.getBytes(StandardCharsets.UTF_8)) {
                    sb.append(alphabet[b & 0xFF]);
                }
                key = sb.toString();
            }
            if (!vocab.has(key)) {
                vocab.put(key, i);
            } else if (type != CONTROL && type != USER_DEFINED) {
                LOG.warn("{}: token {} '{}' repeats token {}; the first one is kept", file.path(), i, t,
                        vocab.get(key).asInt());
            }
        }
        ArrayNode merges = JSON.createArrayNode();
        if (file.has("tokenizer.ggml.merges")) {
            List<String> ms = file.getStringArray("tokenizer.ggml.merges");
            for (int i = 0; i < ms.size(); i++) {
                String m = ms.get(i);
                int sp = m.indexOf(' ', 1);
                if (sp < 0) {
                    throw new InvalidCheckpointException(file.path() + ": merge " + i + " of tokenizer.ggml.merges, '"
                            + m + "', has no space between its two parts");
                }
                merges.addArray().add(m.substring(0, sp)).add(m.substring(sp + 1));
            }
        } else {
            throw new InvalidCheckpointException(file.path() + ": metadata key 'tokenizer.ggml.merges' is missing; a "
                    + "gpt2 (byte-level BPE) tokenizer needs its merges");
        }

        ArrayNode steps = JSON.createArrayNode();
        for (String regex : pre.splits()) {
            ObjectNode split = steps.addObject();
            split.put("type", "Split");
            split.putObject("pattern").put("Regex", regex);
            split.put("behavior", "Isolated");
            split.put("invert", false);
        }
        ObjectNode bl = steps.addObject();
        bl.put("type", "ByteLevel");
        bl.put("add_prefix_space", false);
        bl.put("trim_offsets", true);
        bl.put("use_regex", false);
        ObjectNode preTok = root.putObject("pre_tokenizer");
        preTok.put("type", "Sequence");
        preTok.set("pretokenizers", steps);

        boolean addBos = file.getBoolean("tokenizer.ggml.add_bos_token", pre.addBos());
        boolean addEos = file.getBoolean("tokenizer.ggml.add_eos_token", false);
        root.set("post_processor", template(file, v, addBos, addEos));

        ObjectNode dec = root.putObject("decoder");
        dec.put("type", "ByteLevel");
        dec.put("add_prefix_space", true);
        dec.put("trim_offsets", true);
        dec.put("use_regex", true);

        ObjectNode m = root.putObject("model");
        m.put("type", "BPE");
        m.putNull("dropout");
        m.putNull("unk_token");
        m.putNull("continuing_subword_prefix");
        m.putNull("end_of_word_suffix");
        m.put("fuse_unk", false);
        m.put("byte_fallback", false);
        m.put("ignore_merges", pre.ignoreMerges());
        m.set("vocab", vocab);
        m.set("merges", merges);
        return root;
    }

    private static boolean allIn(String s, Set<Character> alphabet) {
        for (int i = 0; i < s.length(); i++) {
            if (!alphabet.contains(s.charAt(i))) {
                return false;
            }
        }
        return !s.isEmpty();
    }

    // ------------------------------------------------------------------ SentencePiece BPE

    private static ObjectNode sentencePiece(GgufFile file, Vocab v) {
        ObjectNode root = skeleton();
        ArrayNode added = root.putArray("added_tokens");
        float[] scores = file.has("tokenizer.ggml.scores") ? file.getFloatArray("tokenizer.ggml.scores") : null;
        if (scores != null && scores.length != v.tokens.size()) {
            throw new InvalidCheckpointException(file.path() + ": tokenizer.ggml.scores has " + scores.length
                    + " entries but tokenizer.ggml.tokens has " + v.tokens.size());
        }
        Map<String, Integer> vocabIds = new LinkedHashMap<>();
        ObjectNode vocab = JSON.createObjectNode();
        for (int i = 0; i < v.tokens.size(); i++) {
            String t = v.tokens.get(i);
            int type = v.types[i];
            if (type == CONTROL || type == USER_DEFINED || type == UNKNOWN) {
                addedToken(added, i, t, type != USER_DEFINED);
            }
            if (!vocabIds.containsKey(t)) {
                vocabIds.put(t, i);
                vocab.put(t, i);
            }
        }
        ArrayNode merges = JSON.createArrayNode();
        if (file.has("tokenizer.ggml.merges")) {
            for (String m : file.getStringArray("tokenizer.ggml.merges")) {
                int sp = m.indexOf(' ', 1);
                if (sp < 0) {
                    throw new InvalidCheckpointException(file.path() + ": merge '" + m + "' has no space");
                }
                merges.addArray().add(m.substring(0, sp)).add(m.substring(sp + 1));
            }
        } else {
            for (String[] pair : SentencePieceMerges.merges(scores, vocabIds)) {
                merges.addArray().add(pair[0]).add(pair[1]);
            }
        }
        // As llama.cpp (and sentencepiece): a space before the text and after every special or user-defined token,
        // even when the text already starts with one, then spaces as U+2581. Metaspace's prepend_scheme "first"
        // would skip the prefix for text starting with a space.
        boolean addPrefix = file.getBoolean("tokenizer.ggml.add_space_prefix", true);
        ObjectNode norm = root.putObject("normalizer");
        norm.put("type", "Sequence");
        ArrayNode ns = norm.putArray("normalizers");
        if (addPrefix) {
            ObjectNode prepend = ns.addObject();
            prepend.put("type", "Prepend");
            prepend.put("prepend", "\u2581");
        }
        ObjectNode space = ns.addObject();
        space.put("type", "Replace");
        space.putObject("pattern").put("String", " ");
        space.put("content", "\u2581");
        root.putNull("pre_tokenizer");

        boolean addBos = file.getBoolean("tokenizer.ggml.add_bos_token", true);
        boolean addEos = file.getBoolean("tokenizer.ggml.add_eos_token", false);
        root.set("post_processor", template(file, v, addBos, addEos));

        ObjectNode dec = root.putObject("decoder");
        dec.put("type", "Sequence");
        ArrayNode ds = dec.putArray("decoders");
        ObjectNode rep = ds.addObject();
        rep.put("type", "Replace");
        rep.putObject("pattern").put("String", "\u2581");
        rep.put("content", " ");
        ds.addObject().put("type", "ByteFallback");
        ds.addObject().put("type", "Fuse");
        if (addPrefix) {
            ObjectNode strip = ds.addObject();
            strip.put("type", "Strip");
            strip.put("content", " ");
            strip.put("start", 1);
            strip.put("stop", 0);
        }

        ObjectNode m = root.putObject("model");
        m.put("type", "BPE");
        m.putNull("dropout");
        if (v.unk != null) {
            m.put("unk_token", v.tokens.get(v.unk));
        } else {
            m.putNull("unk_token");
        }
        m.putNull("continuing_subword_prefix");
        m.putNull("end_of_word_suffix");
        m.put("fuse_unk", true);
        m.put("byte_fallback", true);
        m.put("ignore_merges", false);
        m.set("vocab", vocab);
        m.set("merges", merges);
        return root;
    }

    // ------------------------------------------------------------------ shared parts

    private static ObjectNode skeleton() {
        ObjectNode root = JSON.createObjectNode();
        root.put("version", "1.0");
        root.putNull("truncation");
        root.putNull("padding");
        root.putArray("added_tokens");
        root.putNull("normalizer");
        return root;
    }

    private static void addedToken(ArrayNode added, int id, String content, boolean special) {
        ObjectNode t = added.addObject();
        t.put("id", id);
        t.put("content", content);
        t.put("single_word", false);
        t.put("lstrip", false);
        t.put("rstrip", false);
        t.put("normalized", false);
        t.put("special", special);
    }

    /** {@code TemplateProcessing} adding BOS/EOS as the file asks. */
    private static ObjectNode template(GgufFile file, Vocab v, boolean addBos, boolean addEos) {
        if (addBos && v.bos == null) {
            throw new InvalidCheckpointException(file.path() + ": the tokenizer adds a BOS token but "
                    + "tokenizer.ggml.bos_token_id is missing");
        }
        if (addEos && v.eos == null) {
            throw new InvalidCheckpointException(file.path() + ": the tokenizer adds an EOS token but "
                    + "tokenizer.ggml.eos_token_id is missing");
        }
        ObjectNode p = JSON.createObjectNode();
        p.put("type", "TemplateProcessing");
        ArrayNode single = p.putArray("single");
        ArrayNode pair = p.putArray("pair");
        ObjectNode specials = JSON.createObjectNode();
        for (int seq = 0; seq < 2; seq++) {
            ArrayNode target = seq == 0 ? single : pair;
            for (String part : new String[] {"A", "B"}) {
                if (seq == 0 && part.equals("B")) {
                    continue;
                }
                int typeId = part.equals("A") ? 0 : 1;
                if (addBos) {
                    special(target, specials, v.tokens.get(v.bos), v.bos, typeId);
                }
                ObjectNode s = target.addObject().putObject("Sequence");
                s.put("id", part);
                s.put("type_id", typeId);
                if (addEos) {
                    special(target, specials, v.tokens.get(v.eos), v.eos, typeId);
                }
            }
        }
        p.set("special_tokens", specials);
        return p;
    }

    private static void special(ArrayNode target, ObjectNode specials, String token, int id, int typeId) {
        ObjectNode s = target.addObject().putObject("SpecialToken");
        s.put("id", token);
        s.put("type_id", typeId);
        ObjectNode entry = specials.putObject(token);
        entry.put("id", token);
        entry.putArray("ids").add(id);
        entry.putArray("tokens").add(token);
    }
}
