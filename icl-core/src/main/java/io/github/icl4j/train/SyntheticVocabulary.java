package io.github.icl4j.train;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The synthetic task's words: the made-up class words (class by class), the training label words and the word-level
 * tokenizer's vocabulary in id order, and the sentences drawn from them. The caller checks class indices.
 */
final class SyntheticVocabulary {
    private final SyntheticTaskOptions options;
    private final String[][] words;
    private final Map<String, Integer> classOfWord = new HashMap<>();
    /** The tokenizer's words after {@code <unk>}, in id order. */
    private final List<String> vocabulary;
    /** The training label vocabulary with leading spaces: foo, bar, then the made-up words. */
    private final List<String> labelWords;
    /** Cumulative Zipf weights of a class's words, by rank. */
    private final double[] wordCdf;

    /** The words of a task with {@code options}. */
    SyntheticVocabulary(SyntheticTaskOptions options) {
        this.options = options;
        int nc = options.classes();
        int nw = options.wordsPerClass();
        List<String> made = SyntheticWords.classWords(nc * nw);
        this.words = new String[nc][nw];
        List<String> vocab = new ArrayList<>(options.fusedTemplate() ? SyntheticIclTask.FUSED_FORMAT_WORDS
                : SyntheticIclTask.FORMAT_WORDS);
        for (int c = 0; c < nc; c++) {
            for (int j = 0; j < nw; j++) {
                String w = made.get(c * nw + j);
                words[c][j] = w;
                classOfWord.put(w, c);
                vocab.add(w);
            }
        }
        List<String> labels = new ArrayList<>(List.of(SyntheticIclTask.FOO, SyntheticIclTask.BAR));
        for (String w : SyntheticWords.labelWords(options.labelWords() - 2)) {
            labels.add(" " + w);
            vocab.add(w);
        }
        this.labelWords = List.copyOf(labels);
        this.vocabulary = List.copyOf(vocab);
        double[] ww = new double[nw];
        for (int j = 0; j < nw; j++) {
            ww[j] = Math.pow(j + 1, -options.wordZipf());
        }
        this.wordCdf = ClassPairs.cdf(ww);
    }

    /** The tokenizer's words after {@code <unk>}, in id order. */
    List<String> vocabulary() {
        return vocabulary;
    }

    /** The training label words, with leading spaces. */
    List<String> labelWords() {
        return labelWords;
    }

    /** Word {@code j} of class {@code c}. */
    String word(int c, int j) {
        return words[c][j];
    }

    /** The words of class {@code c}. */
    List<String> words(int c) {
        return List.of(words[c]);
    }

    /** The class of a word, or -1 when it is not a class word. */
    int classOf(String word) {
        Integer c = classOfWord.get(word);
        return c == null ? -1 : c;
    }

    /** A sentence of class {@code c}: {@code sentenceLength} words separated by single spaces, with noise. */
    String sentence(int c, Random rng) {
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
                sb.append(words[c][ClassPairs.draw(wordCdf, rng)]);
            }
        }
        return sb.toString();
    }
}
