package io.github.icl4j.train;

import io.github.icl4j.Model;
import io.github.icl4j.Tokenizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * A synthetic in-context classification task whose label mapping can only be learned from the context.
 *
 * <p>A vocabulary of made-up words ({@code "rumo"}, {@code "tegi"}, ...) is partitioned into latent classes. A
 * <em>sentence</em> of class {@code c} is {@code sentenceLength} words drawn from class {@code c}, each
 * replaced with probability {@code noise} by a word of a random other class. An <em>episode</em> picks two
 * classes, assigns {@code " foo"} to one and {@code " bar"} to the other at random, and renders demonstrations
 * of both and a query in exactly the library's prompt format ({@link io.github.icl4j.PromptTemplate#DEFAULT}, which
 * renders them):
 * <pre>
 * Sentence: {text}\nLabel: foo\nSentence: {text}\nLabel: bar\n...Sentence: {query}\nLabel:
 * </pre>
 * The text is tokenised with the task's word-level {@link Tokenizer}, and label positions are found from the
 * tokens' character spans, as for real data.
 *
 * <p>The class pairs are split once (by {@link SyntheticTaskOptions#splitSeed()}) into training pairs and held-out pairs;
 * {@link Split#HELD_OUT} episodes use only pairs that {@link Split#TRAIN} episodes never contain, so accuracy on
 * them measures in-context learning, not memorised pairs.
 *
 * <p>Owns a native tokenizer: close it.
 * <pre>{@code
 * try (SyntheticIclTask task = SyntheticIclTask.create(SyntheticTaskOptions.defaults())) {
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
    /** The words of the prompt format with {@link SyntheticTaskOptions#fusedTemplate()}: the template's words keep their colon. */
    public static final List<String> FUSED_FORMAT_WORDS = List.of("Sentence:", "Label:", "foo", "bar");

    /**
     * File name of a task's options ({@link SyntheticTaskOptions#toJson()}) beside a checkpoint trained on it, so that tools
     * can rebuild the task the model knows ({@link #forCheckpoint}).
     */
    public static final String OPTIONS_FILE = "synthetic_task.json";


    /** Most label words a training label vocabulary may have ({@link SyntheticTaskOptions#labelWords()}). */
    public static final int MAX_LABEL_WORDS = 64;
    /** Most classes a training episode may have ({@link SyntheticTaskOptions#classesPerEpisode()}). */
    public static final int MAX_EPISODE_CLASSES = 8;


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
         * matching the task teaches (large with a label vocabulary, {@link SyntheticTaskOptions#labelWords()} > 2).
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

    private final SyntheticTaskOptions options;
    /** The class words, the label words and the tokenizer's words; draws the sentences. */
    private final SyntheticVocabulary vocab;
    private final String tokenizerJson;
    private final Tokenizer tokenizer;
    private final long fooId;
    private final long barId;
    /** Token id of each label word (looked up once: episodes are rendered on the training hot path). */
    private final Map<String, Long> labelIds = new HashMap<>();
    /** The class pairs, split once into training and held-out pairs. */
    private final ClassPairs pairs;
    /** Draws and renders this task's episodes. */
    private final SyntheticEpisodes episodes = new SyntheticEpisodes(this);

    private SyntheticIclTask(SyntheticTaskOptions options) {
        this.options = options;
        this.vocab = new SyntheticVocabulary(options);
        this.tokenizerJson = WordLevelTokenizerJson.build(vocab.vocabulary(), options.fusedTemplate()
                ? WordLevelTokenizerJson.Split.WHITESPACE_ONLY : WordLevelTokenizerJson.Split.WORDS_AND_PUNCTUATION);
        this.tokenizer = Tokenizer.fromJson(tokenizerJson, "synthetic ICL task word-level tokenizer");
        this.fooId = tokenizer.singleTokenId(FOO);
        this.barId = tokenizer.singleTokenId(BAR);
        for (String w : vocab.labelWords()) {
            labelIds.put(w, tokenizer.singleTokenId(w));
        }
        this.pairs = new ClassPairs(options.classes(), options.heldOutFraction(), options.splitSeed(),
                options.classZipf());
    }

    /**
     * Builds the task (its vocabulary, tokenizer and pair split).
     *
     * @throws IllegalArgumentException when the held-out fraction leaves no training pair
     */
    public static SyntheticIclTask create(SyntheticTaskOptions options) {
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
            return create(SyntheticTaskOptions.fromJson(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8)));
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
            return java.util.Optional.of(create(SyntheticTaskOptions.fromJson(java.nio.file.Files.readString(f))));
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException("cannot read " + f + ": " + e.getMessage(), e);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(f + ": " + e.getMessage(), e);
        }
    }

    public SyntheticTaskOptions options() {
        return options;
    }

    /**
     * The training label vocabulary, with leading spaces: {@code " foo"}, {@code " bar"}, then
     * {@link SyntheticTaskOptions#labelWords()} − 2 made-up words (see {@link SyntheticTaskOptions#labelWords()}).
     */
    public List<String> labelWords() {
        return vocab.labelWords();
    }

    /** Token id of a training label word (with its leading space). */
    long labelId(String word) {
        return labelIds.get(word);
    }

    /** Draws and renders this task's episodes. */
    SyntheticEpisodes episodes() {
        return episodes;
    }

    /**
     * The vocabulary after {@code <unk>} (id 0), in id order: {@link #FORMAT_WORDS} (or
     * {@link #FUSED_FORMAT_WORDS}), the class words class by class, then the made-up label words (without their
     * leading space). {@code vocabulary().size() + 1} is the model's vocabulary size.
     */
    public List<String> vocabulary() {
        return vocab.vocabulary();
    }

    /** The vocabulary size a model for this task needs ({@code <unk>} included). */
    public int vocabSize() {
        return vocab.vocabulary().size() + 1;
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
        return vocab.word(c, j);
    }

    /** The words of class {@code c}. */
    public List<String> words(int c) {
        checkClass(c);
        return vocab.words(c);
    }

    /** The class of a word, or -1 when it is not a class word. */
    public int classOf(String word) {
        return vocab.classOf(word);
    }

    /** The class pairs {@code {a, b}} ({@code a < b}) of a split, sorted. */
    public List<int[]> pairs(Split split) {
        List<int[]> out = new ArrayList<>();
        for (int[] p : split == Split.TRAIN ? pairs.train() : pairs.heldOut()) {
            out.add(p.clone());
        }
        return out;
    }

    /** True when the pair (in either order) is held out of training. */
    public boolean isHeldOut(int a, int b) {
        checkClass(a);
        checkClass(b);
        return pairs.isHeldOut(a, b);
    }

    private void checkClass(int c) {
        if (c < 0 || c >= options.classes()) {
            throw new IllegalArgumentException("class " + c + " out of range [0, " + options.classes() + ")");
        }
    }

    /** A sentence of class {@code c}: {@code sentenceLength} words separated by single spaces, with noise. */
    public String sentence(int c, Random rng) {
        checkClass(c);
        return vocab.sentence(c, rng);
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
    Episode sample(Split split, int maxShots, Random rng) {
        return episodes.sample(split, maxShots, rng);
    }

    int[] drawPair(Split split, Random rng) {
        if (split == Split.HELD_OUT) {
            if (pairs.heldOut().length == 0) {
                throw new IllegalArgumentException("no class pair is held out (held-out fraction "
                        + options.heldOutFraction() + ")");
            }
        }
        return pairs.draw(split == Split.HELD_OUT, rng);
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
        return episodes.render(classFoo, classBar, demoLabels, queryLabel, rng);
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
     * With a label vocabulary ({@link SyntheticTaskOptions#labelWords()} > 2) each episode's two labels are written with two
     * words drawn from it.
     */
    public TrainingData trainingData(LossOn lossOn) {
        return trainingData(lossOn, 0);
    }

    /**
     * As {@link #trainingData(LossOn)} with a curriculum on the context length: over the first
     * {@code curriculumSteps} steps the most demonstrations per label grows linearly from
     * {@link SyntheticTaskOptions#minShots()} to {@link SyntheticTaskOptions#maxShots()}; 0 = no curriculum.
     *
     * @throws IllegalArgumentException for negative {@code curriculumSteps}
     */
    public TrainingData trainingData(LossOn lossOn, int curriculumSteps) {
        return SyntheticTrainingData.of(this, lossOn, curriculumSteps);
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
            throw new IllegalArgumentException("sentences per class " + perClass + " out of range [1, +inf)");
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
        return SyntheticEvaluation.margins(model, episodes, fooId, barId);
    }

    /** Accuracy and label preferences of {@code model} on {@code episodes}. */
    public Evaluation evaluate(Model model, List<Episode> episodes) {
        return SyntheticEvaluation.evaluate(model, episodes, fooId, barId);
    }

    @Override
    public void close() {
        tokenizer.close();
    }

    @Override
    public String toString() {
        return "SyntheticIclTask[" + options + ", " + pairs.train().length + " training pairs, " + pairs.heldOut().length
                + " held-out pairs]";
    }
}
