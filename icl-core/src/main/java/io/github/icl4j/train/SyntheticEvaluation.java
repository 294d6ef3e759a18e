package io.github.icl4j.train;

import io.github.icl4j.Model;
import io.github.icl4j.TokenBatch;
import io.github.icl4j.train.SyntheticIclTask.Episode;
import io.github.icl4j.train.SyntheticIclTask.Evaluation;
import java.util.List;

/** A model's answers on {@link SyntheticIclTask} episodes: the last position's logits, in batches. */
final class SyntheticEvaluation {
    private static final int EVAL_BATCH = 64;

    private SyntheticEvaluation() {
    }

    /** See {@link SyntheticIclTask#margins}. */
    static double[] margins(Model model, List<Episode> episodes, long fooId, long barId) {
        double[] out = new double[episodes.size()];
        forEachLastLogits(model, episodes, (i, logits) -> out[i] = logits[(int) fooId] - logits[(int) barId]);
        return out;
    }

    /** See {@link SyntheticIclTask#evaluate}. */
    static Evaluation evaluate(Model model, List<Episode> episodes, long fooId, long barId) {
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
                seqs[i - from] = episodes.get(i).ids();
            }
            float[][] last = model.lastLogits(TokenBatch.of(seqs));
            for (int i = from; i < to; i++) {
                consumer.accept(i, last[i - from]);
            }
        }
    }
}
