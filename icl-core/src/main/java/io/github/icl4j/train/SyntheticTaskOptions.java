package io.github.icl4j.train;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.soabase.recordbuilder.core.RecordBuilder;
import java.lang.reflect.RecordComponent;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeSet;

/**
 * The parameters of a {@link SyntheticIclTask}, and their JSON form ({@link SyntheticIclTask#OPTIONS_FILE} beside a
 * checkpoint). Immutable: the generated {@code SyntheticTaskOptionsBuilder} gives a builder and a {@code with…} per
 * component; a few withers set options that belong together.
 *
 * @param classes           number of latent classes, in [2, 4096]
 * @param wordsPerClass     words per class, in [1, 4096] (classes × words ≤ 100,000)
 * @param sentenceLength    words per sentence, in [1, 256]
 * @param noise             probability that a word of a sentence comes from another class, in [0, 1)
 * @param minShots          fewest demonstrations per label in a sampled episode, in [1, 64]
 * @param maxShots          most demonstrations per label, in [minShots, 64]; each balanced episode draws k
 *                          uniformly from [minShots, maxShots]
 * @param imbalancedFraction fraction of sampled episodes whose two labels have different counts (each drawn
 *                          from [1, maxShots]), in [0, 1]
 * @param groupedFraction   fraction of sampled episodes whose demonstrations are grouped by label (all of one
 *                          label, then all of the other) instead of shuffled, in [0, 1]
 * @param classZipf         Zipf exponent of class frequencies: class {@code c} (0-based) is chosen with weight
 *                          {@code 1/(c+1)^s}; 0 = uniform; in [0, 4]
 * @param wordZipf          Zipf exponent of word frequencies within a class (bursty, skewed vocabularies);
 *                          0 = uniform; in [0, 4]
 * @param heldOutFraction   fraction of class pairs held out of training, in [0, 1)
 * @param splitSeed         seed of the held-out split
 * @param labelWords        size of the training label vocabulary, in [2, 64]: {@code " foo"}, {@code " bar"}
 *                          and {@code labelWords − 2} made-up three-letter words. Each training episode
 *                          writes its two labels with two of them drawn at random, so a model cannot answer
 *                          by choosing between two fixed tokens: it has to find the demonstration that
 *                          matches the query and copy its label. 2 = every episode uses foo and bar.
 *                          Evaluation episodes ({@link SyntheticIclTask#balancedEpisodes}, {@link SyntheticIclTask#episode}) always use
 *                          foo and bar.
 * @param classesPerEpisode most classes in a training episode, in [2, 8]: each training episode has
 *                          C ∈ [2, classesPerEpisode] classes, every pair of them a training pair. Class c is
 *                          written with label word c mod W of a shuffled draw of the W = {@code labelWords}
 *                          words, so with more classes than words a label covers several classes. Either way
 *                          "the label of the demonstrations that do not match" stops being an answer: the model
 *                          must find the demonstrations of the query's class and copy their label. Evaluation
 *                          episodes always have two classes, one per label.
 * @param queryCopyFraction fraction of training episodes whose query repeats one of its class's demonstration
 *                          sentences word for word, in [0, 1]: exact matches are the easiest case of the
 *                          similarity the task teaches. Evaluation queries are always fresh sentences.
 * @param fusedTemplate     whether the task's tokenizer splits at whitespace only, so that {@code "Sentence:"}
 *                          and {@code "Label:"} are one token each ({@link SyntheticIclTask#FUSED_FORMAT_WORDS}); otherwise it
 *                          splits words from punctuation ({@code "Label"}, {@code ":"}), like GPT-2. Fused, the
 *                          prompt's last token directly follows the query sentence, as a demonstration's
 *                          {@code "Label:"} directly follows its sentence, so a two-layer model can gather the
 *                          query and each demonstration at the tokens the paper's heads compare.
 */
