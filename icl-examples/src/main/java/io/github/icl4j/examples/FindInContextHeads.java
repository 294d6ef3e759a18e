package io.github.icl4j.examples;

import io.github.icl4j.examples.builtin.BuiltinModel;
import io.github.icl4j.examples.builtin.SyntheticPrompts;
import io.github.icl4j.IclPrompt;
import io.github.icl4j.Model;
import io.github.icl4j.heads.InContextHeadSet;
import io.github.icl4j.heads.HeadOptions;
import io.github.icl4j.heads.InContextHeads;
import io.github.icl4j.heads.InterventionResult;
import io.github.icl4j.heads.report.HeadsText;
import io.github.icl4j.train.SyntheticIclTask;
import java.util.List;

/**
 * Example: find the in-context heads (METHOD §3) and check them by removing them. Every head is scored by how much
 * its output raises " foo" and " bar" at the last position; the upper layers' heads are ranked by how much accuracy
 * falls without them; the top of each ranking is merged. Then, on other prompts, the heads are zeroed, beside a
 * control of as many random heads from the same layers.
 *
 * <pre>
 * mvn -q -pl icl-examples exec:java -Dexec.mainClass=io.github.icl4j.examples.FindInContextHeads
 * </pre>
 */
public final class FindInContextHeads {
    private FindInContextHeads() {
    }

    /**
     * What the example found.
     *
     * @param heads        the in-context heads with their scores and ablation drops
     * @param intervention accuracy with them zeroed, beside the clean model and the random control
     */
    public record Result(InContextHeadSet heads, InterventionResult intervention) {
        /** The heads and the intervention, readable. */
        @Override
        public String toString() {
            return HeadsText.summary(heads) + "\n" + HeadsText.summary(intervention);
        }
    }

    /** Runs the example. */
    public static Result run() {
        try (Model model = BuiltinModel.load(); SyntheticIclTask task = BuiltinModel.task()) {
            IclPrompt.Builder builder = IclPrompt.builder(model.tokenizer());
            List<IclPrompt> find = SyntheticPrompts.prompts(builder, task, 120, 2, 1);
            List<IclPrompt> test = SyntheticPrompts.prompts(builder, task, 120, 2, 2);

            // one head per ranking (the model has 24); the score lists pick from the upper half of the layers, like the
            // ablation ranking: layer-0 heads that copy every label word present would top them otherwise
            InContextHeads ich = InContextHeads.of(model).topHeads(1, 1, 1)
                    .scoreLayers(HeadOptions.ScoreLayers.ABLATION_LAYERS);
            InContextHeadSet set = ich.find(find);
            InterventionResult cut = ich.intervene(set, test);
            return new Result(set, cut);
        }
    }

    /** Prints the example's result. */
    public static void main(String[] args) {
        System.out.println(run());
    }
}
