package io.github.icl4j.heads;

import io.github.icl4j.HeadId;
import io.github.icl4j.IclPrompt;
import io.github.icl4j.Model;
import io.github.icl4j.heads.report.HeadsText;
import java.util.ArrayList;
import java.util.List;

/**
 * The acceptance check of icl-heads on a model <em>trained</em> to learn foo/bar classification in context (the
 * built-in model of icl-examples), with the icl-heads issue's criteria: removing the discovered heads brings accuracy
 * down to near chance while removing as many random heads from the same layers costs little; the top foo head's
 * weighted value-output vectors at foo positions, read through the unembedding, have " foo" as their top token (the
 * top bar head likewise at bar positions); the top foo head attends more to the foo positions when the model
 * predicts foo than when it predicts bar (the top bar head likewise: the paper's direction); and the prediction
 * follows a demonstration whose sentence replaces the query's (the swap test). The top foo head is the best of the
 * foo-score ranking in the set, whichever group its two scores put it in: a head that copies the matching
 * demonstration's label tops both rankings and is then both the top foo and the top bar head. A random model fails
 * it; tests of modules that can see a trained model call it:
 *
 * <pre>{@code
 * assumeTrue(BuiltinModel.isAvailable(), "no built-in model in the jar");
 * try (Model model = BuiltinModel.load()) {
 *     InContextHeadsAcceptance.Result r = InContextHeadsAcceptance.check(model, findPrompts, testPrompts);
 *     r.assertPassed();               // AssertionError listing every failed criterion and the evidence
 * }
 * }</pre>
 */
public final class InContextHeadsAcceptance {
    private InContextHeadsAcceptance() {
    }

    /**
     * What counts as a pass.
     *
     * @param minBaseline        the clean model's accuracy (label argmax) must reach this
     * @param maxAboveChance     with the in-context heads removed, accuracy must be at most chance (1 / number of
     *                           labels) plus this
     * @param maxControlCost     removing as many random heads from the same layers must cost at most this accuracy
     *                           (clean minus the control draws' mean)
     * @param maxHeadFraction    the set may hold at most this fraction of all heads
     * @param valueOutputTop1    the top foo head's mean weighted value-output vector at foo positions must have
     *                           " foo" as its top token, and the top bar head's at bar positions " bar" (each group
     *                           that has a head)
     * @param minAttentionShift  the top foo head must attend more to the foo positions when the model predicts foo
     *                           than when it predicts bar, by at least this relative amount ((predicted − not) /
     *                           not; the paper's heads shift by 28% to 238%), and the top bar head likewise to the
     *                           bar positions; {@code Double.NEGATIVE_INFINITY} switches the criterion off
     * @param minSwapGain        replacing the query sentence by a demonstration's must raise the share of
     *                           predictions equal to that demonstration's label by at least this
     */
    public record Criteria(double minBaseline, double maxAboveChance, double maxControlCost, double maxHeadFraction,
            boolean valueOutputTop1, double minAttentionShift, double minSwapGain) {
        /**
         * The icl-heads issue's acceptance: baseline ≥ 0.7, heads removed ≤ chance + 0.10, control cost ≤ 0.10,
         * at most a quarter of the heads, value-output top-1 required, attention shifted at least 10% in the paper's
         * direction, swap gain ≥ 0.2.
         */
        public static Criteria defaults() {
            return new Criteria(0.7, 0.10, 0.10, 0.25, true, 0.10, 0.2);
        }
    }

    /**
     * The top token of a label's top head at that label's positions.
     *
     * @param head     the label's top head (the first head of that label's score top list that is in the set)
     * @param label    the label (0 foo, 1 bar)
     * @param expected the label word
     * @param token    the top token of the head's mean weighted value-output vector at that label's positions
     */
    public record TopToken(HeadId head, int label, String expected, String token) {
        /** True when the top token is the label word (leading spaces aside). */
        public boolean matches() {
            return token.strip().equals(expected.strip());
        }

