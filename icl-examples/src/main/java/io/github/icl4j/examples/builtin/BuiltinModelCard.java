package io.github.icl4j.examples.builtin;

import io.github.icl4j.Model;
import io.github.icl4j.train.SyntheticIclTask;
import io.github.icl4j.train.SyntheticIclTask.Episode;
import io.github.icl4j.train.SyntheticIclTask.Evaluation;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Function;

/**
 * The few-shot behaviour of a model on held-out episodes of a {@link SyntheticIclTask}: accuracy against the
 * number of shots, label flipping, majority-label bias and recency bias. Every condition uses class pairs
 * never seen in training.
 * <pre>{@code
 * try (Model model = BuiltinModel.load(); SyntheticIclTask task = BuiltinModel.task()) {
 *     BuiltinModelCard.Behaviour b = BuiltinModelCard.measure(model, task, 500, 7);
 *     System.out.println(b.shotAccuracy(2));          // the card's tables: TrainBuiltinModel writes them
 * }
 * }</pre>
 */
public final class BuiltinModelCard {
    private BuiltinModelCard() {
    }

    /**
     * One condition's result.
     *
     * @param name what the demonstrations look like
     * @param all  all episodes
     * @param fooQueries episodes whose gold label is foo
     * @param barQueries episodes whose gold label is bar
     */
    public record Condition(String name, Evaluation all, Evaluation fooQueries, Evaluation barQueries) {
    }

    /**
     * Everything the card reports.
     *
     * @param shots        accuracy with k = 1, 2, 4 demonstrations per label (balanced, random order)
     * @param flipRate     fraction of episodes whose prediction flips when foo and bar are swapped in the
     *                     demonstrations (same sentences)
     * @param original     the unflipped episodes
     * @param flipped      the flipped episodes (gold labels flipped too)
     * @param majority     3 foo + 1 bar, 2 + 2, 1 foo + 3 bar (random order)
     * @param recency      grouped orders: foo…foo bar…bar (bar last) and bar…bar foo…foo (foo last), k = 2 and 4,
     *                     and random order for reference
     */
    public record Behaviour(List<Condition> shots, double flipRate, Evaluation original, Evaluation flipped,
            List<Condition> majority, List<Condition> recency) {

        /** Accuracy with {@code k} shots per label (1, 2 or 4). */
        public double shotAccuracy(int k) {
            return shots.get(switch (k) {
                case 1 -> 0;
                case 2 -> 1;
                case 4 -> 2;
                default -> throw new IllegalArgumentException("shots " + k + " not measured; measured 1, 2, 4");
            }).all().accuracy();
        }
    }

    /** Measures every condition with {@code n} held-out episodes each. */
    public static Behaviour measure(Model model, SyntheticIclTask task, int n, long seed) {
        List<Condition> shots = new ArrayList<>();
        for (int k : new int[] {1, 2, 4}) {
            shots.add(condition(model, task, String.valueOf(k), n, seed + k, r -> SyntheticIclTask.shuffledOrder(k, k, r)));
        }
        Flip flip = flip(model, task, n, seed + 100);
        List<Condition> majority = List.of(
                condition(model, task, "3 foo + 1 bar", n, seed + 200, r -> SyntheticIclTask.shuffledOrder(3, 1, r)),
                condition(model, task, "2 foo + 2 bar", n, seed + 201, r -> SyntheticIclTask.shuffledOrder(2, 2, r)),
                condition(model, task, "1 foo + 3 bar", n, seed + 202, r -> SyntheticIclTask.shuffledOrder(1, 3, r)));
        List<Condition> recency = List.of(
                condition(model, task, "foo foo bar bar (bar last)", n, seed + 300,
                        r -> SyntheticIclTask.groupedOrder(2, 2, true)),
                condition(model, task, "bar bar foo foo (foo last)", n, seed + 301,
                        r -> SyntheticIclTask.groupedOrder(2, 2, false)),
                condition(model, task, "2 + 2 random order", n, seed + 302, r -> SyntheticIclTask.shuffledOrder(2, 2, r)),
                condition(model, task, "4 foo then 4 bar (bar last)", n, seed + 303,
                        r -> SyntheticIclTask.groupedOrder(4, 4, true)),
                condition(model, task, "4 bar then 4 foo (foo last)", n, seed + 304,
                        r -> SyntheticIclTask.groupedOrder(4, 4, false)));
        return new Behaviour(shots, flip.flipRate(), flip.original(), flip.flipped(), majority, recency);
    }

