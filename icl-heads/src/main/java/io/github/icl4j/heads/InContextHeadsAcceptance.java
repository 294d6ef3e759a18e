package io.github.icl4j.heads;

import io.github.icl4j.IclPrompt;
import io.github.icl4j.Model;
import java.util.ArrayList;
import java.util.List;

/**
 * The acceptance check of icl-heads on a model <em>trained</em> to learn foo/bar classification in context (the
 * built-in model of icl-examples): the method must find a small set of heads whose removal hurts accuracy far more
 * than removing as many random heads from the same layers, whose value-output vectors differ between foo and bar
 * positions, and the model's prediction must follow a demonstration whose sentence replaces the query's (the swap
 * test). A random model fails it; tests of modules that can see a trained model call it:
 *
 * <pre>{@code
 * assumeTrue(BuiltinModel.isAvailable(), "no built-in model in the jar");
 * try (Model model = BuiltinModel.load()) {
 *     InContextHeadsAcceptance.Result r = InContextHeadsAcceptance.check(model, findPrompts, testPrompts);
 *     r.assertPassed();               // AssertionError listing every failed criterion and the evidence
 * }
 * }</pre>
 * The sign of the value-output criterion is not fixed: in Llama-7B the paper finds foo heads writing "foo" at foo
 * positions (M > 0); a model may as well write the contrast (the two-layer built-in model's label-reading heads in
 * layer 0 write the <em>other</em> label). The criterion asks that the vectors carry the label, either way.
 */
public final class InContextHeadsAcceptance {
    private InContextHeadsAcceptance() {
    }

    /**
     * What counts as a pass.
     *
     * @param minBaseline          the clean model's accuracy (label argmax) must reach this
     * @param minDrop              removing the in-context heads must lower accuracy by at least this
     * @param minMarginOverControl removing them must leave accuracy at least this far below the random control's
     *                             mean
     * @param maxHeadFraction      the set may hold at most this fraction of all heads
     * @param minLabelSeparation   |mean M at foo positions − mean M at bar positions| over the set's heads must reach
     *                             this (the value-output vectors carry their position's label)
     * @param minSwapGain          replacing the query sentence by a demonstration's must raise the share of
     *                             predictions equal to that demonstration's label by at least this
     */
    public record Criteria(double minBaseline, double minDrop, double minMarginOverControl, double maxHeadFraction,
            double minLabelSeparation, double minSwapGain) {
        /** Baseline ≥ 0.7, drop ≥ 0.15, 0.1 below the control, ≤ half the heads, |separation| ≥ 0.01, swap +0.2. */
        public static Criteria defaults() {
            return new Criteria(0.7, 0.15, 0.1, 0.5, 0.01, 0.2);
        }
    }

    /**
     * The outcome.
     *
     * @param passed       all criteria met
     * @param failures     one line per criterion not met
     * @param set          the heads found
     * @param intervention the intervention experiment
     * @param valueOutputs the value-output analysis
     * @param twoTowers    the two-tower analysis with the swap test
     * @param separation   mean M at foo positions minus at bar positions over the set's heads
     * @param swapGain     share of predictions equal to the swapped demonstration's label, after minus before
     */
    public record Result(boolean passed, List<String> failures, InContextHeadSet set, InterventionResult intervention,
            ValueOutputAnalysis valueOutputs, TwoTowersAnalysis twoTowers, double separation, double swapGain) {
        /** Copies the list. */
        public Result {
            failures = List.copyOf(failures);
        }

        /**
         * Throws when a criterion failed.
         *
         * @throws AssertionError listing the failures and the evidence
         */
        public Result assertPassed() {
            if (!passed) {
                throw new AssertionError("in-context heads acceptance failed:\n  " + String.join("\n  ", failures)
                        + "\n" + set.describe() + intervention.describe() + valueOutputs.describe()
                        + twoTowers.describe());
            }
            return this;
        }

        /** The verdict and the evidence. */
        @Override
        public String toString() {
            return "InContextHeadsAcceptance[" + (passed ? "passed" : "FAILED " + failures) + "; " + set + "; "
                    + intervention + "; label separation " + Arr.s3(separation) + "; swap gain " + Arr.s3(swapGain)
                    + "]";
        }
    }

    /**
     * Runs the check with top lists of a tenth of the heads each (at least 1, at most 10), the upper half of the
     * layers scanned, 10 pooled control draws and the default criteria.
     */
    public static Result check(Model model, List<IclPrompt> findPrompts, List<IclPrompt> testPrompts) {
        int total = model.config().totalHeads();
        int n = Math.max(1, Math.min(10, Math.round(total / 10f)));
        InContextHeads ich = InContextHeads.of(model).options(HeadOptions.defaults().withTopHeads(n, n, n)
                .withControl(10, 42L, HeadOptions.ControlPool.SAME_LAYERS_POOLED));
        return check(ich, findPrompts, testPrompts, Criteria.defaults());
    }

    /** Finds the heads on {@code findPrompts} and tests them on {@code testPrompts} against {@code criteria}. */
    public static Result check(InContextHeads ich, List<IclPrompt> findPrompts, List<IclPrompt> testPrompts,
            Criteria criteria) {
        InContextHeadSet set = ich.find(findPrompts);
        InterventionResult iv = ich.intervene(set, testPrompts);
        ValueOutputAnalysis vo = ich.valueOutputs(set, testPrompts);
        TwoTowersAnalysis towers = ich.twoTowers(set, testPrompts);
        List<String> fail = new ArrayList<>();
        double base = iv.baseline().accuracy();
        double cut = iv.ablated().accuracy();
        if (base < criteria.minBaseline()) {
            fail.add("clean accuracy " + Arr.f3(base) + " < " + criteria.minBaseline() + ": the model does not learn "
                    + "the task in context");
        }
        if (base - cut < criteria.minDrop()) {
            fail.add("removing " + set.size() + " heads lowers accuracy by " + Arr.f3(base - cut) + " < "
                    + criteria.minDrop());
        }
        if (!(cut <= iv.controlMean() - criteria.minMarginOverControl())) {
            fail.add("accuracy without the heads " + Arr.f3(cut) + " is not " + criteria.minMarginOverControl()
                    + " below the random control " + Arr.f3(iv.controlMean()) + " ± " + Arr.f3(iv.controlStd()));
        }
        int total = set.scores().nLayers() * set.scores().nHeads();
        if (set.size() > criteria.maxHeadFraction() * total) {
            fail.add(set.size() + " of " + total + " heads selected > " + criteria.maxHeadFraction() + " of them");
        }
        double[] foo = vo.heads().stream().mapToDouble(h -> h.atFoo().meanM()).toArray();
        double[] bar = vo.heads().stream().mapToDouble(h -> h.atBar().meanM()).toArray();
        double separation = Arr.mean(foo) - Arr.mean(bar);
        if (!(Math.abs(separation) >= criteria.minLabelSeparation())) {
            fail.add("value-output vectors: |mean M at foo positions − at bar positions| " + Arr.f3(Math.abs(separation))
                    + " < " + criteria.minLabelSeparation() + ": they carry no label");
        }
        double swapGain = towers.swapAgreement() - towers.baseAgreement();
        if (!(swapGain >= criteria.minSwapGain())) {
            fail.add("swap test: predictions equal to the swapped demonstration's label " + Arr.f3(towers.baseAgreement())
                    + " → " + Arr.f3(towers.swapAgreement()) + ", gain < " + criteria.minSwapGain());
        }
        return new Result(fail.isEmpty(), fail, set, iv, vo, towers, separation, swapGain);
    }
}