@RecordBuilder
public record SyntheticTaskOptions(int classes, int wordsPerClass, int sentenceLength, double noise, int minShots,
        int maxShots, double imbalancedFraction, double groupedFraction, double classZipf, double wordZipf,
        double heldOutFraction, long splitSeed, int labelWords, int classesPerEpisode, double queryCopyFraction,
        boolean fusedTemplate) implements SyntheticTaskOptionsBuilder.With {

    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * Checks every value against its range.
     *
     * @throws IllegalArgumentException naming the option, its value and the allowed range
     */
    public SyntheticTaskOptions {
        range("number of classes", classes, 2, 4096);
        range("words per class", wordsPerClass, 1, 4096);
        if ((long) classes * wordsPerClass > 100_000) {
            throw new IllegalArgumentException("classes × words per class = " + (long) classes * wordsPerClass
                    + " out of range [2, 100000]");
        }
        range("sentence length", sentenceLength, 1, 256);
        fraction("noise", noise, false);
        range("minimum shots", minShots, 1, 64);
        range("maximum shots", maxShots, minShots, 64);
        fraction("imbalanced fraction", imbalancedFraction, true);
        fraction("grouped fraction", groupedFraction, true);
        if (!(classZipf >= 0 && classZipf <= 4)) {
            throw new IllegalArgumentException("class Zipf exponent " + classZipf + " out of range [0, 4]");
        }
        if (!(wordZipf >= 0 && wordZipf <= 4)) {
            throw new IllegalArgumentException("word Zipf exponent " + wordZipf + " out of range [0, 4]");
        }
        fraction("held-out fraction", heldOutFraction, false);
        range("label words", labelWords, 2, SyntheticIclTask.MAX_LABEL_WORDS);
        range("classes per episode", classesPerEpisode, 2, SyntheticIclTask.MAX_EPISODE_CLASSES);
        if (classesPerEpisode > classes) {
            throw new IllegalArgumentException("classes per episode " + classesPerEpisode + " out of range [2, "
                    + classes + "] (the number of classes)");
        }
        fraction("query copy fraction", queryCopyFraction, true);
    }

    private static void range(String what, int v, int lo, int hi) {
        if (v < lo || v > hi) {
            throw new IllegalArgumentException(what + " " + v + " out of range [" + lo + ", " + hi + "]");
        }
    }

    private static void fraction(String what, double v, boolean closed) {
        if (!(v >= 0 && (closed ? v <= 1 : v < 1))) {
            throw new IllegalArgumentException(what + " " + v + " out of range [0, 1" + (closed ? "]" : ")"));
        }
    }

    /**
     * 32 classes × 8 words, sentences of 6 words with 10% noise, 1–4 shots per label, 25% imbalanced and
     * 25% grouped episodes, uniform classes and words, 20% of the 496 class pairs held out, split seed 0,
     * labels always foo and bar, two classes per episode, no copied queries, template split from punctuation.
     */
    public static SyntheticTaskOptions defaults() {
        return new SyntheticTaskOptions(32, 8, 6, 0.1, 1, 4, 0.25, 0.25, 0.0, 0.0, 0.2, 0L, 2, 2, 0.0, false);
    }

    /** With {@code classes} classes of {@code wordsPerClass} words each. */
    public SyntheticTaskOptions withClasses(int classes, int wordsPerClass) {
        return new SyntheticTaskOptions(classes, wordsPerClass, sentenceLength, noise, minShots, maxShots, imbalancedFraction,
                groupedFraction, classZipf, wordZipf, heldOutFraction, splitSeed, labelWords, classesPerEpisode,
                queryCopyFraction, fusedTemplate);
    }

    /** With {@code min} to {@code max} demonstrations per label. */
    public SyntheticTaskOptions withShots(int min, int max) {
        return new SyntheticTaskOptions(classes, wordsPerClass, sentenceLength, noise, min, max, imbalancedFraction,
                groupedFraction, classZipf, wordZipf, heldOutFraction, splitSeed, labelWords, classesPerEpisode,
                queryCopyFraction, fusedTemplate);
    }

    /** With these Zipf exponents of class and word frequencies. */
    public SyntheticTaskOptions withZipf(double classExponent, double wordExponent) {
        return new SyntheticTaskOptions(classes, wordsPerClass, sentenceLength, noise, minShots, maxShots, imbalancedFraction,
                groupedFraction, classExponent, wordExponent, heldOutFraction, splitSeed, labelWords, classesPerEpisode,
                queryCopyFraction, fusedTemplate);
    }

    /**
     * These options as a JSON object (one field per component, in component order), the text of
     * {@link SyntheticIclTask#OPTIONS_FILE}; Jackson writes the record.
     */
    public String toJson() {
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(this) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Options from {@link #toJson()}'s text; Jackson reads the record. A missing field takes its
     * {@link #defaults()} value (files written before an option existed read as they did then).
     *
     * @throws IllegalArgumentException for text that is not a JSON object, a field of the wrong type, an unknown
     *                                  field, or a value out of range (the message names it)
     */
    public static SyntheticTaskOptions fromJson(String json) {
        JsonNode n;
        try {
            n = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("synthetic task options are not valid JSON: " + e.getOriginalMessage());
        }
        if (n == null || !n.isObject()) {
            throw new IllegalArgumentException("synthetic task options must be a JSON object; got " + n);
        }
        Map<String, Class<?>> types = new LinkedHashMap<>();
        for (RecordComponent c : SyntheticTaskOptions.class.getRecordComponents()) {
            types.put(c.getName(), c.getType());
        }
        ObjectNode merged = JSON.valueToTree(defaults());
        n.fields().forEachRemaining(e -> {
            Class<?> type = types.get(e.getKey());
            if (type == null) {
                throw new IllegalArgumentException("unknown synthetic task option '" + e.getKey() + "'; known: "
                        + new TreeSet<>(types.keySet()));
            }
            checkType(e.getKey(), e.getValue(), type);
            merged.set(e.getKey(), e.getValue());
        });
        try {
            return JSON.treeToValue(merged, SyntheticTaskOptions.class);
        } catch (JsonProcessingException e) {
            // the record's own checks throw inside Jackson's call of the constructor
            for (Throwable t = e; t != null; t = t.getCause()) {
                if (t instanceof IllegalArgumentException iae) {
                    throw iae;
                }
            }
            throw new IllegalArgumentException("synthetic task options: " + e.getOriginalMessage(), e);
        }
    }

    private static void checkType(String f, JsonNode v, Class<?> type) {
        boolean ok;
        String what;
        if (type == boolean.class) {
            ok = v.isBoolean();
            what = "true or false";
        } else if (type == int.class) {
            ok = v.isInt();
            what = "an integer";
        } else if (type == long.class) {
            ok = v.isIntegralNumber();
            what = "an integer";
        } else {
            ok = v.isNumber();
            what = "a number";
        }
        if (!ok) {
            throw new IllegalArgumentException("synthetic task option '" + f + "' must be " + what + "; got " + v);
        }
    }

    /** With this fraction of class pairs held out, split with this seed. */
    public SyntheticTaskOptions withHeldOut(double fraction, long seed) {
        return new SyntheticTaskOptions(classes, wordsPerClass, sentenceLength, noise, minShots, maxShots, imbalancedFraction,
                groupedFraction, classZipf, wordZipf, fraction, seed, labelWords, classesPerEpisode,
                queryCopyFraction, fusedTemplate);
    }
}
