package io.github.icl4j.heads;

import io.github.icl4j.HeadId;
import io.github.icl4j.LabelProbabilities;

/**
 * The label outcome of each prompt of one data set, clean and with each head of layers {@code [fromLayer, toLayer)}
 * removed (METHOD §3.2 before averaging): what {@link AblationRanking} averages, kept per prompt so that heads and
 * prompts can be ablated in shards and combined later with {@link AblationRanking#combine}, to the same numbers as one
 * {@link InContextHeads#ablationRanking} call.
 *
 * @param nHeads    heads per layer
 * @param fromLayer first ablated layer
 * @param toLayer   one past the last ablated layer
 * @param clean     {@code [prompt]} outcomes of the clean model
 * @param ablated   {@code [layer - fromLayer][head][prompt]} outcomes with that one head removed; a head's entry is
 *                  null when it was not ablated (an attribution-patching screen passed it over)
 */
public record PromptAblations(int nHeads, int fromLayer, int toLayer, Outcome[] clean, Outcome[][][] ablated) {

    /**
     * What an ablation reading keeps of one prompt's {@link LabelProbabilities.Row}.
     *
     * @param gold             the gold class
     * @param correct          the label argmax is the gold class (protocol a)
     * @param fullVocabCorrect the full-vocabulary argmax is the gold label word (protocol b)
     * @param goldProb         the gold class's probability renormalised over the label words
     * @param labelLogProbs    each class's log-probability over the label words ({@link LabelProbabilities.Row#logProbs()}):
     *                         what the calibrated and AUROC readouts ({@link io.github.icl4j.ReadoutMetric}) read
     */
    public record Outcome(int gold, boolean correct, boolean fullVocabCorrect, double goldProb,
            double[] labelLogProbs) {
        /** Copies the array. */
        public Outcome {
            labelLogProbs = labelLogProbs.clone();
        }

        /**
         * An outcome known only by its gold probability (e.g. read back from a table that keeps no more), for two
         * classes: the log-probabilities are {@code log p(gold)} and {@code log(1 − p(gold))}, so they lose precision
         * once {@code p(gold)} is within about 1e-16 of 1.
         */
        public Outcome(int gold, boolean correct, boolean fullVocabCorrect, double goldProb) {
            this(gold, correct, fullVocabCorrect, goldProb, binary(gold, goldProb));
        }

        /** The outcome of a row with a gold label. */
        public static Outcome of(LabelProbabilities.Row r) {
            return new Outcome(r.gold(), r.correct(), r.fullVocabCorrect(), r.prob(r.gold()), r.logProbs());
        }

        @Override
        public double[] labelLogProbs() {
            return labelLogProbs.clone();
        }

        /** Equal outcomes: every component equal, the log-probabilities by content. */
        @Override
        public boolean equals(Object o) {
            return o instanceof Outcome x && gold == x.gold && correct == x.correct
                    && fullVocabCorrect == x.fullVocabCorrect && Double.compare(goldProb, x.goldProb) == 0
                    && java.util.Arrays.equals(labelLogProbs, x.labelLogProbs);
        }

        @Override
        public int hashCode() {
            return java.util.Objects.hash(gold, correct, fullVocabCorrect, goldProb)
                    + 31 * java.util.Arrays.hashCode(labelLogProbs);
        }

        private static double[] binary(int gold, double goldProb) {
            if (gold != 0 && gold != 1) {
                throw new IllegalArgumentException("gold " + gold + " out of range [0, 1]: an outcome known by its gold "
                        + "probability alone needs two classes");
            }
            double floor = Math.log(Double.MIN_VALUE); // never -inf: a readout centres these
            double g = Math.max(floor, Math.log(goldProb));
            double o = Math.max(floor, Math.log1p(-goldProb));
            return gold == 1 ? new double[] {o, g} : new double[] {g, o};
        }

        /** {@code Outcome[gold 1, correct, p(gold) 0.731]}. */
        @Override
        public String toString() {
            return "Outcome[gold " + gold + ", " + (correct ? "correct" : "wrong") + ", p(gold) " + Arr.f3(goldProb)
                    + "]";
        }
    }

    /** The gold classes and label log-probabilities of outcomes, for {@link io.github.icl4j.ReadoutMetric#of(int[], double[][])}. */
    static double readout(io.github.icl4j.ReadoutMetric metric, Outcome[] rows) {
        int[] gold = new int[rows.length];
        double[][] s = new double[rows.length][];
        for (int i = 0; i < rows.length; i++) {
            gold[i] = rows[i].gold();
            s[i] = rows[i].labelLogProbs;
        }
        return metric.of(gold, s);
    }

    /**
     * Copies the arrays.
     *
     * @throws IllegalArgumentException when the shapes disagree with the layer range, the heads or the prompts
     */
    public PromptAblations {
        if (fromLayer < 0 || toLayer <= fromLayer || ablated.length != toLayer - fromLayer) {
            throw new IllegalArgumentException("ablated layers [" + fromLayer + ", " + toLayer + ") but outcomes for "
                    + ablated.length + " layers");
        }
        clean = clean.clone();
        ablated = copy(ablated);
        for (Outcome[][] layer : ablated) {
            if (layer.length != nHeads) {
                throw new IllegalArgumentException("outcomes for " + layer.length + " heads; expected " + nHeads);
            }
            for (Outcome[] head : layer) {
                if (head != null && head.length != clean.length) {
                    throw new IllegalArgumentException("outcomes for " + head.length + " prompts; expected "
                            + clean.length + " (as many as clean outcomes)");
                }
            }
        }
    }

    @Override
    public Outcome[] clean() {
        return clean.clone();
    }

    @Override
    public Outcome[][][] ablated() {
        return copy(ablated);
    }

    /** Prompts run. */
    public int prompts() {
        return clean.length;
    }

    /** The outcome of prompt {@code i} with {@code head} removed. */
    public Outcome ablated(HeadId head, int i) {
        if (head.layer() < fromLayer || head.layer() >= toLayer) {
            throw new IllegalArgumentException("head " + head + " outside the ablated layers [" + fromLayer + ", "
                    + toLayer + ")");
        }
        Outcome[] rows = ablated[head.layer() - fromLayer][head.head()];
        if (rows == null) {
            throw new IllegalArgumentException("head " + head + " was not ablated (a screen passed it over)");
        }
        return rows[i];
    }

    private static Outcome[][][] copy(Outcome[][][] a) {
        Outcome[][][] out = new Outcome[a.length][][];
        for (int l = 0; l < a.length; l++) {
            out[l] = new Outcome[a[l].length][];
            for (int h = 0; h < a[l].length; h++) {
                out[l][h] = a[l][h] == null ? null : a[l][h].clone();
            }
        }
        return out;
    }

    /** {@code PromptAblations[layers [2, 3) × 8 heads, 40 prompts]}. */
    @Override
    public String toString() {
        return "PromptAblations[layers [" + fromLayer + ", " + toLayer + ") × " + nHeads + " heads, " + clean.length
                + " prompts]";
    }
}
