package io.github.icl4j.gguf;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A byte-level BPE pre-tokenizer as llama.cpp runs it for a {@code tokenizer.ggml.pre} value (llama-vocab.cpp): its
 * regular expressions, applied in order as {@code Split} steps, whether the merges are skipped for whole-word tokens
 * ({@code ignore_merges}, Llama 3 and Tekken) and whether BOS is added by default.
 *
 * @param splits       the expressions, in order
 * @param ignoreMerges tokens of the vocabulary are kept whole before any merge
 * @param addBos       BOS is added when the file does not say
 */
record PreTokenizer(List<String> splits, boolean ignoreMerges, boolean addBos) {
    private static final String GPT2_SPLIT =
            "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)";
    private static final String LLAMA3_SPLIT = "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+"
            + "|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";
    private static final String QWEN2_SPLIT = "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+"
            + "|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";
    private static final String TEKKEN_SPLIT = "[^\\r\\n\\p{L}\\p{N}]?[\\p{Lu}\\p{Lt}\\p{Lm}\\p{Lo}\\p{M}]*"
            + "[\\p{Ll}\\p{Lm}\\p{Lo}\\p{M}]+|[^\\r\\n\\p{L}\\p{N}]?[\\p{Lu}\\p{Lt}\\p{Lm}\\p{Lo}\\p{M}]+"
            + "[\\p{Ll}\\p{Lm}\\p{Lo}\\p{M}]*|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n/]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";
    private static final String GPT4O_SPLIT = "[^\\r\\n\\p{L}\\p{N}]?[\\p{Lu}\\p{Lt}\\p{Lm}\\p{Lo}\\p{M}]*"
            + "[\\p{Ll}\\p{Lm}\\p{Lo}\\p{M}]+(?i:'s|'t|'re|'ve|'m|'ll|'d)?|[^\\r\\n\\p{L}\\p{N}]?"
            + "[\\p{Lu}\\p{Lt}\\p{Lm}\\p{Lo}\\p{M}]+[\\p{Ll}\\p{Lm}\\p{Lo}\\p{M}]*(?i:'s|'t|'re|'ve|'m|'ll|'d)?"
            + "|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n/]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";
    private static final String BLOOM_SPLIT = " ?[^(\\s|.,!?…。，、।۔،)]+";
    private static final List<String> DEFAULT_SPLITS = List.of("[\\p{P}\\$\\+<=>\\^~\\|]+", GPT2_SPLIT,
            "\\p{N}+", "[0-9][0-9][0-9]");


    /** llama.cpp's {@code tokenizer.ggml.pre} values (llama-vocab.cpp) and their expressions. */
    private static final Map<String, PreTokenizer> PRE = new HashMap<>();

    static {
        PreTokenizer gpt2 = new PreTokenizer(List.of(GPT2_SPLIT), false, false);
        for (String p : List.of("gpt-2", "phi-2", "jina-es", "jina-de", "gigachat", "jina-v2-es", "jina-v2-de",
                "a.x-4.0", "mellum", "jina-v1-en", "jina-v2-code", "roberta-bpe", "mpt", "olmo", "jais", "trillion",
                "granite-docling", "exaone4")) {
            PRE.put(p, gpt2);
        }
        PreTokenizer llama3 = new PreTokenizer(List.of(LLAMA3_SPLIT), true, true);
        for (String p : List.of("llama3", "llama-v3", "llama-bpe", "falcon3", "falcon-h1", "pixtral", "midm-2.0",
                "lfm2")) {
            PRE.put(p, llama3);
        }
        PreTokenizer llama3Regex = new PreTokenizer(List.of(LLAMA3_SPLIT), false, false);
        for (String p : List.of("dbrx", "smaug-bpe", "glm4", "chatglm-bpe")) {
            PRE.put(p, llama3Regex);
        }
        PreTokenizer starcoder = new PreTokenizer(List.of("\\p{N}", GPT2_SPLIT), false, false);
        for (String p : List.of("starcoder", "refact", "command-r", "smollm", "codeshell", "exaone", "minerva-7b")) {
            PRE.put(p, starcoder);
        }
        PreTokenizer qwen2 = new PreTokenizer(List.of(QWEN2_SPLIT), false, false);
        for (String p : List.of("qwen2", "deepseek-r1-qwen", "kormo", "megrez", "stablelm2", "hunyuan")) {
            PRE.put(p, qwen2);
        }
        PRE.put("falcon", new PreTokenizer(List.of("[\\p{P}\\$\\+<=>\\^~\\|`]+", GPT2_SPLIT, "[0-9][0-9][0-9]"), false,
                false));
        PRE.put("deepseek-coder", new PreTokenizer(List.of("[\\r\\n]", "\\s?\\p{L}+", "\\s?\\p{P}+", "[一-龥ࠀ-一가-퟿]+",
                "\\p{N}"), false, false));
        PRE.put("tekken", new PreTokenizer(List.of(TEKKEN_SPLIT), true, true));
        PreTokenizer gpt4o = new PreTokenizer(List.of(GPT4O_SPLIT), false, false);
        for (String p : List.of("gpt-4o", "llama4", "minimax-m2")) {
            PRE.put(p, gpt4o);
        }
        PreTokenizer bloom = new PreTokenizer(List.of(BLOOM_SPLIT), false, false);
        for (String p : List.of("poro-chat", "bloom", "gpt3-finnish")) {
            PRE.put(p, bloom);
        }
        PRE.put("viking", new PreTokenizer(List.of(BLOOM_SPLIT, "\\p{N}"), false, false));
        PRE.put("default", new PreTokenizer(DEFAULT_SPLITS, false, false));
    }

    /** The pre-tokenizer of {@code tokenizer.ggml.pre} = {@code name}, or null when llama.cpp does not know it. */
    static PreTokenizer of(String name) {
        return PRE.get(name);
    }
}
