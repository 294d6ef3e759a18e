package io.github.icl4j.train;

import io.github.icl4j.Encoding;
import io.github.icl4j.PromptTemplate;
import io.github.icl4j.train.SyntheticIclTask.Episode;
import io.github.icl4j.train.SyntheticIclTask.Split;
import java.util.Arrays;
import java.util.Random;

/**
 * The synthetic task's episodes drawn and rendered: shot counts and demonstration order as the task's options say,
 * the sentences of each demonstration and of the query, and the prompt written in the library's format
 * ({@link PromptTemplate#DEFAULT}) and tokenised with every label word located.
 */
final class SyntheticEpisodes {
    private final SyntheticIclTask task;

    /** The episodes of {@code task} (its vocabulary, tokenizer, class pairs and options). */
    SyntheticEpisodes(SyntheticIclTask task) {
        this.task = task;
    }

    /**
     * An episode of the split drawn as the task's options say ({@link SyntheticIclTask#sample(Split, Random)}), with
     * at most {@code maxShots} demonstrations per label.
     */
    Episode sample(Split split, int maxShots, Random rng) {
        int[] pair = task.drawPair(split, rng);
        boolean swap = rng.nextBoolean();
        int classFoo = swap ? pair[1] : pair[0];
        int classBar = swap ? pair[0] : pair[1];
        int nFoo;
        int nBar;
        if (maxShots > 1 && rng.nextDouble() < task.options().imbalancedFraction()) {
            do {
                nFoo = 1 + rng.nextInt(maxShots);
                nBar = 1 + rng.nextInt(maxShots);
            } while (nFoo == nBar);
        } else {
            nFoo = task.options().minShots() + rng.nextInt(maxShots - task.options().minShots() + 1);
            nBar = nFoo;
        }
        boolean grouped = rng.nextDouble() < task.options().groupedFraction();
        int[] demoLabels = grouped ? SyntheticIclTask.groupedOrder(nFoo, nBar, rng.nextBoolean())
                : SyntheticIclTask.shuffledOrder(nFoo, nBar, rng);
        return render(classFoo, classBar, demoLabels, rng.nextInt(2), rng);
    }

    /** Draws the sentences of an episode (demonstrations in order, then the query) and renders it with foo/bar. */
    Episode render(int classFoo, int classBar, int[] demoLabels, int queryLabel, Random rng) {
        int[] cls = {classFoo, classBar};
        String[] sentences = new String[demoLabels.length];
        String[] words = new String[demoLabels.length];
        for (int i = 0; i < demoLabels.length; i++) {
            sentences[i] = task.sentence(cls[demoLabels[i]], rng);
            words[i] = demoLabels[i] == 0 ? SyntheticIclTask.FOO : SyntheticIclTask.BAR;
        }
        Layout l = layout(sentences, words, task.sentence(cls[queryLabel], rng));
        return new Episode(l.text(), l.ids(), classFoo, classBar, demoLabels, l.labelPositions(), queryLabel,
                task.fooId(), task.barId());
    }

    /** A rendered prompt: its text, its tokens and the token index of each demonstration's label word. */
    record Layout(String text, long[] ids, int[] labelPositions) {
    }

    /**
     * The library's prompt format ({@link PromptTemplate#DEFAULT}) over demonstration {@code sentences} labelled
     * {@code words} (each a word of {@link SyntheticIclTask#labelWords()}, with its leading space) and the query
     * sentence, tokenised, with each label word's position found from the character spans and checked by token id.
     */
    Layout layout(String[] sentences, String[] words, String query) {
        PromptTemplate.Rendered r = PromptTemplate.DEFAULT.render(Arrays.asList(sentences), Arrays.asList(words),
                query);
        String text = r.text();
        int[] labelStart = r.labelStart();
        int[] labelEnd = r.labelEnd();
        Encoding enc = task.tokenizer().encode(text);
        int[] positions = new int[sentences.length];
        for (int i = 0; i < sentences.length; i++) {
            positions[i] = enc.firstTokenIn(labelStart[i], labelEnd[i]);
            if (positions[i] < 0 || enc.id(positions[i]) != task.labelId(words[i])) {
                throw new IllegalStateException("label word of demonstration " + i + " not found at characters ["
                        + labelStart[i] + ", " + labelEnd[i] + ") of the episode");
            }
        }
        return new Layout(text, enc.ids(), positions);
    }
}
