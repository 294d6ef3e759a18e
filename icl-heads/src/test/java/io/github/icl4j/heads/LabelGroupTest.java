package io.github.icl4j.heads;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.icl4j.HeadId;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The label groups and how results write them: "foo", "foo heads", "foo positions", or "" for no group. */
class LabelGroupTest {

    @Test
    void namesAndLabels() {
        assertThat(LabelGroup.ofLabel(0)).isEqualTo(LabelGroup.FOO);
        assertThat(LabelGroup.ofLabel(1)).isEqualTo(LabelGroup.BAR);
        assertThat(LabelGroup.BAR.label()).isEqualTo(1);
        assertThat(LabelGroup.FOO.key()).isEqualTo("foo");
        assertThat(LabelGroup.BAR.heads()).isEqualTo("bar heads");
        assertThat(LabelGroup.FOO.positions()).isEqualTo("foo positions");
        assertThat(LabelGroup.BAR).hasToString("bar");
        assertThatThrownBy(() -> LabelGroup.ofLabel(2)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("label 2 out of range [0, 1]");
        assertThatThrownBy(() -> LabelGroup.ofLabel(-1)).hasMessageContaining("-1");
    }

    @Test
    void jsonWritesTheNamesResultsWroteAsStringsAndReadsThemBack() {
        ValueOutputAnalysis.GroupMean g = new ValueOutputAnalysis.GroupMean(LabelGroup.BAR, LabelGroup.FOO, 3, 0.5);
        String json = HeadsJson.write(g);
        assertThat(json).contains("\"heads\" : \"bar heads\"", "\"positions\" : \"foo positions\"");
        assertThat(HeadsJson.read(json, ValueOutputAnalysis.GroupMean.class)).isEqualTo(g);
        assertThat(g).hasToString("bar heads at foo positions: M +0.500 (n=3)");

        ReadingAnalysis.HeadReading r = new ReadingAnalysis.HeadReading(HeadId.of(1, 2), LabelGroup.FOO, 0.1, 0.05,
                0.2, 0.3, 0.1, 0.1, 0.2);
        String rj = HeadsJson.write(r);
        assertThat(rj).contains("\"group\" : \"foo\"");
        assertThat(HeadsJson.read(rj, ReadingAnalysis.HeadReading.class)).isEqualTo(r);

        TwoTowersAnalysis.Correlation c = new TwoTowersAnalysis.Correlation(4, 0.1, 0.2, 2, 0.3, 0.4);
        TwoTowersAnalysis.Swap s = new TwoTowersAnalysis.Swap(2, 0.1, 0.2, 0.1, 0.5, 1.0);
        for (LabelGroup group : new LabelGroup[] {null, LabelGroup.BAR}) {
            TwoTowersAnalysis.HeadTowers t = new TwoTowersAnalysis.HeadTowers(HeadId.of(0, 1), group, 1, 0.5, 0.5, c,
                    c, c, c, s);
            String tj = HeadsJson.write(t);
            assertThat(tj).contains(group == null ? "\"group\" : \"\"" : "\"group\" : \"bar\"");
            assertThat(HeadsJson.read(tj, TwoTowersAnalysis.HeadTowers.class)).isEqualTo(t);
        }

        InterventionResult.Accuracy a = new InterventionResult.Accuracy(2, 0.5, 0.5);
        InterventionResult.LabelSpecific l = new InterventionResult.LabelSpecific(LabelGroup.FOO,
                List.of(HeadId.of(1, 0)), 1, a, a);
        String lj = HeadsJson.write(l);
        assertThat(lj).contains("\"group\" : \"foo heads\"");
        assertThat(HeadsJson.read(lj, InterventionResult.LabelSpecific.class)).isEqualTo(l);
        assertThatThrownBy(() -> HeadsJson.read(lj.replace("foo heads", "foo"), InterventionResult.LabelSpecific.class))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("foo");
    }
}
