package io.github.icl4j.examples.builtin;

import io.github.icl4j.Dataset;
import io.github.icl4j.Demonstrations;
import io.github.icl4j.Example;
import io.github.icl4j.IclPrompt;
import io.github.icl4j.bias.BiasTask;
import io.github.icl4j.train.HeldOutPrompts;
import io.github.icl4j.train.SyntheticIclTask;
import io.github.icl4j.train.SyntheticIclTask.LabelledText;
import io.github.icl4j.train.SyntheticIclTask.Split;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * Prompts and bias tasks made from the {@link SyntheticIclTask}'s <em>held-out</em> class pairs (pairs the
 * built-in model never saw together in training), through the same path as real data: sentences become
 * {@link Example}s, {@link Demonstrations} and {@link IclPrompt}s tokenised by the model's own tokenizer, so any
 * model can be run on them.
 *
 * <pre>{@code
 * try (Model model = BuiltinModel.load(); SyntheticIclTask task = BuiltinModel.task()) {
 *     List<IclPrompt> prompts = SyntheticPrompts.prompts(IclPrompt.builder(model.tokenizer()), task, 100, 2, 7);
 *     System.out.println(Probe.on(model).prompts(prompts).labelProbabilities().accuracy());   // ≈ 0.9
 * }
 * }</pre>
 */
public final class SyntheticPrompts {
    private SyntheticPrompts() {
    }

    /**
     * {@code n} prompts, each on a held-out class pair drawn at random (which class is foo is a coin flip), with
     * {@code shots} demonstrations per label in random order and a query whose gold label alternates foo, bar,
     * foo, ... The whole list is fixed by {@code seed}.
     *
     * @throws IllegalArgumentException for {@code n < 1} or {@code shots < 1}, or (from the builder) a prompt the
     *                                  tokenizer cannot hold with single-token label words
     */
    public static List<IclPrompt> prompts(IclPrompt.Builder builder, SyntheticIclTask task, int n, int shots,
            long seed) {
        return HeldOutPrompts.of(builder, task, n, shots, seed);
    }

    /**
     * Bias tasks on distinct held-out class pairs: each task's pool holds {@code poolPerClass} sentences of each
     * class of its pair, its queries {@code queriesPerClass} other sentences of each class (none also in the
     * pool). Task {@code t} uses the {@code (offset + t)}-th pair of a seeded shuffle of the held-out pairs, so
     * tasks made with the same seed and disjoint {@code [offset, offset + count)} ranges never share a pair: a
     * validation split for tuning a_c that is disjoint from the test tasks.
     *
     * @throws IllegalArgumentException for sizes below 1 or more pairs than are held out
     */
    public static List<BiasTask> biasTasks(SyntheticIclTask task, int offset, int count, int poolPerClass,
            int queriesPerClass, long seed) {
        if (count < 1 || offset < 0 || poolPerClass < 1 || queriesPerClass < 1) {
            throw new IllegalArgumentException("bias tasks: offset " + offset + ", count " + count + ", pool "
                    + poolPerClass + " and queries " + queriesPerClass + " per class must be >= 0, >= 1, >= 1, >= 1");
        }
        List<int[]> pairs = new ArrayList<>(task.pairs(Split.HELD_OUT));
        if (offset + count > pairs.size()) {
            throw new IllegalArgumentException("bias tasks [" + offset + ", " + (offset + count) + ") out of range [0, "
                    + pairs.size() + "]: the task holds out " + pairs.size() + " class pairs");
        }
        Collections.shuffle(pairs, new Random(seed));
        List<BiasTask> out = new ArrayList<>();
        for (int t = offset; t < offset + count; t++) {
            int[] p = pairs.get(t);
            List<String> names = List.of("class " + p[0], "class " + p[1]);
            List<Example> pool = examples(task.sentences(p[0], p[1], poolPerClass, seed * 31 + 2L * t));
            Set<String> inPool = new HashSet<>();
            pool.forEach(e -> inPool.add(e.text()));
            List<Example> queries = new ArrayList<>();
            int[] have = new int[2];
            long s = seed * 31 + 2L * t + 1;
            while (have[0] < queriesPerClass || have[1] < queriesPerClass) {
                for (Example e : examples(task.sentences(p[0], p[1], queriesPerClass, s++))) {
                    if (have[e.label()] < queriesPerClass && inPool.add(e.text())) {
                        queries.add(e);
                        have[e.label()]++;
                    }
                }
            }
            String name = "pair " + p[0] + "/" + p[1];
            out.add(new BiasTask(name, Dataset.of(name, names, pool), queries));
        }
        return out;
    }

    private static List<Example> examples(List<LabelledText> texts) {
        return texts.stream().map(t -> Example.of(t.text(), t.label())).toList();
    }
}
