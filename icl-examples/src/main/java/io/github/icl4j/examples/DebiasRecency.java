package io.github.icl4j.examples;

import io.github.icl4j.examples.builtin.BuiltinModel;
import io.github.icl4j.examples.builtin.SyntheticPrompts;
import io.github.icl4j.HeadId;
import io.github.icl4j.IclPrompt;
import io.github.icl4j.Model;
import io.github.icl4j.bias.BiasOptions;
import io.github.icl4j.bias.BiasStudy;
import io.github.icl4j.bias.BiasTask;
import io.github.icl4j.bias.RecencyFix;
import io.github.icl4j.bias.RecencyResult;
import io.github.icl4j.heads.HeadOptions;
import io.github.icl4j.heads.InContextHeads;
import io.github.icl4j.train.SyntheticIclTask;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Example: recency bias and the rotary-free fix (METHOD §5). The same demonstrations in several orders (as sampled,
 * reversed, seeded permutations); the bias is the spread across orders of accuracy and of the in-context heads'
 * attention at the label positions. The fix computes those heads' attention scores without the rotary position
 * encoding at the last position. Each in-context head is also fixed alone, to see which ones the model needs
 * positions in.
 *
 * <pre>
 * mvn -q -pl icl-examples exec:java -Dexec.mainClass=io.github.icl4j.examples.DebiasRecency
 * </pre>
 */
public final class DebiasRecency {
    private DebiasRecency() {
    }

    /**
     * Accuracy with the fix in one head only.
     *
     * @param head     the head
     * @param accuracy accuracy on the test prompts with the fix in that head
     */
    public record OneHead(HeadId head, double accuracy) {
    }

    /**
     * What the example found.
     *
     * @param heads    the in-context heads
     * @param recency  every correction's accuracy, accuracy spread and attention spread across orders
     * @param baseline accuracy of the clean model on the test prompts
     * @param oneHead  accuracy with the fix in each head alone
     */
    public record Result(List<HeadId> heads, RecencyResult recency, double baseline, List<OneHead> oneHead) {
        /** The table and the per-head check. */
        @Override
        public String toString() {
            StringBuilder sb = new StringBuilder("In-context heads " + heads + "\n\n" + recency);
            sb.append(String.format(Locale.ROOT, "%nAccuracy on 120 prompts: clean %.3f; with the fix in one head:",
                    baseline));
            oneHead.forEach(o -> sb.append(String.format(Locale.ROOT, " %s %.3f", o.head(), o.accuracy())));
            return sb.append('\n').toString();
        }
    }

    /** Runs the example. */
    public static Result run() {
        try (Model model = BuiltinModel.load(); SyntheticIclTask task = BuiltinModel.task()) {
            IclPrompt.Builder builder = IclPrompt.builder(model.tokenizer());
            List<IclPrompt> find = SyntheticPrompts.prompts(builder, task, 120, 2, 1);
            List<IclPrompt> test = SyntheticPrompts.prompts(builder, task, 120, 2, 2);
            List<HeadId> heads = InContextHeads.of(model).topHeads(1, 1, 1)
                    .scoreLayers(HeadOptions.ScoreLayers.ABLATION_LAYERS).find(find).heads();

            List<BiasTask> tasks = SyntheticPrompts.biasTasks(task, 0, 4, 20, 15, 42);
            RecencyResult recency = BiasStudy.of(model).heads(heads)
                    .options(BiasOptions.defaults().withSeeds(0, 1, 2).withPermutations(2))
                    .recency(tasks);

            double baseline = RecencyFix.of(model, List.of()).labelProbabilities(test).accuracy();
            List<OneHead> oneHead = new ArrayList<>();
            for (HeadId h : heads) {
                oneHead.add(new OneHead(h, RecencyFix.of(model, List.of(h)).labelProbabilities(test).accuracy()));
            }
            return new Result(heads, recency, baseline, oneHead);
        }
    }

    /** Prints the example's result. */
    public static void main(String[] args) {
        System.out.println(run());
    }
}
