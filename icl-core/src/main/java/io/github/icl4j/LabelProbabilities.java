package io.github.icl4j;

import java.util.Arrays;
import java.util.List;
import org.bytedeco.pytorch.Tensor;

/**
 * Per prompt: the probability of each class's label word at the last position (a softmax over the label words'
 * logits, {@link LabelLogits}), the prediction under both accuracy protocols, and the gold class.
 *
 * @param rows one per prompt, in input order
 */
public record LabelProbabilities(List<Row> rows) {
    public LabelProbabilities {
        rows = List.copyOf(rows);
    }

    /**
     * One prompt's outcome.
     *
     * @param gold             gold class, or -1
     * @param probs            softmax over the label words' logits (sum 1)
     * @param rawProbs         label-word probabilities under the full-vocabulary softmax
     * @param predicted        argmax of {@code probs} (protocol a)
     * @param topToken         argmax over the whole vocabulary
     * @param fullVocabCorrect {@code topToken} is the gold label word (protocol b)
     */
    public record Row(int gold, double[] probs, double[] rawProbs, int predicted, long topToken,
            boolean fullVocabCorrect) {
        public Row {
            probs = probs.clone();
            rawProbs = rawProbs.clone();
        }

        @Override
        public double[] probs() {
            return probs.clone();
        }

        @Override
        public double[] rawProbs() {
            return rawProbs.clone();
        }

        /**
         * The row for one prompt from its logits at the last position ({@code [vocab]}): a softmax over the label
         * words' logits, each label word's full-vocabulary probability, both predictions (see {@link LabelLogits}).
         */
        public static Row fromLogits(Tensor lastLogits, long[] labelIds, int gold) {
            return LabelLogits.rows(lastLogits.unsqueeze(0), labelIds, new int[] {gold})[0];
        }

        /**
         * The log of each renormalised label probability, {@code log p(c | x)} over the label words (equal to the
         * label-word logits up to one constant per prompt), floored at the log of the smallest positive double: the
         * scores {@link ReadoutMetric} reads.
         */
        public double[] logProbs() {
            double[] l = new double[probs.length];
            for (int c = 0; c < l.length; c++) {
                l[c] = ReadoutMetric.safeLog(probs[c]);
            }
            return l;
        }

        /** Probability of class {@code c} (renormalised). */
        public double prob(int c) {
            return probs[c];
        }

        public boolean correct() {
            return gold >= 0 && predicted == gold;
        }

        @Override
        public String toString() {
            StringBuilder sb = new StringBuilder("Row[gold ").append(gold).append(", predicted ").append(predicted)
                    .append(", p=");
            for (int i = 0; i < probs.length; i++) {
                sb.append(i == 0 ? "(" : ", ").append(String.format("%.3f", probs[i]));
            }
            return sb.append(")]").toString();
        }
    }

    /** Number of prompts. */
    public int size() {
        return rows.size();
    }

    public Row row(int i) {
        return rows.get(i);
    }

    /** Argmax over the label words equals the gold class (protocol a), over prompts with a gold class. */
    public double accuracy() {
        return AccuracyReport.of(this).accuracy();
    }

    /** Argmax over the whole vocabulary is the gold label word (protocol b). */
    public double fullVocabAccuracy() {
        return AccuracyReport.of(this).fullVocabAccuracy();
    }

    /** Predicted classes, in input order. */
    public int[] predictions() {
        return rows.stream().mapToInt(Row::predicted).toArray();
    }

    /** Mean renormalised probability of each class. */
    public double[] meanProbs() {
        int k = rows.isEmpty() ? 0 : rows.get(0).probs.length;
        double[] m = new double[k];
        for (Row r : rows) {
            for (int c = 0; c < k; c++) {
                m[c] += r.probs[c] / rows.size();
            }
        }
        return m;
    }

    /** The value of one readout over these prompts ({@link ReadoutMetric#of(LabelProbabilities)}). */
    public double readout(ReadoutMetric metric) {
        return metric.of(this);
    }

    /** Accuracy, per-class accuracy and macro-F1. */
    public AccuracyReport report() {
        return AccuracyReport.of(this);
    }

    @Override
    public String toString() {
        return "LabelProbabilities[" + rows.size() + " prompts, accuracy " + String.format("%.3f", accuracy())
                + ", full-vocabulary accuracy " + String.format("%.3f", fullVocabAccuracy()) + ", mean p "
                + Arrays.toString(Arrays.stream(meanProbs()).map(v -> Math.round(v * 1000) / 1000.0).toArray()) + "]";
    }
}
