package io.github.icl4j.train;

import io.github.icl4j.Demonstrations;
import io.github.icl4j.Example;
import io.github.icl4j.IclPrompt;
import io.github.icl4j.train.SyntheticIclTask.Split;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * In-context prompts on the {@link SyntheticIclTask}'s <em>held-out</em> class pairs (pairs the built-in model
 * never saw together in training), tokenised by any model's tokenizer through {@link IclPrompt.Builder}. One home
 * for the recipe, used by icl-examples' {@code SyntheticPrompts} and by the modules' tests on the built-in model.
 */
public final class HeldOutPrompts {
    private HeldOutPrompts() {
    }

    /**
     * {@code n} prompts, each on a held-out class pair drawn at random (which class is foo is a coin flip), with
     * {@code shots} demonstrations per label in random order and a query whose gold label alternates foo, bar,
     * foo, ... The whole list is fixed by {@code seed}.
     *
     * @param builder tokenises each prompt
     * @param task    the synthetic task whose held-out pairs and sentences are drawn
     * @param n       number of prompts, at least 1
     * @param shots   demonstrations per label, 1 to 64
     * @param seed    fixes the whole list
     * @return the prompts, in draw order
     * @throws IllegalArgumentException for {@code n < 1} or {@code shots} out of range, or (from the builder) a
     *                                  prompt the tokenizer cannot hold with single-token label words
     */
    public static List<IclPrompt> of(IclPrompt.Builder builder, SyntheticIclTask task, int n, int shots,
            long seed) {
        if (n < 1) {
            throw new IllegalArgumentException("prompts " + n + " out of range [1, +inf)");
        }
        if (shots < 1) {
            throw new IllegalArgumentException("shots per label " + shots + " out of range [1, 64]");
        }
        List<int[]> pairs = task.pairs(Split.HELD_OUT);
        Random rng = new Random(seed);
        List<IclPrompt> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            int[] pair = pairs.get(rng.nextInt(pairs.size()));
            boolean swap = rng.nextBoolean();
            int[] cls = swap ? new int[] {pair[1], pair[0]} : pair;
            List<Example> demos = new ArrayList<>();
            Set<String> texts = new HashSet<>();
            for (int c = 0; c < 2; c++) {
                for (int j = 0; j < shots; j++) {
                    String s = task.sentence(cls[c], rng);
                    texts.add(s);
                    demos.add(Example.of(s, c));
                }
            }
            Collections.shuffle(demos, rng);
            int label = i % 2;
            String query;
            do {
                query = task.sentence(cls[label], rng);
            } while (texts.contains(query));
            out.add(builder.build(Demonstrations.of(2, demos), Example.of(query, label)));
        }
        return out;
    }
}
