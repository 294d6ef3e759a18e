package io.github.icl4j.examples;

import io.github.icl4j.examples.builtin.BuiltinModel;
import io.github.icl4j.examples.builtin.SyntheticPrompts;
import io.github.icl4j.IclPrompt;
import io.github.icl4j.Model;
import io.github.icl4j.heads.InContextHeadSet;
import io.github.icl4j.heads.HeadOptions;
import io.github.icl4j.heads.InContextHeads;
import io.github.icl4j.heads.TwoTowersAnalysis;
import io.github.icl4j.heads.ValueOutputAnalysis;
import io.github.icl4j.heads.report.HeadsText;
import io.github.icl4j.train.SyntheticIclTask;
import java.util.List;

/**
 * Example: what the in-context heads write and how they choose where to look (METHOD §4).
 *
 * <ul>
 *   <li><b>Value outputs</b>: each head's attention-weighted value-output vector at every label position, projected
 *       to the vocabulary; {@code M = log p(foo) − log p(bar)} says which label it pushes.</li>
 *   <li><b>Two towers</b>: the query (last token) and the key (each label token) as two towers of a metric learner:
 *       the score {@code q·k/√d}, split into a content part and a rotary (positional) part, against the
 *       similarity of the query sentence to each demonstration; and the swap test, which copies a demonstration's
 *       sentence into the query.</li>
 * </ul>
 *
 * <pre>
 * mvn -q -pl icl-examples exec:java -Dexec.mainClass=io.github.icl4j.examples.ValueOutputAndTwoTowers
 * </pre>
 */
public final class ValueOutputAndTwoTowers {
    private ValueOutputAndTwoTowers() {
    }

    /**
     * What the example found.
     *
     * @param heads        the in-context heads analysed
     * @param valueOutputs what they write at the label positions
     * @param twoTowers    query · key against sentence similarity, and the swap test
     */
    public record Result(InContextHeadSet heads, ValueOutputAnalysis valueOutputs, TwoTowersAnalysis twoTowers) {
        /** Both analyses, readable. */
        @Override
        public String toString() {
            return heads + "\n\n" + HeadsText.summary(valueOutputs) + "\n" + HeadsText.summary(twoTowers);
        }
    }

    /** Runs the example. */
    public static Result run() {
        try (Model model = BuiltinModel.load(); SyntheticIclTask task = BuiltinModel.task()) {
            IclPrompt.Builder builder = IclPrompt.builder(model.tokenizer());
            List<IclPrompt> find = SyntheticPrompts.prompts(builder, task, 120, 2, 1);
            List<IclPrompt> test = SyntheticPrompts.prompts(builder, task, 120, 2, 2);

            InContextHeads ich = InContextHeads.of(model).topHeads(1, 1, 1)
                    .scoreLayers(HeadOptions.ScoreLayers.ABLATION_LAYERS);
            InContextHeadSet set = ich.find(find);
            ValueOutputAnalysis vo = ich.valueOutputs(set, test);
            TwoTowersAnalysis towers = ich.twoTowers(set, test);
            return new Result(set, vo, towers);
        }
    }

    /** Prints the example's result. */
    public static void main(String[] args) {
        System.out.println(run());
    }
}
