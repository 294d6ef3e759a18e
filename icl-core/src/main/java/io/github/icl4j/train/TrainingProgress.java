package io.github.icl4j.train;

import java.util.Locale;

/**
 * One report of a training run: after every step, and with an evaluation every {@code evalInterval} steps.
 *
 * @param step         steps done (1-based: 1 after the first optimizer step)
 * @param steps        steps in the run
 * @param loss         training loss of this step's batch (mean cross-entropy over its target tokens)
 * @param learningRate learning rate used by this step
 * @param gradNorm     global gradient norm before clipping
 * @param evalAccuracy the evaluator's score after this step, or NaN when there was no evaluation
 * @param elapsedMillis wall time since the run started
 */
public record TrainingProgress(int step, int steps, double loss, double learningRate, double gradNorm,
        double evalAccuracy, long elapsedMillis) {

    /** True when this report carries an evaluation. */
    public boolean evaluated() {
        return !Double.isNaN(evalAccuracy);
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "step %d/%d loss %.4f lr %.2e |g| %.3f%s %.1fs", step, steps, loss,
                learningRate, gradNorm, evaluated() ? String.format(Locale.ROOT, " eval %.3f", evalAccuracy) : "",
                elapsedMillis / 1000.0);
    }
}
