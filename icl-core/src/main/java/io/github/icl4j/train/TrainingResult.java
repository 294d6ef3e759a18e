package io.github.icl4j.train;

import java.util.List;

/**
 * What a training run did.
 *
 * @param history     every step's report, in order
 * @param evaluations the reports that carry an evaluation
 * @param bestStep    step of the best evaluation (the last one on ties), or -1 without evaluations
 * @param bestEval    the best evaluation score, or NaN
 * @param wallMillis  wall time of the whole run, evaluations and checkpoints included
 */
public record TrainingResult(List<TrainingProgress> history, List<TrainingProgress> evaluations, int bestStep,
        double bestEval, long wallMillis) {
    public TrainingResult {
        history = List.copyOf(history);
        evaluations = List.copyOf(evaluations);
    }

    /** Loss of the last step. */
    public double finalLoss() {
        return history.get(history.size() - 1).loss();
    }

    /** The losses of every step. */
    public double[] losses() {
        return history.stream().mapToDouble(TrainingProgress::loss).toArray();
    }
}
