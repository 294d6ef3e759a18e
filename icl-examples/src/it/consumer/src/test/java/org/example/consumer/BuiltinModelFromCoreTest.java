package org.example.consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.icl4j.Demonstrations;
import io.github.icl4j.Example;
import io.github.icl4j.IclPrompt;
import io.github.icl4j.LabelProbabilities;
import io.github.icl4j.Model;
import io.github.icl4j.Probe;
import io.github.icl4j.train.SyntheticIclTask;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** A user's project: icl-core from the repository, the built-in model, one prompt. */
class BuiltinModelFromCoreTest {

    @Test
    void loadsTheBuiltinModelAndPredictsALabel() {
        try (Model model = Model.builtin(); SyntheticIclTask task = SyntheticIclTask.builtin()) {
            int[] pair = task.pairs(SyntheticIclTask.Split.HELD_OUT).get(0);
            Random rng = new Random(7);
            Demonstrations demos = Demonstrations.of(2, List.of(
                    Example.of(task.sentence(pair[0], rng), 0),
                    Example.of(task.sentence(pair[1], rng), 1),
                    Example.of(task.sentence(pair[1], rng), 1),
                    Example.of(task.sentence(pair[0], rng), 0)));
            Example query = Example.of(task.sentence(pair[1], rng), 1);
            IclPrompt prompt = IclPrompt.builder(model.tokenizer()).build(demos, query);
            LabelProbabilities.Row p = Probe.on(model).prompt(prompt).labelProbabilities().row(0);
            System.out.println(prompt.text() + "\npredicted " + prompt.labelWords().get(p.predicted())
                    + ", p = " + p.prob(0) + " / " + p.prob(1));
            assertEquals(1, p.predicted(), "the built-in model labels this held-out query bar");
            assertEquals(1.0, p.prob(0) + p.prob(1), 1e-6);
            assertEquals("built-in model (icl-core)", model.source());
        }
    }

    @Test
    void icl4jCoreBringsNoApplicationDependencies() {
        // depending on icl-core must not drag in the examples' command line, progress bars or logging backend
        for (String cls : List.of("picocli.CommandLine", "me.tongfei.progressbar.ProgressBar",
                "org.slf4j.simple.SimpleLogger")) {
            assertThrows(ClassNotFoundException.class, () -> Class.forName(cls), cls);
        }
        assertTrue(Model.builtinAvailable());
    }
}
