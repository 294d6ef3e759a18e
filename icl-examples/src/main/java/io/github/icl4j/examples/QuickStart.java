package io.github.icl4j.examples;

import io.github.icl4j.examples.builtin.BuiltinModel;
import io.github.icl4j.Demonstrations;
import io.github.icl4j.Example;
import io.github.icl4j.IclPrompt;
import io.github.icl4j.LabelProbabilities;
import io.github.icl4j.Model;
import io.github.icl4j.Probe;
import io.github.icl4j.train.SyntheticIclTask;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * Example: load the built-in model, build a few-shot prompt and read the prediction.
 *
 * <p>The built-in model learned one thing: read which class of made-up words is called " foo" and which " bar"
 * from the demonstrations, then label the query. The two classes here were never seen together in training.
 *
 * <pre>
 * mvn -q -pl icl-examples exec:java -Dexec.mainClass=io.github.icl4j.examples.QuickStart
 * </pre>
 */
public final class QuickStart {
    private QuickStart() {
    }

    /**
     * What the example found.
     *
     * @param prompt    the prompt, as the model reads it
     * @param tokens    the prompt's tokens with the label positions marked
     * @param goldLabel the query's label word
     * @param predicted the label word the model prefers
     * @param pFoo      probability of " foo", renormalised over the two label words
     * @param pBar      probability of " bar"
     */
    public record Result(String prompt, String tokens, String goldLabel, String predicted, double pFoo, double pBar) {
        /** The prompt, its tokens and the prediction. */
        @Override
        public String toString() {
            return prompt + "\n\n" + tokens + String.format(Locale.ROOT,
                    "%nGold label: %s · predicted: %s · p(foo) = %.3f, p(bar) = %.3f", goldLabel, predicted, pFoo, pBar);
        }
    }

    /** Runs the example. */
    public static Result run() {
        try (Model model = BuiltinModel.load(); SyntheticIclTask task = BuiltinModel.task()) {
            // two classes of made-up words the model never saw together in training
            int[] pair = task.pairs(SyntheticIclTask.Split.HELD_OUT).get(0);
            Random rng = new Random(7);
            Demonstrations demos = Demonstrations.of(2, List.of(
                    Example.of(task.sentence(pair[0], rng), 0),     // label 0 is written " foo"
                    Example.of(task.sentence(pair[1], rng), 1),     // label 1 is written " bar"
                    Example.of(task.sentence(pair[1], rng), 1),
                    Example.of(task.sentence(pair[0], rng), 0)));
            Example query = Example.of(task.sentence(pair[1], rng), 1);

            IclPrompt prompt = IclPrompt.builder(model.tokenizer()).build(demos, query);
            LabelProbabilities.Row p = Probe.on(model).prompt(prompt).labelProbabilities().row(0);

            List<String> words = prompt.labelWords();
            return new Result(prompt.text(), prompt.describe(model.tokenizer()), words.get(query.label()).strip(),
                    words.get(p.predicted()).strip(), p.prob(0), p.prob(1));
        }
    }

    /** Prints the example's result. */
    public static void main(String[] args) {
        System.out.println(run());
    }
}
