package io.github.icl4j.heads;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.icl4j.IclPrompt;
import io.github.icl4j.Model;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The acceptance check: a random model must fail it (so a pass means something). The trained built-in model lives
 * in icl-examples, which icl-heads does not depend on: its test there ({@code BuiltinModelAcceptanceTest}) runs
 * the check and must pass.
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
            // the same analyses judged again: the same verdict, or a pass with every criterion switched off
            assertThat(r.against(InContextHeadsAcceptance.Criteria.defaults()).failures()).isEqualTo(r.failures());
            InContextHeadsAcceptance.Criteria none = new InContextHeadsAcceptance.Criteria(0, 1, 1, 1, false,
                    Double.NEGATIVE_INFINITY, Double.NEGATIVE_INFINITY);
            InContextHeadsAcceptance.Result lenient = r.against(none);
            assertThat(lenient.passed()).as(lenient.failures().toString()).isTrue();
            assertThat(lenient.intervention()).isSameAs(r.intervention());
        }
    }
}
