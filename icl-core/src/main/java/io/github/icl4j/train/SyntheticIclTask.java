package io.github.icl4j.train;

import io.github.icl4j.Encoding;
import io.github.icl4j.Model;
import io.github.icl4j.TokenBatch;
import io.github.icl4j.Tokenizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * A synthetic in-context classification task whose label mapping can only be learned from the context.
 *
 * <p>A vocabulary of made-up words ({@code "rumo"}, {@code "tegi"}, ...) is partitioned into latent classes. A
 * <em>sentence</em> of class {@code c} is {@code sentenceLength} words drawn from class {@code c}, each
 * replaced with probability {@code noise} by a word of a random other class. An <em>episode</em> picks two
 * classes, assigns {@code " foo"} to one and {@code " bar"} to the other at random, and renders demonstrations
 * of both and a query in exactly the library's prompt format:
 * <pre>
 * Sentence: {text}\nLabel: foo\nSentence: {text}\nLabel: bar\n...Sentence: {query}\nLabel:
 * </pre>
 * The text is tokenised with the task's word-level {@link Tokenizer}, and label positions are found from the
 * tokens' character spans, as for real data.
 *
 * <p>The class pairs are split once (by {@link Options#splitSeed()}) into training pairs and held-out pairs;
 * {@link Split#HELD_OUT} episodes use only pairs that {@link Split#TRAIN} episodes never contain, so accuracy on
 * them measures in-context learning, not memorised pairs.
 *
 * <p>Owns a native tokenizer: close it.
 * <pre>{@code
 * try (SyntheticIclTask task = SyntheticIclTask.create(SyntheticIclTask.Options.defaults())) {
 *     SyntheticIclTask.Episode e = task.sample(SyntheticIclTask.Split.HELD_OUT, new Random(1));
 *     System.out.println(e.text());
 * }
 * }</pre>
 */
public final class SyntheticIclTask implements AutoCloseable {
    /** Label word of label 0, with its leading space. */
    public static final String FOO = " foo";
    /** Label word of label 1, with its leading space. */
    public static final String BAR = " bar";
    /** The words of the prompt format, in vocabulary order after {@code <unk>}. */
    public static final List<String> FORMAT_WORDS = List.of("Sentence", "Label", ":", "foo", "bar");
    /** The words of the prompt format with {@link Options#fusedTemplate()}: the template's words keep their colon. */
    public static final List<String> FUSED_FORMAT_WORDS = List.of("Sentence:", "Label:", "foo", "bar");

    /**
     * File name of a task's options ({@link Options#toJson()}) beside a checkpoint trained on it, so that tools
     * can rebuild the task the model knows ({@link #forCheckpoint}).
     */
    public static final String OPTIONS_FILE = "synthetic_task.json";

    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();

    /** Most label words a training label vocabulary may have ({@link Options#labelWords()}). */
    public static final int MAX_LABEL_WORDS = 64;
    /** Most classes a training episode may have ({@link Options#classesPerEpisode()}). */
    public static final int MAX_EPISODE_CLASSES = 8;

    private static final String CONSONANTS = "bdfgklmnprstvz";
    private static final String VOWELS = "aeiou";
    private static final int EVAL_BATCH = 64;

    /** Which class pairs episodes may use. */
    public enum Split {
        /** Pairs seen in training. */
        TRAIN,
        /** Pairs never seen in training. */
        HELD_OUT
    }

    /** Which label tokens of an episode the training loss is taken on. */
    public enum LossOn {
        /** Only the query's answer. */
        QUERY,
        /** Every demonstration's label and the query's answer (the first label is a coin flip; the rest follow). */
        ALL_LABELS,
        /**
         * The labels the context can answer: every demonstration label whose class appeared in an earlier
         * demonstration (the answer is that demonstration's label), and the query's answer. The first
         * demonstration of each class is left out: its label is a guess among the words not yet used, noise to the
         * matching the task teaches (large with a label vocabulary, {@link Options#labelWords()} > 2).
         */
        INFORMED_LABELS,
        /**
         * Every token (language modelling on the whole episode): the sentence words teach the model which words
         * belong together and to gather a sentence's words at the positions after it, which the label
         * predictions then build on.
         */
        ALL_TOKENS
    }

    /**
     * The task's parameters.
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
     *                          Evaluation episodes ({@link #balancedEpisodes}, {@link #episode}) always use
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
     *                          and {@code "Label:"} are one token each ({@link #FUSED_FORMAT_WORDS}); otherwise it
     *                          splits words from punctuation ({@code "Label"}, {@code ":"}), like GPT-2. Fused, the
     *                          prompt's last token directly follows the query sentence, as a demonstration's
     *                          {@code "Label:"} directly follows its sentence, so a two-layer model can gather the
     *                          query and each demonstration at the tokens the paper's heads compare.
     */
    public record Options(int classes, int wordsPerClass, int sentenceLength, double noise, int minShots,
            int maxShots, double imbalancedFraction, double groupedFraction, double classZipf, double wordZipf,
            double heldOutFraction, long splitSeed, int labelWords, int classesPerEpisode, double queryCopyFraction,
            boolean fusedTemplate) {

        public Options {
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
            range("label words", labelWords, 2, MAX_LABEL_WORDS);
            range("classes per episode", classesPerEpisode, 2, MAX_EPISODE_CLASSES);
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
        public static Options defaults() {
            return new Options(32, 8, 6, 0.1, 1, 4, 0.25, 0.25, 0.0, 0.0, 0.2, 0L, 2, 2, 0.0, false);
        }

        public Options withLabelWords(int v) {
            return new Options(classes, wordsPerClass, sentenceLength, noise, minShots, maxShots, imbalancedFraction,
                    groupedFraction, classZipf, wordZipf, heldOutFraction, splitSeed, v, classesPerEpisode,
                    queryCopyFraction, fusedTemplate);
        }

        public Options withClassesPerEpisode(int v) {
            return new Options(classes, wordsPerClass, sentenceLength, noise, minShots, maxShots, imbalancedFraction,
                    groupedFraction, classZipf, wordZipf, heldOutFraction, splitSeed, labelWords, v, queryCopyFraction,
                    fusedTemplate);
        }

        public Options withQueryCopyFraction(double v) {
            return new Options(classes, wordsPerClass, sentenceLength, noise, minShots, maxShots, imbalancedFraction,
                    groupedFraction, classZipf, wordZipf, heldOutFraction, splitSeed, labelWords, classesPerEpisode, v,
                    fusedTemplate);
        }

        public Options withFusedTemplate(boolean v) {
            return new Options(classes, wordsPerClass, sentenceLength, noise, minShots, maxShots, imbalancedFraction,
                    groupedFraction, classZipf, wordZipf, heldOutFraction, splitSeed, labelWords, classesPerEpisode,
                    queryCopyFraction, v);
        }

        public Options withClasses(int classes, int wordsPerClass) {
            return new Options(classes, wordsPerClass, sentenceLength, noise, minShots, maxShots, imbalancedFraction,
                    groupedFraction, classZipf, wordZipf, heldOutFraction, splitSeed, labelWords, classesPerEpisode,
                    queryCopyFraction, fusedTemplate);
        }

        public Options withSentenceLength(int v) {
            return new Options(classes, wordsPerClass, v, noise, minShots, maxShots, imbalancedFraction,
                    groupedFraction, classZipf, wordZipf, heldOutFraction, splitSeed, labelWords, classesPerEpisode,
                    queryCopyFraction, fusedTemplate);
        }

        public Options withNoise(double v) {
            return new Options(classes, wordsPerClass, sentenceLength, v, minShots, maxShots, imbalancedFraction,
                    groupedFraction, classZipf, wordZipf, heldOutFraction, splitSeed, labelWords, classesPerEpisode,
                    queryCopyFraction, fusedTemplate);
        }

        public Options withShots(int min, int max) {
            return new Options(classes, wordsPerClass, sentenceLength, noise, min, max, imbalancedFraction,
                    groupedFraction, classZipf, wordZipf, heldOutFraction, splitSeed, labelWords, classesPerEpisode,
                    queryCopyFraction, fusedTemplate);
        }

        public Options withImbalancedFraction(double v) {
            return new Options(classes, wordsPerClass, sentenceLength, noise, minShots, maxShots, v, groupedFraction,
                    classZipf, wordZipf, heldOutFraction, splitSeed, labelWords, classesPerEpisode,
                    queryCopyFraction, fusedTemplate);
        }

        public Options withGroupedFraction(double v) {
            return new Options(classes, wordsPerClass, sentenceLength, noise, minShots, maxShots, imbalancedFraction,
                    v, classZipf, wordZipf, heldOutFraction, splitSeed, labelWords, classesPerEpisode,
                    queryCopyFraction, fusedTemplate);
        }

        public Options withZipf(double classExponent, double wordExponent) {
            return new Options(classes, wordsPerClass, sentenceLength, noise, minShots, maxShots, imbalancedFraction,
                    groupedFraction, classExponent, wordExponent, heldOutFraction, splitSeed, labelWords, classesPerEpisode,
                    queryCopyFraction, fusedTemplate);
        }

        /**
         * These options as a JSON object (one field per component), the text of {@link #OPTIONS_FILE}.
         */
        public String toJson() {
            var node = JSON.createObjectNode();
            node.put("classes", classes).put("wordsPerClass", wordsPerClass).put("sentenceLength", sentenceLength)
                    .put("noise", noise).put("minShots", minShots).put("maxShots", maxShots)
                    .put("imbalancedFraction", imbalancedFraction).put("groupedFraction", groupedFraction)
                    .put("classZipf", classZipf).put("wordZipf", wordZipf).put("heldOutFraction", heldOutFraction)
                    .put("splitSeed", splitSeed).put("labelWords", labelWords)
                    .put("classesPerEpisode", classesPerEpisode).put("queryCopyFraction", queryCopyFraction)
                    .put("fusedTemplate", fusedTemplate);
            try {
                return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(node) + "\n";
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
        }

        /**
         * Options from {@link #toJson()}'s text. A missing field takes its {@link #defaults()} value.
         *
         * @throws IllegalArgumentException for text that is not a JSON object, a field of the wrong type, an unknown
         *                                  field, or a value out of range (the message names it)
         */
        public static Options fromJson(String json) {
            com.fasterxml.jackson.databind.JsonNode n;
            try {
                n = JSON.readTree(json);
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new IllegalArgumentException("synthetic task options are not valid JSON: "
                        + e.getOriginalMessage());
            }
            if (n == null || !n.isObject()) {
                throw new IllegalArgumentException("synthetic task options must be a JSON object; got " + n);
            }
            Set<String> known = Set.of("classes", "wordsPerClass", "sentenceLength", "noise", "minShots", "maxShots",
                    "imbalancedFraction", "groupedFraction", "classZipf", "wordZipf", "heldOutFraction", "splitSeed",
                    "labelWords", "classesPerEpisode", "queryCopyFraction", "fusedTemplate");
            n.fieldNames().forEachRemaining(f -> {
                if (!known.contains(f)) {
                    throw new IllegalArgumentException("unknown synthetic task option '" + f + "'; known: "
                            + new java.util.TreeSet<>(known));
                }
            });
            Options d = defaults();
            return new Options(intField(n, "classes", d.classes), intField(n, "wordsPerClass", d.wordsPerClass),
                    intField(n, "sentenceLength", d.sentenceLength), numField(n, "noise", d.noise),
                    intField(n, "minShots", d.minShots), intField(n, "maxShots", d.maxShots),
                    numField(n, "imbalancedFraction", d.imbalancedFraction),
                    numField(n, "groupedFraction", d.groupedFraction), numField(n, "classZipf", d.classZipf),
                    numField(n, "wordZipf", d.wordZipf), numField(n, "heldOutFraction", d.heldOutFraction),
                    longField(n, "splitSeed", d.splitSeed), intField(n, "labelWords", 2),
                    intField(n, "classesPerEpisode", 2), numField(n, "queryCopyFraction", 0.0),
                    boolField(n, "fusedTemplate", false));
        }

        private static boolean boolField(com.fasterxml.jackson.databind.JsonNode n, String f, boolean dflt) {
            var v = n.get(f);
            if (v == null) {
                return dflt;
            }
            if (!v.isBoolean()) {
                throw new IllegalArgumentException("synthetic task option '" + f + "' must be true or false; got " + v);
            }
            return v.booleanValue();
        }

        private static int intField(com.fasterxml.jackson.databind.JsonNode n, String f, int dflt) {
            return field(n, f, com.fasterxml.jackson.databind.JsonNode::isInt, "an integer", dflt).intValue();
        }

        private static long longField(com.fasterxml.jackson.databind.JsonNode n, String f, long dflt) {
            return field(n, f, com.fasterxml.jackson.databind.JsonNode::isIntegralNumber, "an integer", dflt)
                    .longValue();
        }

        private static double numField(com.fasterxml.jackson.databind.JsonNode n, String f, double dflt) {
            return field(n, f, com.fasterxml.jackson.databind.JsonNode::isNumber, "a number", dflt).doubleValue();
        }

        /** Field {@code f} of {@code n} as a number, {@code dflt} when absent, an error naming it when mistyped. */
        private static Number field(com.fasterxml.jackson.databind.JsonNode n, String f,
                java.util.function.Predicate<com.fasterxml.jackson.databind.JsonNode> typed, String what, Number dflt) {
            var v = n.get(f);
            if (v == null) {
                return dflt;
            }
            if (!typed.test(v)) {
                throw new IllegalArgumentException("synthetic task option '" + f + "' must be " + what + "; got " + v);
            }
            return v.numberValue();
        }

        public Options withHeldOut(double fraction, long seed) {
            return new Options(classes, wordsPerClass, sentenceLength, noise, minShots, maxShots, imbalancedFraction,
                    groupedFraction, classZipf, wordZipf, fraction, seed, labelWords, classesPerEpisode,
                    queryCopyFraction, fusedTemplate);
        }
    }

    /**
     * One rendered and tokenised episode. Labels are 0 ({@code " foo"}) and 1 ({@code " bar"}).
     *
     * @param text           the prompt, ending in {@code "Label:"}
     * @param ids            its tokens (no BOS)
     * @param classFoo       the class labelled foo in this episode
     * @param classBar       the class labelled bar
     * @param demoLabels     the label of each demonstration, in prompt order
     * @param labelPositions token index of each demonstration's label word, in prompt order
     * @param queryLabel     the query's gold label
     * @param fooId          token id of {@code " foo"}
     * @param barId          token id of {@code " bar"}
     */
    public record Episode(String text, long[] ids, int classFoo, int classBar, int[] demoLabels, int[] labelPositions,
            int queryLabel, long fooId, long barId) {
        public Episode {
            ids = ids.clone();
            demoLabels = demoLabels.clone();
            labelPositions = labelPositions.clone();
        }

        @Override
        public long[] ids() {
            return ids.clone();
        }

        @Override
        public int[] demoLabels() {
            return demoLabels.clone();
        }

        @Override
        public int[] labelPositions() {
            return labelPositions.clone();
        }

        /** The class of the query sentence. */
        public int queryClass() {
            return queryLabel == 0 ? classFoo : classBar;
        }

        /** Token id of the gold answer. */
        public long goldId() {
            return queryLabel == 0 ? fooId : barId;
        }

        /** Index of the last token (whose next-token prediction is the answer). */
        public int lastIndex() {
            return ids.length - 1;
        }

        /** Number of demonstrations with label {@code label}. */
        public int count(int label) {
            return (int) Arrays.stream(demoLabels).filter(l -> l == label).count();
        }

        @Override
        public String toString() {
            return "Episode[foo=class " + classFoo + ", bar=class " + classBar + ", demos "
                    + Arrays.toString(demoLabels) + ", query " + (queryLabel == 0 ? "foo" : "bar") + ", "
                    + ids.length + " tokens]";
        }
    }

    /**
     * A sentence and its label, for experiments that build their own prompts.
     *
     * @param text  the sentence (words separated by single spaces)
     * @param label 0 or 1
     */
    public record LabelledText(String text, int label) {
    }

    /**
     * A model's answers on a list of episodes.
     *
     * @param episodes          how many
     * @param accuracy          argmax over the two label tokens equals the gold label
     * @param fullVocabAccuracy argmax over the whole vocabulary is the gold label token
     * @param fooRate           fraction of episodes where foo beats bar
     * @param meanMargin        mean of {@code logit(foo) − logit(bar)}
     */
    public record Evaluation(int episodes, double accuracy, double fullVocabAccuracy, double fooRate,
            double meanMargin) {
        @Override
        public String toString() {
            return String.format(Locale.ROOT, "Evaluation[%d episodes: accuracy %.3f, full-vocabulary %.3f, "
                    + "foo rate %.3f, mean margin %+.3f]", episodes, accuracy, fullVocabAccuracy, fooRate, meanMargin);
        }
    }

    private final Options options;
    private final List<String> vocabulary;
    private final String[][] words;
    private final Map<String, Integer> classOfWord;
    private final String tokenizerJson;
    private final Tokenizer tokenizer;
    private final long fooId;
    private final long barId;
    /** The training label vocabulary with leading spaces: foo, bar, then the made-up words. */
    private final List<String> labelWords;
    /** Token id of each label word (looked up once: episodes are rendered on the training hot path). */
    private final Map<String, Long> labelIds = new HashMap<>();
    private final int[][] trainPairs;
    private final int[][] heldOutPairs;
    private final double[] trainPairCdf;
    private final double[] heldOutPairCdf;
    private final double[] wordCdf;
    private final Set<Long> heldOutKeys = new java.util.HashSet<>();

    private SyntheticIclTask(Options options) {
        this.options = options;
        int nc = options.classes();
        int nw = options.wordsPerClass();
        List<String> made = makeWords(nc * nw);
        this.words = new String[nc][nw];
        this.classOfWord = new HashMap<>();
        List<String> vocab = new ArrayList<>(options.fusedTemplate() ? FUSED_FORMAT_WORDS : FORMAT_WORDS);
        for (int c = 0; c < nc; c++) {
            for (int j = 0; j < nw; j++) {
                String w = made.get(c * nw + j);
                words[c][j] = w;
                classOfWord.put(w, c);
                vocab.add(w);
            }
        }
        List<String> labels = new ArrayList<>(List.of(FOO, BAR));
        for (String w : makeLabelWords(options.labelWords() - 2)) {
            labels.add(" " + w);
            vocab.add(w);
        }
        this.labelWords = List.copyOf(labels);
        this.vocabulary = List.copyOf(vocab);
        this.tokenizerJson = WordLevelTokenizerJson.build(vocabulary, options.fusedTemplate()
                ? WordLevelTokenizerJson.Split.WHITESPACE_ONLY : WordLevelTokenizerJson.Split.WORDS_AND_PUNCTUATION);
        this.tokenizer = Tokenizer.fromJson(tokenizerJson, "synthetic ICL task word-level tokenizer");
        this.fooId = tokenizer.singleTokenId(FOO);
        this.barId = tokenizer.singleTokenId(BAR);
        for (String w : labelWords) {
            labelIds.put(w, tokenizer.singleTokenId(w));
        }

        List<int[]> pairs = new ArrayList<>();
        for (int a = 0; a < nc; a++) {
            for (int b = a + 1; b < nc; b++) {
                pairs.add(new int[] {a, b});
            }
        }
        Collections.shuffle(pairs, new Random(options.splitSeed()));
        int nHeld = (int) Math.round(options.heldOutFraction() * pairs.size());
        List<int[]> held = new ArrayList<>(pairs.subList(0, nHeld));
        List<int[]> train = new ArrayList<>(pairs.subList(nHeld, pairs.size()));
        java.util.Comparator<int[]> byClass = java.util.Comparator.<int[]>comparingInt(p -> p[0]).thenComparingInt(p -> p[1]);
        held.sort(byClass);
        train.sort(byClass);
        if (train.isEmpty()) {
            throw new IllegalArgumentException("held-out fraction " + options.heldOutFraction() + " leaves no "
                    + "training pair of " + pairs.size());
        }
        this.trainPairs = train.toArray(int[][]::new);
        this.heldOutPairs = held.toArray(int[][]::new);
        for (int[] p : heldOutPairs) {
            heldOutKeys.add(key(p[0], p[1]));
        }
        double[] classWeight = new double[nc];
        for (int c = 0; c < nc; c++) {
            classWeight[c] = Math.pow(c + 1, -options.classZipf());
        }
        this.trainPairCdf = pairCdf(trainPairs, classWeight);
        this.heldOutPairCdf = pairCdf(heldOutPairs, classWeight);
        double[] ww = new double[nw];
        for (int j = 0; j < nw; j++) {
            ww[j] = Math.pow(j + 1, -options.wordZipf());
        }
        this.wordCdf = cdf(ww);
    }

    /**
     * Builds the task (its vocabulary, tokenizer and pair split).
     *
     * @throws IllegalArgumentException when the held-out fraction leaves no training pair
     */
    public static SyntheticIclTask create(Options options) {
        return new SyntheticIclTask(options);
    }

    /**
     * The task the built-in model ({@link io.github.icl4j.Model#builtin()}) was trained on, from the
     * {@link #OPTIONS_FILE} that ships beside it in the icl-core jar (close it).
     *
     * @throws IllegalStateException when the file is not on the class path
     */
    public static SyntheticIclTask builtin() {
        String res = io.github.icl4j.Model.BUILTIN_RESOURCES + OPTIONS_FILE;
        try (java.io.InputStream in = SyntheticIclTask.class.getResourceAsStream(res)) {
            if (in == null) {
                throw new IllegalStateException(res + " is not on the class path (it ships in the icl-core jar)");
            }
            return create(Options.fromJson(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8)));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("cannot read " + res, e);
        }
    }

    /**
     * The task a checkpoint folder was trained on, from its {@link #OPTIONS_FILE}; empty when the folder has none.
     *
     * @throws IllegalArgumentException when the file is unreadable or invalid (the message names the file)
     */
    public static java.util.Optional<SyntheticIclTask> forCheckpoint(java.nio.file.Path dir) {
        java.nio.file.Path f = dir.resolve(OPTIONS_FILE);
        if (!java.nio.file.Files.isRegularFile(f)) {
            return java.util.Optional.empty();
        }
        try {
            return java.util.Optional.of(create(Options.fromJson(java.nio.file.Files.readString(f))));
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException("cannot read " + f + ": " + e.getMessage(), e);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(f + ": " + e.getMessage(), e);
        }
    }

    private static long key(int a, int b) {
        return ((long) Math.min(a, b) << 32) | Math.max(a, b);
    }

    private static double[] pairCdf(int[][] pairs, double[] classWeight) {
        double[] w = new double[pairs.length];
        for (int i = 0; i < pairs.length; i++) {
            w[i] = classWeight[pairs[i][0]] * classWeight[pairs[i][1]];
        }
        return cdf(w);
    }

    private static double[] cdf(double[] w) {
        double[] c = new double[w.length];
        double s = 0;
        for (int i = 0; i < w.length; i++) {
            s += w[i];
            c[i] = s;
        }
        for (int i = 0; i < c.length; i++) {
            c[i] /= s;
        }
        return c;
    }

    private static int draw(double[] cdf, Random rng) {
        double u = rng.nextDouble();
        int i = Arrays.binarySearch(cdf, u);
        i = i >= 0 ? i + 1 : -i - 1;
        return Math.min(i, cdf.length - 1);
    }

    /**
     * {@code n} distinct pronounceable words (consonant-vowel pairs), the same list on every machine: four
     * letters while that gives enough, six beyond.
     */
    static List<String> makeWords(int n) {
        int pairs = n <= 2000 ? 2 : 3;
        Random rng = new Random(0x1C14L);
        Set<String> out = new LinkedHashSet<>();
        Set<String> reserved = Set.of("foo", "bar", "sentence", "label");
        StringBuilder sb = new StringBuilder();
        while (out.size() < n) {
            sb.setLength(0);
            for (int i = 0; i < pairs; i++) {
                sb.append(CONSONANTS.charAt(rng.nextInt(CONSONANTS.length())));
                sb.append(VOWELS.charAt(rng.nextInt(VOWELS.length())));
            }
            String w = sb.toString();
            if (!reserved.contains(w)) {
                out.add(w);
            }
        }
        return List.copyOf(out);
    }

    /**
     * {@code n} distinct made-up label words of three letters (consonant, vowel, consonant), the same list on
     * every machine; three letters never collide with the four- or six-letter class words.
     */
    static List<String> makeLabelWords(int n) {
        Random rng = new Random(0x1ABE1L);
        Set<String> out = new LinkedHashSet<>();
        Set<String> reserved = Set.of("foo", "bar");
        while (out.size() < n) {
            String w = "" + CONSONANTS.charAt(rng.nextInt(CONSONANTS.length()))
                    + VOWELS.charAt(rng.nextInt(VOWELS.length())) + CONSONANTS.charAt(rng.nextInt(CONSONANTS.length()));
            if (!reserved.contains(w)) {
                out.add(w);
            }
        }
        return List.copyOf(out);
    }

    public Options options() {
        return options;
    }

    /**
     * The training label vocabulary, with leading spaces: {@code " foo"}, {@code " bar"}, then
     * {@link Options#labelWords()} − 2 made-up words (see {@link Options#labelWords()}).
     */
    public List<String> labelWords() {
        return labelWords;
    }

    /**
     * The vocabulary after {@code <unk>} (id 0), in id order: {@link #FORMAT_WORDS} (or
     * {@link #FUSED_FORMAT_WORDS}), the class words class by class, then the made-up label words (without their
     * leading space). {@code vocabulary().size() + 1} is the model's vocabulary size.
     */
    public List<String> vocabulary() {
        return vocabulary;
    }

    /** The vocabulary size a model for this task needs ({@code <unk>} included). */
    public int vocabSize() {
        return vocabulary.size() + 1;
    }

    /** The text of the task's word-level {@code tokenizer.json}. */
    public String tokenizerJson() {
        return tokenizerJson;
    }

    /** The task's tokenizer (owned by the task). */
    public Tokenizer tokenizer() {
        return tokenizer;
    }

    /** Token id of {@code " foo"}. */
    public long fooId() {
        return fooId;
    }

    /** Token id of {@code " bar"}. */
    public long barId() {
        return barId;
    }

    /**
     * Word {@code j} of class {@code c}.
     *
     * @throws IllegalArgumentException for a class or index out of range
     */
    public String word(int c, int j) {
        checkClass(c);
        if (j < 0 || j >= options.wordsPerClass()) {
            throw new IllegalArgumentException("word index " + j + " out of range [0, " + options.wordsPerClass() + ")");
        }
        return words[c][j];
    }

    /** The words of class {@code c}. */
    public List<String> words(int c) {
        checkClass(c);
        return List.of(words[c]);
    }

    /** The class of a word, or -1 when it is not a class word. */
    public int classOf(String word) {
        Integer c = classOfWord.get(word);
        return c == null ? -1 : c;
    }

    /** The class pairs {@code {a, b}} ({@code a < b}) of a split, sorted. */
    public List<int[]> pairs(Split split) {
        List<int[]> out = new ArrayList<>();
        for (int[] p : split == Split.TRAIN ? trainPairs : heldOutPairs) {
            out.add(p.clone());
        }
        return out;
    }

    /** True when the pair (in either order) is held out of training. */
    public boolean isHeldOut(int a, int b) {
        checkClass(a);
        checkClass(b);
        return heldOutKeys.contains(key(a, b));
    }

    private void checkClass(int c) {
        if (c < 0 || c >= options.classes()) {
            throw new IllegalArgumentException("class " + c + " out of range [0, " + options.classes() + ")");
        }
    }

    /** A sentence of class {@code c}: {@code sentenceLength} words separated by single spaces, with noise. */
    public String sentence(int c, Random rng) {
        checkClass(c);
        StringBuilder sb = new StringBuilder();
        int nc = options.classes();
        for (int i = 0; i < options.sentenceLength(); i++) {
            if (i > 0) {
                sb.append(' ');
            }
            if (options.noise() > 0 && rng.nextDouble() < options.noise()) {
                int other = rng.nextInt(nc - 1);
                other = other >= c ? other + 1 : other;
                sb.append(words[other][rng.nextInt(options.wordsPerClass())]);
            } else {
                sb.append(words[c][draw(wordCdf, rng)]);
            }
        }
        return sb.toString();
    }

    /**
     * An episode of the split drawn as the options say: a class pair (Zipf-weighted), a random foo/bar
     * assignment, balanced shots k ∈ [minShots, maxShots] (or, for the imbalanced fraction, unequal counts),
     * shuffled (or, for the grouped fraction, grouped) demonstrations, and a query of either label.
     *
     * @throws IllegalArgumentException for {@link Split#HELD_OUT} when no pair is held out
     */
    public Episode sample(Split split, Random rng) {
        return sample(split, options.maxShots(), rng);
    }

    /** As {@link #sample(Split, Random)} with at most {@code maxShots} demonstrations per label. */
    private Episode sample(Split split, int maxShots, Random rng) {
        int[] pair = drawPair(split, rng);
        boolean swap = rng.nextBoolean();
        int classFoo = swap ? pair[1] : pair[0];
        int classBar = swap ? pair[0] : pair[1];
        int nFoo;
        int nBar;
        if (maxShots > 1 && rng.nextDouble() < options.imbalancedFraction()) {
            do {
                nFoo = 1 + rng.nextInt(maxShots);
                nBar = 1 + rng.nextInt(maxShots);
            } while (nFoo == nBar);
        } else {
            nFoo = options.minShots() + rng.nextInt(maxShots - options.minShots() + 1);
            nBar = nFoo;
        }
        boolean grouped = rng.nextDouble() < options.groupedFraction();
        int[] demoLabels = grouped ? groupedOrder(nFoo, nBar, rng.nextBoolean()) : shuffledOrder(nFoo, nBar, rng);
        return render(classFoo, classBar, demoLabels, rng.nextInt(2), rng);
    }

    private int[] drawPair(Split split, Random rng) {
        if (split == Split.HELD_OUT) {
            if (heldOutPairs.length == 0) {
                throw new IllegalArgumentException("no class pair is held out (held-out fraction "
                        + options.heldOutFraction() + ")");
            }
            return heldOutPairs[draw(heldOutPairCdf, rng)];
        }
        return trainPairs[draw(trainPairCdf, rng)];
    }

    /** Demonstration labels: {@code nFoo} zeros and {@code nBar} ones in random order. */
    public static int[] shuffledOrder(int nFoo, int nBar, Random rng) {
        int[] out = groupedOrder(nFoo, nBar, true);
        for (int i = out.length - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = out[i];
            out[i] = out[j];
            out[j] = t;
        }
        return out;
    }

    /** Demonstration labels grouped: all foo then all bar ({@code fooFirst}), or the reverse. */
    public static int[] groupedOrder(int nFoo, int nBar, boolean fooFirst) {
        int[] out = new int[nFoo + nBar];
        for (int i = 0; i < out.length; i++) {
            out[i] = fooFirst ? (i < nFoo ? 0 : 1) : (i < nBar ? 1 : 0);
        }
        return out;
    }

    /**
     * An episode with everything chosen by the caller: which class is foo and which bar, the label of each
     * demonstration in order, and the query's label. Only the sentences are drawn from {@code rng}.
     *
     * @throws IllegalArgumentException for equal or out-of-range classes, no demonstrations, or labels other
     *                                  than 0 and 1
     */
    public Episode episode(int classFoo, int classBar, int[] demoLabels, int queryLabel, Random rng) {
        checkClass(classFoo);
        checkClass(classBar);
        if (classFoo == classBar) {
            throw new IllegalArgumentException("foo and bar need two different classes; got " + classFoo + " twice");
        }
        if (demoLabels.length == 0) {
            throw new IllegalArgumentException("an episode needs at least one demonstration");
        }
        for (int l : demoLabels) {
            checkLabel(l);
        }
        checkLabel(queryLabel);
        return render(classFoo, classBar, demoLabels, queryLabel, rng);
    }

    /** Draws the sentences of an episode (demonstrations in order, then the query) and renders it with foo/bar. */
    private Episode render(int classFoo, int classBar, int[] demoLabels, int queryLabel, Random rng) {
        int[] cls = {classFoo, classBar};
        String[] sentences = new String[demoLabels.length];
        String[] words = new String[demoLabels.length];
        for (int i = 0; i < demoLabels.length; i++) {
            sentences[i] = sentence(cls[demoLabels[i]], rng);
            words[i] = demoLabels[i] == 0 ? FOO : BAR;
        }
        Layout l = layout(sentences, words, sentence(cls[queryLabel], rng));
        return new Episode(l.text(), l.ids(), classFoo, classBar, demoLabels, l.labelPositions(), queryLabel, fooId,
                barId);
    }

    /** A rendered prompt: its text, its tokens and the token index of each demonstration's label word. */
    private record Layout(String text, long[] ids, int[] labelPositions) {
    }

    /**
     * The library's prompt format over demonstration {@code sentences} labelled {@code words} (each a word of
     * {@link #labelWords()}, with its leading space) and the query sentence, tokenised, with each label word's
     * position found from the character spans and checked by token id.
     */
    private Layout layout(String[] sentences, String[] words, String query) {
        StringBuilder sb = new StringBuilder();
        int[] labelStart = new int[sentences.length];
        for (int i = 0; i < sentences.length; i++) {
            sb.append("Sentence: ").append(sentences[i]).append("\nLabel:");
            labelStart[i] = sb.length();
            sb.append(words[i]).append('\n');
        }
        sb.append("Sentence: ").append(query).append("\nLabel:");
        String text = sb.toString();
        Encoding enc = tokenizer.encode(text);
        int[] positions = new int[sentences.length];
        for (int i = 0; i < sentences.length; i++) {
            positions[i] = enc.firstTokenIn(labelStart[i], labelStart[i] + words[i].length());
            if (positions[i] < 0 || enc.id(positions[i]) != labelIds.get(words[i])) {
                throw new IllegalStateException("label word of demonstration " + i + " not found at characters ["
                        + labelStart[i] + ", " + (labelStart[i] + words[i].length()) + ") of the episode");
            }
        }
        return new Layout(text, enc.ids(), positions);
    }

    private static void checkLabel(int l) {
        if (l != 0 && l != 1) {
            throw new IllegalArgumentException("label " + l + " out of range [0, 1] (0 = foo, 1 = bar)");
        }
    }

    /** {@code n} episodes sampled as the options say, from a random source seeded with {@code seed}. */
    public List<Episode> episodes(Split split, int n, long seed) {
        Random rng = new Random(seed);
        List<Episode> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(sample(split, rng));
        }
        return out;
    }

    /**
     * {@code n} balanced episodes of the split with exactly {@code shots} demonstrations per label in random
     * order: the standard evaluation set.
     */
    public List<Episode> balancedEpisodes(Split split, int n, int shots, long seed) {
        Random rng = new Random(seed);
        List<Episode> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            int[] pair = drawPair(split, rng);
            boolean swap = rng.nextBoolean();
            out.add(episode(swap ? pair[1] : pair[0], swap ? pair[0] : pair[1], shuffledOrder(shots, shots, rng),
                    rng.nextInt(2), rng));
        }
        return out;
    }

    /**
     * Training batches of {@link Split#TRAIN} episodes: each sequence is the episode's tokens followed by the
     * gold answer, with the loss on the answer and, for {@link LossOn#ALL_LABELS}, on every demonstration label.
     * With a label vocabulary ({@link Options#labelWords()} > 2) each episode's two labels are written with two
     * words drawn from it.
     */
    public TrainingData trainingData(LossOn lossOn) {
        return trainingData(lossOn, 0);
    }

    /**
     * As {@link #trainingData(LossOn)} with a curriculum on the context length: over the first
     * {@code curriculumSteps} steps the most demonstrations per label grows linearly from
     * {@link Options#minShots()} to {@link Options#maxShots()}; 0 = no curriculum.
     *
     * @throws IllegalArgumentException for negative {@code curriculumSteps}
     */
    public TrainingData trainingData(LossOn lossOn, int curriculumSteps) {
        if (curriculumSteps < 0) {
            throw new IllegalArgumentException("curriculum steps " + curriculumSteps + " out of range [0, ...)");
        }
        int lo = options.minShots();
        int hi = options.maxShots();
        return (step, batchSize, rng) -> {
            int cap = curriculumSteps == 0 || step >= curriculumSteps ? hi
                    : Math.min(hi, lo + (int) ((long) (hi - lo + 1) * step / curriculumSteps));
            long[][] seqs = new long[batchSize][];
            int[][] targets = new int[batchSize][];
            for (int i = 0; i < batchSize; i++) {
                TrainingEpisode e = trainingEpisode(cap, rng);
                long[] ids = Arrays.copyOf(e.ids(), e.ids().length + 1);
                ids[e.ids().length] = e.goldId();
                seqs[i] = ids;
                int[] pos = e.labelPositions();
                if (lossOn == LossOn.QUERY) {
                    targets[i] = new int[] {e.ids().length};
                } else if (lossOn == LossOn.ALL_TOKENS) {
                    targets[i] = java.util.stream.IntStream.range(1, ids.length).toArray();
                } else if (lossOn == LossOn.INFORMED_LABELS) {
                    // every label but the first of its class, then the answer
                    boolean[] seen = new boolean[e.classes()];
                    int[] t = new int[pos.length + 1];
                    int n = 0;
                    for (int j = 0; j < pos.length; j++) {
                        int c = e.demoLabels()[j];
                        if (seen[c]) {
                            t[n++] = pos[j];
                        }
                        seen[c] = true;
                    }
                    t[n++] = e.ids().length;
                    targets[i] = Arrays.copyOf(t, n);
                } else {
                    int[] t = Arrays.copyOf(pos, pos.length + 1);
                    t[t.length - 1] = e.ids().length;
                    targets[i] = t;
                }
            }
            return new TrainingBatch(seqs, targets);
        };
    }

    /** A training episode of any number of classes: tokens, label positions and labels, the answer's token. */
    private record TrainingEpisode(long[] ids, int[] labelPositions, int[] demoLabels, int classes, long goldId) {
    }

    /**
     * One training episode as the options say. Two classes without copied queries take the path of
     * {@link #sample(Split, Random)} (the same random numbers as before those options existed); otherwise C classes
     * whose every pair is a training pair, C distinct label words, and perhaps a copied query.
     */
    private TrainingEpisode trainingEpisode(int cap, Random rng) {
        if (options.classesPerEpisode() == 2 && options.labelWords() == 2 && options.queryCopyFraction() == 0) {
            Episode e = sample(Split.TRAIN, cap, rng);
            return new TrainingEpisode(e.ids, e.labelPositions, e.demoLabels, 2, e.goldId());
        }
        int nc = 2 + rng.nextInt(options.classesPerEpisode() - 1);
        int[] cls = trainingClasses(nc, rng);
        // a shuffled draw of the label words; with more classes than words a word labels several classes
        List<String> pool = new ArrayList<>(labelWords);
        Collections.shuffle(pool, rng);
        String[] words = new String[nc];
        for (int c = 0; c < nc; c++) {
            words[c] = pool.get(c % pool.size());
        }
        int[] counts = new int[nc];
        if (cap > 1 && rng.nextDouble() < options.imbalancedFraction()) {
            for (int c = 0; c < nc; c++) {
                counts[c] = 1 + rng.nextInt(cap);
            }
        } else {
            Arrays.fill(counts, options.minShots() + rng.nextInt(cap - options.minShots() + 1));
        }
        int total = Arrays.stream(counts).sum();
        int[] demoLabels = new int[total];
        boolean grouped = rng.nextDouble() < options.groupedFraction();
        List<Integer> blockOrder = new ArrayList<>();
        for (int c = 0; c < nc; c++) {
            blockOrder.add(c);
        }
        Collections.shuffle(blockOrder, rng);
        int at = 0;
        for (int c : blockOrder) {
            for (int j = 0; j < counts[c]; j++) {
                demoLabels[at++] = c;
            }
        }
        if (!grouped) {
            for (int i = total - 1; i > 0; i--) {
                int j = rng.nextInt(i + 1);
                int t = demoLabels[i];
                demoLabels[i] = demoLabels[j];
                demoLabels[j] = t;
            }
        }
        int query = rng.nextInt(nc);
        String[] sentences = new String[total];
        for (int i = 0; i < total; i++) {
            sentences[i] = sentence(cls[demoLabels[i]], rng);
        }
        String querySentence;
        if (rng.nextDouble() < options.queryCopyFraction()) {
            List<String> own = new ArrayList<>();
            for (int i = 0; i < total; i++) {
                if (demoLabels[i] == query) {
                    own.add(sentences[i]);
                }
            }
            querySentence = own.get(rng.nextInt(own.size()));
        } else {
            querySentence = sentence(cls[query], rng);
        }
        String[] demoWords = new String[total];
        for (int i = 0; i < total; i++) {
            demoWords[i] = words[demoLabels[i]];
        }
        Layout l = layout(sentences, demoWords, querySentence);
        return new TrainingEpisode(l.ids(), l.labelPositions(), demoLabels, nc, labelIds.get(words[query]));
    }

    /** {@code n} distinct classes whose every pair is a training pair (rejection sampling from a training pair). */
    private int[] trainingClasses(int n, Random rng) {
        for (int attempt = 0; attempt < 10_000; attempt++) {
            int[] pair = drawPair(Split.TRAIN, rng);
            List<Integer> chosen = new ArrayList<>(List.of(pair[0], pair[1]));
            int tries = 0;
            while (chosen.size() < n && tries++ < 1000) {
                int c = rng.nextInt(options.classes());
                if (chosen.contains(c)) {
                    continue;
                }
                boolean ok = true;
                for (int x : chosen) {
                    ok &= !isHeldOut(x, c);
                }
                if (ok) {
                    chosen.add(c);
                }
            }
            if (chosen.size() == n) {
                Collections.shuffle(chosen, rng);
                return chosen.stream().mapToInt(Integer::intValue).toArray();
            }
        }
        throw new IllegalStateException("cannot find " + n + " classes whose every pair is a training pair; lower "
                + "classes per episode or the held-out fraction");
    }

    /**
     * {@code perClass} sentences of {@code classA} (label 0) and of {@code classB} (label 1), shuffled: a binary
     * data set over one class pair for experiments that build their own prompts.
     */
    public List<LabelledText> sentences(int classA, int classB, int perClass, long seed) {
        checkClass(classA);
        checkClass(classB);
        if (classA == classB) {
            throw new IllegalArgumentException("need two different classes; got " + classA + " twice");
        }
        if (perClass < 1) {
            throw new IllegalArgumentException("sentences per class " + perClass + " out of range [1, ...)");
        }
        Random rng = new Random(seed);
        List<LabelledText> out = new ArrayList<>();
        for (int i = 0; i < perClass; i++) {
            out.add(new LabelledText(sentence(classA, rng), 0));
            out.add(new LabelledText(sentence(classB, rng), 1));
        }
        Collections.shuffle(out, rng);
        return out;
    }

    /** {@code logit(foo) − logit(bar)} at each episode's last position. */
    public double[] margins(Model model, List<Episode> episodes) {
        double[] out = new double[episodes.size()];
        forEachLastLogits(model, episodes, (i, logits) -> out[i] = logits[(int) fooId] - logits[(int) barId]);
        return out;
    }

    /** Accuracy and label preferences of {@code model} on {@code episodes}. */
    public Evaluation evaluate(Model model, List<Episode> episodes) {
        if (episodes.isEmpty()) {
            throw new IllegalArgumentException("no episodes to evaluate");
        }
        int[] correct = new int[1];
        int[] fullCorrect = new int[1];
        int[] foo = new int[1];
        double[] margin = new double[1];
        forEachLastLogits(model, episodes, (i, logits) -> {
            Episode e = episodes.get(i);
            double m = logits[(int) fooId] - logits[(int) barId];
            int predicted = m > 0 ? 0 : 1;
            correct[0] += predicted == e.queryLabel() ? 1 : 0;
            foo[0] += predicted == 0 ? 1 : 0;
            margin[0] += m;
            int arg = 0;
            for (int v = 1; v < logits.length; v++) {
                if (logits[v] > logits[arg]) {
                    arg = v;
                }
            }
            fullCorrect[0] += arg == e.goldId() ? 1 : 0;
        });
        double n = episodes.size();
        return new Evaluation(episodes.size(), correct[0] / n, fullCorrect[0] / n, foo[0] / n, margin[0] / n);
    }

    private interface LogitsConsumer {
        void accept(int index, float[] logits);
    }

    private static void forEachLastLogits(Model model, List<Episode> episodes, LogitsConsumer consumer) {
        for (int from = 0; from < episodes.size(); from += EVAL_BATCH) {
            int to = Math.min(episodes.size(), from + EVAL_BATCH);
            long[][] seqs = new long[to - from][];
            for (int i = from; i < to; i++) {
                seqs[i - from] = episodes.get(i).ids;
            }
            float[][] last = model.lastLogits(TokenBatch.of(seqs));
            for (int i = from; i < to; i++) {
                consumer.accept(i, last[i - from]);
            }
        }
    }

    @Override
    public void close() {
        tokenizer.close();
    }

    @Override
    public String toString() {
        return "SyntheticIclTask[" + options + ", " + trainPairs.length + " training pairs, " + heldOutPairs.length
                + " held-out pairs]";
    }
}
