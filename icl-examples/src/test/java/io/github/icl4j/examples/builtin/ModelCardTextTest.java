package io.github.icl4j.examples.builtin;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.icl4j.train.SyntheticIclTask.Evaluation;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The model card's behaviour tables: one row per condition, numbers as the card prints them. */
class ModelCardTextTest {

    @Test
    void behaviourTablesHaveOneRowPerCondition() {
        Evaluation e = new Evaluation(40, 0.875, 0.85, 0.5, 1.25);
        Evaluation half = new Evaluation(20, 0.9, 0.85, 0.5, 1.0);
        BuiltinModelCard.Condition c = new BuiltinModelCard.Condition("2", e, half, half);
        BuiltinModelCard.Behaviour b = new BuiltinModelCard.Behaviour(List.of(c, c, c), 0.95, e, e,
                List.of(c, c), List.of(c));
        String md = ModelCardText.behaviour(b);
        assertThat(md).startsWith("### Accuracy against shots (held-out pairs, balanced, random order)\n\n")
                .contains("| 2 | 40 | 0.875 | 0.850 |\n", "| 40 | 0.875 | 0.875 | 0.950 |\n",
                        "| 2 | 40 | 0.875 | 0.500 | 0.900 | 0.900 | +1.25 |\n", "### Recency bias");
        assertThat(md.lines().filter(l -> l.startsWith("| 2 | 40 | 0.875 | 0.500 |"))).hasSize(3);
    }
}
