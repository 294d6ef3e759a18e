package io.github.icl4j.train;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * The training data of a {@link SyntheticIclTask}: episodes of two or more training classes written with drawn
 * label words, their tokens followed by the answer, and the positions the loss is taken on.
 */
final class SyntheticTrainingData {
    private final SyntheticIclTask task;

    private SyntheticTrainingData(SyntheticIclTask task) {
        this.task = task;
    }

    /** See {@link SyntheticIclTask#trainingData(SyntheticIclTask.LossOn, int)}. */
    static TrainingData of(SyntheticIclTask task, SyntheticIclTask.LossOn lossOn, int curriculumSteps) {
        return new SyntheticTrainingData(task).batches(lossOn, curriculumSteps);
    }

    private TrainingData batches(SyntheticIclTask.LossOn lossOn, int curriculumSteps) {
        if (curriculumSteps < 0) {
            throw new IllegalArgumentException("curriculum steps " + curriculumSteps + " out of range [0, +inf)");
        }
        int lo = task.options().minShots();
        int hi = task.options().maxShots();
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
                if (lossOn == SyntheticIclTask.LossOn.QUERY) {
                    targets[i] = new int[] {e.ids().length};
                } else if (lossOn == SyntheticIclTask.LossOn.ALL_TOKENS) {
                    targets[i] = java.util.stream.IntStream.range(1, ids.length).toArray();
                } else if (lossOn == SyntheticIclTask.LossOn.INFORMED_LABELS) {
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
        };    }

    /** A training episode of any number of classes: tokens, label positions and labels, the answer's token. */
    private record TrainingEpisode(long[] ids, int[] labelPositions, int[] demoLabels, int classes, long goldId) {
    }

    /**
     * One training episode as the options say. Two classes without copied queries take the path of
     * {@link SyntheticIclTask#sample(SyntheticIclTask.Split, java.util.Random)} (the same random numbers as before those options existed); otherwise C classes
     * whose every pair is a training pair, C distinct label words, and perhaps a copied query.
     */
    private TrainingEpisode trainingEpisode(int cap, Random rng) {
        if (task.options().classesPerEpisode() == 2 && task.options().labelWords() == 2 && task.options().queryCopyFraction() == 0) {
            SyntheticIclTask.Episode e = task.sample(SyntheticIclTask.Split.TRAIN, cap, rng);
            return new TrainingEpisode(e.ids(), e.labelPositions(), e.demoLabels(), 2, e.goldId());
        }
        int nc = 2 + rng.nextInt(task.options().classesPerEpisode() - 1);
        int[] cls = trainingClasses(nc, rng);
        // a shuffled draw of the label words; with more classes than words a word labels several classes
        List<String> pool = new ArrayList<>(task.labelWords());
        Collections.shuffle(pool, rng);
        String[] words = new String[nc];
        for (int c = 0; c < nc; c++) {
            words[c] = pool.get(c % pool.size());
        }
        int[] counts = new int[nc];
        if (cap > 1 && rng.nextDouble() < task.options().imbalancedFraction()) {
            for (int c = 0; c < nc; c++) {
                counts[c] = 1 + rng.nextInt(cap);
            }
        } else {
            Arrays.fill(counts, task.options().minShots() + rng.nextInt(cap - task.options().minShots() + 1));
        }
        int total = Arrays.stream(counts).sum();
        int[] demoLabels = new int[total];
        boolean grouped = rng.nextDouble() < task.options().groupedFraction();
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
            sentences[i] = task.sentence(cls[demoLabels[i]], rng);
        }
        String querySentence;
        if (rng.nextDouble() < task.options().queryCopyFraction()) {
            List<String> own = new ArrayList<>();
            for (int i = 0; i < total; i++) {
                if (demoLabels[i] == query) {
                    own.add(sentences[i]);
                }
            }
            querySentence = own.get(rng.nextInt(own.size()));
        } else {
            querySentence = task.sentence(cls[query], rng);
        }
        String[] demoWords = new String[total];
        for (int i = 0; i < total; i++) {
            demoWords[i] = words[demoLabels[i]];
        }
        SyntheticEpisodes.Layout l = task.episodes().layout(sentences, demoWords, querySentence);
        return new TrainingEpisode(l.ids(), l.labelPositions(), demoLabels, nc, task.labelId(words[query]));
    }

    /** {@code n} distinct classes whose every pair is a training pair (rejection sampling from a training pair). */
    private int[] trainingClasses(int n, Random rng) {
        for (int attempt = 0; attempt < 10_000; attempt++) {
            int[] pair = task.drawPair(SyntheticIclTask.Split.TRAIN, rng);
            List<Integer> chosen = new ArrayList<>(List.of(pair[0], pair[1]));
            int tries = 0;
            while (chosen.size() < n && tries++ < 1000) {
                int c = rng.nextInt(task.options().classes());
                if (chosen.contains(c)) {
                    continue;
                }
                boolean ok = true;
                for (int x : chosen) {
                    ok &= !task.isHeldOut(x, c);
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
}
