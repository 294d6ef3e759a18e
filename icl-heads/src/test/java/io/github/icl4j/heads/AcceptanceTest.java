package io.github.icl4j.heads;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.icl4j.IclPrompt;
import io.github.icl4j.Model;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The acceptance check: a random model must fail it (so a pass means something). The check on the trained
 * built-in model runs when icl-examples' {@code BuiltinModel} is on the class path (icl-heads does not depend on
 * icl-examples: the lead calls {@link InContextHeadsAcceptance#check} from icl-examples' tests).
 */
class AcceptanceTest {

    @Test
    void aRandomModelFailsWithReasons() {
        try (Model model = Fixtures.parityModel("llama")) {
            List<IclPrompt> ps = Fixtures.toys(4, 3, 3, 31);
            InContextHeadsAcceptance.Result r = InContextHeadsAcceptance.check(model, ps, ps);
            assertThat(r.passed()).isFalse();
            assertThat(r.failures()).isNotEmpty();
            assertThatThrownBy(r::assertPassed).isInstanceOf(AssertionError.class)
                    .hasMessageContaining("acceptance failed").hasMessageContaining("Intervention on");
            assertThat(r.toString()).contains("FAILED");
        }
    }

    @Test
    void builtinModelWhenOnTheClassPath() throws Exception {
        Class<?> builtin;
        try {
            builtin = Class.forName("io.github.icl4j.examples.BuiltinModel");
        } catch (ClassNotFoundException e) {
            builtin = null;
        }
        assumeTrue(builtin != null && (Boolean) builtin.getMethod("isAvailable").invoke(null),
                "the trained built-in model (icl-examples BuiltinModel) is not on this module's class path; "
                        + "icl-examples' tests run InContextHeadsAcceptance.check on it");
        // reached only on a class path that holds icl-examples: the lead's test there builds the prompts
        // from SyntheticIclTask and calls InContextHeadsAcceptance.check(model, find, test).assertPassed()
    }
}
