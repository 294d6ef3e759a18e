package io.github.icl4j.bias.report;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.icl4j.HeadId;
import io.github.icl4j.bias.BiasComparison;
import io.github.icl4j.bias.BiasOptions;
import io.github.icl4j.bias.Correction;
import io.github.icl4j.bias.Interval;
import io.github.icl4j.bias.RecencyResult;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The HTML fragment of a comparison: a smaller bias bought by falling to chance is not a gain. */
class BiasHtmlTest {

    @Test
    void aReductionAtChanceIsNotColouredAsAGain() {
        Interval none = Interval.of(new double[] {0.95, 0.96, 0.94}, Interval.Kind.T, 0.95, 0, 0);
        Interval chance = Interval.of(new double[] {0.5, 0.5, 0.5}, Interval.Kind.T, 0.95, 0, 0);
        Interval better = Interval.of(new double[] {0.97, 0.97, 0.96}, Interval.Kind.T, 0.95, 0, 0);
        Interval std = Interval.of(new double[] {0.05, 0.06, 0.04}, Interval.Kind.T, 0.95, 0, 0);
        Interval zero = Interval.of(new double[] {0, 0, 0}, Interval.Kind.T, 0.95, 0, 0);
        Interval full = new Interval(1.0, 1.0, 1.0, 0.95, Interval.Kind.PAIRED_BOOTSTRAP, null);
        Interval half = new Interval(0.5, 0.4, 0.6, 0.95, Interval.Kind.PAIRED_BOOTSTRAP, null);
        List<RecencyResult.Row> rows = List.of(
                new RecencyResult.Row(Correction.NONE, none, none, none, std, null, std, null),
                new RecencyResult.Row(Correction.BATCH, better, better, better, std, half, std, half),
                new RecencyResult.Row(Correction.FIX, chance, chance, chance, zero, full, zero, full));
        RecencyResult r = new RecencyResult("m", List.of(HeadId.of(1, 0)), List.of("t"), BiasOptions.defaults(), 3,
                rows, List.of());
        String html = BiasHtml.fragment(new BiasComparison(null, r, null));
        assertThat(html).contains("<td class=\"good\">50.0%");
        assertThat(html).doesNotContain("<td class=\"good\">100.0%");
        assertThat(html).contains("<td class=\"\">100.0%").contains("accuracy fell: no gain");
    }
}
