package io.github.icl4j.spark;

import java.io.Serializable;
import java.util.List;

/**
 * Which prompts a sweep cell runs: the main job's prompt set for a data set and a seed (the prompts its {@code report
 * --data D --seed S --prompts N --shots K} finds heads on), so a sweep reproduces the job's head finding. Plain data:
 * each executor builds the same prompts with its own copy of the model's tokenizer.
 *
 * @param data    a data set name ({@code sst2}, {@code subj}, ...) or {@link #SYNTHETIC} for the synthetic task's
 *                held-out class pairs
 * @param dataDir the data folder as the executors see it; null for the default ({@code icl.data.dir},
 *                {@code ICL_DATA_DIR})
 * @param seed    the seed of the query draw and the demonstrations
 * @param prompts prompts per cell
 * @param shots   demonstrations per label, k
 * @param labels  the two label words; empty for " foo" and " bar"
 * @param classA  the data set's class written as the first label word
 * @param classB  the class written as the second
 */
public record PromptSpec(String data, String dataDir, long seed, int prompts, int shots, List<String> labels,
        int classA, int classB) implements Serializable {
    private static final long serialVersionUID = 1L;

    /** The synthetic task's held-out class pairs (any model with the built-in model's vocabulary reads them). */
    public static final String SYNTHETIC = "synthetic";

    /**
     * Checks the values.
     *
     * @throws IllegalArgumentException naming the bad value and its range
     */
    public PromptSpec {
        data = data == null || data.isBlank() ? SYNTHETIC : data.strip();
        labels = labels == null ? List.of() : List.copyOf(labels);
        if (prompts < 1 || prompts > 100_000) {
            throw new IllegalArgumentException("prompts " + prompts + " out of range [1, 100000]");
        }
        if (shots < 1 || shots > 64) {
            throw new IllegalArgumentException("shots " + shots + " out of range [1, 64]");
        }
        if (!labels.isEmpty() && labels.size() != 2) {
            throw new IllegalArgumentException("labels " + labels + ": give two label words or none");
        }
        if (classA < 0 || classB < 0 || classA == classB) {
            throw new IllegalArgumentException("classes " + classA + ", " + classB + ": two different classes >= 0");
        }
    }

    /** {@code prompts} prompts of {@code data} with seed {@code seed}, k = 2, " foo"/" bar", classes 0 and 1. */
    public static PromptSpec of(String data, long seed, int prompts) {
        return new PromptSpec(data, null, seed, prompts, 2, List.of(), 0, 1);
    }

    /** The same with another data set and seed. */
    public PromptSpec with(String otherData, long otherSeed) {
        return new PromptSpec(otherData, dataDir, otherSeed, prompts, shots, labels, classA, classB);
    }

    /** The same with the data folder the executors read. */
    public PromptSpec withDataDir(String dir) {
        return new PromptSpec(data, dir, seed, prompts, shots, labels, classA, classB);
    }

    /** The same with {@code k} demonstrations per label. */
    public PromptSpec withShots(int k) {
        return new PromptSpec(data, dataDir, seed, prompts, k, labels, classA, classB);
    }

    /** True for the synthetic task. */
    public boolean synthetic() {
        return SYNTHETIC.equals(data);
    }

    /** {@code sst2 seed 1: 40 prompts, k = 2}. */
    @Override
    public String toString() {
        return data + " seed " + seed + ": " + prompts + " prompts, k = " + shots
                + (labels.isEmpty() ? "" : ", labels " + labels) + (classA == 0 && classB == 1 ? ""
                        : ", classes " + classA + "/" + classB) + (dataDir == null ? "" : ", data in " + dataDir);
    }
}
