package io.github.icl4j.spark;

import io.github.icl4j.heads.AblationRanking;
import io.github.icl4j.heads.HeadScores;
import java.util.List;

/**
 * The in-context head rankings of one model and seed over a sweep's data sets, combined from the tidy table exactly as
 * {@code InContextHeads} combines them in one JVM.
 *
 * @param model    the model path (or {@code builtin})
 * @param seed     the seed
 * @param datasets the data sets combined, in sweep order
 * @param scores   the head scores (METHOD §3.1)
 * @param ablation the ablation ranking (METHOD §3.2), or null when the sweep ran none
 */
public record SweepResult(String model, long seed, List<String> datasets, HeadScores scores,
        AblationRanking ablation) {

    /** Copies the list. */
    public SweepResult {
        datasets = List.copyOf(datasets);
    }

    /** {@code SweepResult[builtin seed 1 over [synthetic]: HeadScores[...], AblationRanking[...]]}. */
    @Override
    public String toString() {
        return "SweepResult[" + model + " seed " + seed + " over " + datasets + ": " + scores
                + (ablation == null ? "" : ", " + ablation) + "]";
    }
}