    /**
     * Label flipping on {@code n} held-out episodes (k = 2, random order).
     *
     * @param flipRate fraction of episodes whose prediction flips when foo and bar are exchanged in the
     *                 demonstrations (same sentences, same order)
     * @param original the episodes as drawn
     * @param flipped  the flipped episodes, scored against the flipped gold label
     */
    public record Flip(double flipRate, Evaluation original, Evaluation flipped) {
    }

    /** Measures label flipping with {@code n} held-out episodes. */
    public static Flip flip(Model model, SyntheticIclTask task, int n, long seed) {
        List<Episode> original = new ArrayList<>();
        List<Episode> flipped = new ArrayList<>();
        List<int[]> pairs = task.pairs(SyntheticIclTask.Split.HELD_OUT);
        Random rng = new Random(seed);
        for (int i = 0; i < n; i++) {
            int[] pair = pairs.get(rng.nextInt(pairs.size()));
            boolean swap = rng.nextBoolean();
            int classFoo = swap ? pair[1] : pair[0];
            int classBar = swap ? pair[0] : pair[1];
            int[] labels = SyntheticIclTask.shuffledOrder(2, 2, rng);
            int query = i % 2;
            long sentences = rng.nextLong();
            original.add(task.episode(classFoo, classBar, labels, query, new Random(sentences)));
            int[] inverted = new int[labels.length];
            for (int j = 0; j < labels.length; j++) {
                inverted[j] = 1 - labels[j];
            }
            // the same classes in the same places: only the label words change
            flipped.add(task.episode(classBar, classFoo, inverted, 1 - query, new Random(sentences)));
        }
        double[] m0 = task.margins(model, original);
        double[] m1 = task.margins(model, flipped);
        int flips = 0;
        for (int i = 0; i < n; i++) {
            flips += (m0[i] > 0) != (m1[i] > 0) ? 1 : 0;
        }
        return new Flip(flips / (double) n, task.evaluate(model, original), task.evaluate(model, flipped));
    }

    /** {@code n} held-out episodes with demonstration labels from {@code order}, queries alternating foo/bar. */
    static Condition condition(Model model, SyntheticIclTask task, String name, int n, long seed,
            Function<Random, int[]> order) {
        List<int[]> pairs = task.pairs(SyntheticIclTask.Split.HELD_OUT);
        Random rng = new Random(seed);
        List<Episode> all = new ArrayList<>();
        List<Episode> foo = new ArrayList<>();
        List<Episode> bar = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int[] pair = pairs.get(rng.nextInt(pairs.size()));
            boolean swap = rng.nextBoolean();
            Episode e = task.episode(swap ? pair[1] : pair[0], swap ? pair[0] : pair[1], order.apply(rng), i % 2, rng);
            all.add(e);
            (e.queryLabel() == 0 ? foo : bar).add(e);
        }
        Evaluation f = task.evaluate(model, foo);
        Evaluation b = task.evaluate(model, bar);
        return new Condition(name, combine(f, b), f, b);
    }

    /** The evaluation of two disjoint sets of episodes together. */
    static Evaluation combine(Evaluation a, Evaluation b) {
        int n = a.episodes() + b.episodes();
        double wa = a.episodes() / (double) n;
        double wb = b.episodes() / (double) n;
        return new Evaluation(n, wa * a.accuracy() + wb * b.accuracy(),
                wa * a.fullVocabAccuracy() + wb * b.fullVocabAccuracy(), wa * a.fooRate() + wb * b.fooRate(),
                wa * a.meanMargin() + wb * b.meanMargin());
    }
}