        /** {@code L1H3 at ' foo' positions: 'foo'}. */
        @Override
        public String toString() {
            return head + " at '" + expected + "' positions: '" + token + "'";
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
     * @param attention    the attention analysis (grouped by prediction)
     * @param twoTowers    the two-tower analysis with the swap test
     * @param top1         per label, its top head and the top token at that label's positions
     * @param swapGain     share of predictions equal to the swapped demonstration's label, after minus before
     */
    public record Result(boolean passed, List<String> failures, InContextHeadSet set, InterventionResult intervention,
            ValueOutputAnalysis valueOutputs, AttentionAnalysis attention, TwoTowersAnalysis twoTowers,
            List<TopToken> top1, double swapGain) {
        /** Copies the lists. */
        public Result {
            failures = List.copyOf(failures);
            top1 = List.copyOf(top1);
        }

        /**
         * The verdict of other criteria on the same heads and analyses (nothing is recomputed): e.g. which
         * criteria hold once a kind of check is switched off.
         */
        public Result against(Criteria criteria) {
            return judge(set, intervention, valueOutputs, attention, twoTowers, criteria);
        }

        /**
         * Throws when a criterion failed.
         *
         * @throws AssertionError listing the failures and the evidence
         */
        public Result assertPassed() {
            if (!passed) {
                throw new AssertionError("in-context heads acceptance failed:\n  " + String.join("\n  ", failures)
                        + "\n" + HeadsText.summary(set) + HeadsText.summary(intervention)
                        + HeadsText.summary(valueOutputs) + HeadsText.summary(attention)
                        + HeadsText.summary(twoTowers));
            }
            return this;
        }

        /** The verdict and the evidence. */
        @Override
        public String toString() {
            return "InContextHeadsAcceptance[" + (passed ? "passed" : "FAILED " + failures) + "; " + set + "; "
                    + intervention + "; value-output top tokens " + top1 + "; swap gain " + Arr.s3(swapGain) + "]";
        }
    }

    /**
     * Runs the check with top lists of a twentieth of the heads each (at least 1, at most 10), the upper half of
     * the layers scanned by the ablation ranking and the only layers the score top lists pick from
     * ({@link HeadOptions.ScoreLayers#ABLATION_LAYERS}: a layer-0 head cannot compare the query with the
     * demonstrations, yet heads there that copy every label word present top the score rankings of small models),
     * 10 pooled control draws, attention grouped by prediction and the default criteria.
     */
    public static Result check(Model model, List<IclPrompt> findPrompts, List<IclPrompt> testPrompts) {
        int total = model.config().totalHeads();
        int n = Math.max(1, Math.min(10, Math.round(total / 20f)));
        InContextHeads ich = InContextHeads.of(model).options(HeadOptions.defaults().withTopHeads(n, n, n)
                .withControl(10, 42L, HeadOptions.ControlPool.SAME_LAYERS_POOLED)
                .withScoreLayers(HeadOptions.ScoreLayers.ABLATION_LAYERS));
        return check(ich, findPrompts, testPrompts, Criteria.defaults());
    }

    /** Finds the heads on {@code findPrompts} and tests them on {@code testPrompts} against {@code criteria}. */
    public static Result check(InContextHeads ich, List<IclPrompt> findPrompts, List<IclPrompt> testPrompts,
            Criteria criteria) {
        InContextHeadSet set = ich.find(findPrompts);
        return judge(set, ich.intervene(set, testPrompts), ich.valueOutputs(set, testPrompts),
                ich.attention(set, testPrompts), ich.twoTowers(set, testPrompts), criteria);
    }

    /**
     * The first head of a label's score top list that is in the set; with none there (a merge that keeps only
     * heads of the ablation list), the set's first head of that label's group, or null.
     */
    static HeadId topHead(InContextHeadSet set, int label) {
        List<HeadId> ranking = label == 0 ? set.fooTop() : set.barTop();
        List<HeadId> group = label == 0 ? set.fooHeads() : set.barHeads();
        return ranking.stream().filter(set.heads()::contains).findFirst()
                .orElse(group.isEmpty() ? null : group.get(0));
    }

    /** The verdict of {@code criteria} on analyses already made. */
    private static Result judge(InContextHeadSet set, InterventionResult iv, ValueOutputAnalysis vo,
            AttentionAnalysis att, TwoTowersAnalysis towers, Criteria criteria) {
        List<String> fail = new ArrayList<>();
        double base = iv.baseline().accuracy();
        double cut = iv.ablated().accuracy();
        double chance = 1.0 / vo.labelWords().size();
        if (base < criteria.minBaseline()) {
            fail.add("clean accuracy " + Arr.f3(base) + " < " + criteria.minBaseline() + ": the model does not learn "
                    + "the task in context");
        }
        if (!(cut <= chance + criteria.maxAboveChance())) {
            fail.add("removing the " + set.size() + " heads leaves accuracy " + Arr.f3(cut) + " > chance "
                    + Arr.f3(chance) + " + " + criteria.maxAboveChance());
        }
        if (!(base - iv.controlMean() <= criteria.maxControlCost())) {
            fail.add("removing as many random heads costs " + Arr.f3(base - iv.controlMean()) + " > "
                    + criteria.maxControlCost() + " (control " + iv.controlText() + ")");
        }
        int total = set.scores().nLayers() * set.scores().nHeads();
        if (set.size() > criteria.maxHeadFraction() * total) {
            fail.add(set.size() + " of " + total + " heads selected > " + criteria.maxHeadFraction() + " of them");
        }
        List<TopToken> top1 = new ArrayList<>();
        for (int label = 0; label < 2; label++) {
            HeadId top = topHead(set, label);
            if (top == null) {
                continue;
            }
            String word = vo.labelWords().get(label);
            ValueOutputAnalysis.HeadValueOutputs h = vo.heads().stream().filter(x -> x.head().equals(top)).findFirst()
                    .orElseThrow();
            ValueOutputAnalysis.PositionStats own = label == 0 ? h.atFoo() : h.atBar();
            String got = own.topTokens().isEmpty() ? "(none)" : own.topTokens().get(0).token();
            TopToken t = new TopToken(top, label, word, got);
            top1.add(t);
            if (criteria.valueOutputTop1() && !t.matches()) {
                fail.add("value-output vectors of " + top + " (top " + (label == 0 ? "foo" : "bar") + " head) at '"
                        + word.strip() + "' positions: top token '" + got + "', expected '" + word.strip() + "'");
            }
            if (criteria.minAttentionShift() > Double.NEGATIVE_INFINITY) {
                String g = label == 0 ? "foo" : "bar";
                AttentionAnalysis.HeadAttention a = att.heads().stream().filter(x -> x.head().equals(top)).findFirst()
                        .orElseThrow();
                double same = label == 0 ? a.fooPosFooGroup() : a.barPosBarGroup();
                double other = label == 0 ? a.fooPosBarGroup() : a.barPosFooGroup();
                double shift = (same - other) / other;
                if (!(shift >= criteria.minAttentionShift())) {
                    fail.add(top + " (top " + g + " head): attention on " + g + " positions " + Arr.f3(same) + " when "
                            + g + " is predicted, " + Arr.f3(other) + " otherwise (" + AttentionAnalysis.pct(shift)
                            + "; the paper's direction is more when predicted, by at least "
                            + AttentionAnalysis.pct(criteria.minAttentionShift()) + ")");
                }
            }
        }
        double swapGain = towers.swapAgreement() - towers.baseAgreement();
        if (!(swapGain >= criteria.minSwapGain())) {
            fail.add("swap test: predictions equal to the swapped demonstration's label " + Arr.f3(towers.baseAgreement())
                    + " → " + Arr.f3(towers.swapAgreement()) + ", gain < " + criteria.minSwapGain());
        }
        return new Result(fail.isEmpty(), fail, set, iv, vo, att, towers, top1, swapGain);
    }
}
