package io.github.icl4j.examples;

import io.github.icl4j.examples.builtin.BuiltinModel;
import io.github.icl4j.examples.builtin.SyntheticPrompts;
import io.github.icl4j.HeadId;
import io.github.icl4j.IclPrompt;
import io.github.icl4j.Model;
import io.github.icl4j.bias.BiasOptions;
import io.github.icl4j.bias.BiasStudy;
import io.github.icl4j.bias.BiasTask;
import io.github.icl4j.bias.MajorityResult;
import io.github.icl4j.heads.HeadOptions;
import io.github.icl4j.heads.InContextHeads;
import io.github.icl4j.train.SyntheticIclTask;
import java.util.List;

/**
 * Example: majority-label bias and the in-context-head fix (METHOD §5). A balanced demonstration set is compared
 * with the same set less one demonstration of either label; the "fluctuation" is how far accuracy moves. The fix
 * adds {@code a · Σ α_p v_p W_O} of the in-context heads at the minority label's positions to the final residual
 * ({@code a = a_c · n_majority / n_minority}) with the METHOD's a_c = 0.03 and with a_c = 3.0, a hundred times
 * stronger (the built-in model's heads write little at the label positions). Every calibration baseline, alone and after the fix, is measured on the same prompts. (The main job tunes a_c on tasks
 * that share no class pair with the test tasks: {@code BiasStudy.tuneAc}.)
 *
 * <pre>
 * mvn -q -pl icl-examples exec:java -Dexec.mainClass=io.github.icl4j.examples.DebiasMajority
 * </pre>
 */
public final class DebiasMajority {
    private DebiasMajority() {
    }

    /**
     * What the example found.
     *
     * @param heads  the in-context heads the fix acts on
     * @param method every correction's accuracy and fluctuation with a_c = 0.03
     * @param strong the same with a_c = 3.0
     */
    public record Result(List<HeadId> heads, MajorityResult method, MajorityResult strong) {
        /** Both tables. */
        @Override
        public String toString() {
            return "In-context heads " + heads + "\n\n" + method + "\n" + strong;
        }
    }

    /** Runs the example. */
    public static Result run() {
        try (Model model = BuiltinModel.load(); SyntheticIclTask task = BuiltinModel.task()) {
            List<IclPrompt> find = SyntheticPrompts.prompts(IclPrompt.builder(model.tokenizer()), task, 120, 2, 1);
            List<HeadId> heads = InContextHeads.of(model).topHeads(1, 1, 1)
                    .scoreLayers(HeadOptions.ScoreLayers.ABLATION_LAYERS).find(find).heads();

            // 4 tasks, each a held-out class pair: 20 pool and 15 query sentences per class
            List<BiasTask> tasks = SyntheticPrompts.biasTasks(task, 0, 4, 20, 15, 42);

            BiasStudy study = BiasStudy.of(model).heads(heads).options(BiasOptions.defaults().withSeeds(0, 1, 2));
            MajorityResult method = study.majority(tasks);                                    // a_c = 0.03
            MajorityResult strong = study.options(study.options().withAc(3.0)).majority(tasks);
            return new Result(heads, method, strong);
        }
    }

    /** Prints the example's result. */
    public static void main(String[] args) {
        System.out.println(run());
    }
}
