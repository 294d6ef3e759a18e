package io.github.icl4j.heads;

import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import io.github.icl4j.HeadId;
import io.github.icl4j.ReadoutMetric;
import java.util.List;

/**
 * METHOD §3.4: accuracy with the in-context heads removed, beside the clean model and a control of as many random
 * heads from the same layers (several seeded draws, mean ± standard deviation), and the label-specific effects:
 * foo heads removed on gold-foo and on gold-bar examples, bar heads likewise.
 *
 * @param heads                the removed heads
 * @param prompts              prompts evaluated
 * @param baseline             the clean model
 * @param ablated              the selected heads removed
 * @param controls             one entry per control draw
 * @param controlMean          mean protocol-(a) accuracy of the control draws (NaN without draws)
 * @param controlStd           their sample standard deviation (NaN below two draws)
 * @param controlFullVocabMean mean protocol-(b) accuracy of the control draws
 * @param controlFullVocabStd  its standard deviation
 * @param labelSpecific        foo heads and bar heads removed, on gold-foo and gold-bar examples separately
 * @param controlPool          where control heads were drawn
 * @param controlSeed          the seed of the draws
 * @param readout              the readout {@link Accuracy#readout()} holds ({@link ReadoutMetric}; with
 *                             {@code argmax} it equals the protocol-(a) accuracy)
 * @param controlReadoutMean   mean readout of the control draws (NaN without draws)
 * @param controlReadoutStd    its sample standard deviation (NaN below two draws)
 */
public record InterventionResult(List<HeadId> heads, int prompts, Accuracy baseline, Accuracy ablated,
        List<ControlDraw> controls, double controlMean, double controlStd, double controlFullVocabMean,
        double controlFullVocabStd, List<LabelSpecific> labelSpecific, HeadOptions.ControlPool controlPool,
        long controlSeed, ReadoutMetric readout, double controlReadoutMean, double controlReadoutStd) {

    /**
     * Accuracy under both protocols, and the result's readout.
     *
     * @param n                 examples
     * @param accuracy          protocol (a): argmax over the label tokens is the gold label
     * @param fullVocabAccuracy protocol (b): argmax over the vocabulary is the gold label token
     * @param readout           the value of {@link InterventionResult#readout()} on these examples: a calibrated
     *                          readout is calibrated over all the condition's prompts, then counted on these; an AUROC
     *                          on examples of one gold label is NaN
     */
    public record Accuracy(int n, double accuracy, double fullVocabAccuracy, double readout) {
        /** Both protocols, with the argmax readout (the protocol-(a) accuracy). */
        public Accuracy(int n, double accuracy, double fullVocabAccuracy) {
            this(n, accuracy, fullVocabAccuracy, accuracy);
        }

        /** {@code 0.875 / 0.600 (n=40)}, with the readout when it differs from the accuracy. */
        @Override
        public String toString() {
            String r = Double.compare(readout, accuracy) == 0 ? "" : " [readout " + Arr.f3(readout) + "]";
            return Arr.f3(accuracy) + " / " + Arr.f3(fullVocabAccuracy) + r + " (n=" + n + ")";
        }
    }

    /**
     * One control draw.
     *
     * @param draw     index of the draw, from 0
     * @param heads    the random heads removed
     * @param accuracy the accuracy with them removed
     */
    public record ControlDraw(int draw, List<HeadId> heads, Accuracy accuracy) {
        /** Copies the list. */
        public ControlDraw {
            heads = List.copyOf(heads);
        }
    }

    /**
     * One group of heads removed, measured on the examples of one gold label.
     *
     * @param group     the group of heads removed (in JSON {@code "foo heads"} or {@code "bar heads"})
     * @param heads     the heads removed
     * @param goldLabel the gold label of the examples (0 foo, 1 bar)
     * @param baseline  the clean model on those examples
     * @param ablated   with the group removed
     */
    public record LabelSpecific(
            @JsonSerialize(using = HeadsJson.GroupAsHeads.class)
            @JsonDeserialize(using = HeadsJson.GroupAsHeadsReader.class) LabelGroup group, List<HeadId> heads, int goldLabel, Accuracy baseline, Accuracy ablated) {
        /** Copies the list. */
        public LabelSpecific {
            heads = List.copyOf(heads);
        }

        /** Ablated minus baseline accuracy (protocol a). */
        public double change() {
            return ablated.accuracy() - baseline.accuracy();
        }

        /** {@code foo heads on gold 0: 0.900 → 0.300}. */
        @Override
        public String toString() {
            return group.heads() + " on gold " + goldLabel + ": " + Arr.f3(baseline.accuracy()) + " → "
                    + Arr.f3(ablated.accuracy()) + " (n=" + baseline.n() + ")";
        }
    }

    /** Copies the lists. */
    public InterventionResult {
        heads = List.copyOf(heads);
        controls = List.copyOf(controls);
        labelSpecific = List.copyOf(labelSpecific);
    }

    /**
     * How many different head sets the control draws removed (draws are with replacement across draws, so a small
     * pool repeats: with one possible set every draw is that set and the spread is 0 by construction).
     */
    public int distinctControls() {
        return (int) controls.stream().map(c -> new java.util.TreeSet<>(c.heads())).distinct().count();
    }

    /** {@code 0.850 ± 0.020}, {@code 0.850 (the only such set)} or {@code –} without draws. */
    String controlText() {
        if (controls.isEmpty()) {
            return "–";
        }
        return distinctControls() == 1 ? Arr.f3(controlMean) + " (the only such set)"
                : Arr.f3(controlMean) + " ± " + Arr.f3(controlStd);
    }

    /** {@code InterventionResult[12 heads, 40 prompts: 0.875 → 0.250, control 0.850 ± 0.020]}. */
    @Override
    public String toString() {
        return "InterventionResult[" + heads.size() + " heads, " + prompts + " prompts: " + Arr.f3(baseline.accuracy())
                + " → " + Arr.f3(ablated.accuracy()) + ", control " + controlText() + " (" + controls.size()
                + " draws)" + (readout == ReadoutMetric.ARGMAX ? "" : ", " + readout + " " + Arr.f3(baseline.readout())
                + " → " + Arr.f3(ablated.readout()) + ", control " + Arr.f3(controlReadoutMean)) + "]";
    }
}
