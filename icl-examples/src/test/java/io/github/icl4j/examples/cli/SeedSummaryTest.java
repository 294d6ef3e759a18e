package io.github.icl4j.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.icl4j.HeadId;
import io.github.icl4j.ReadoutMetric;
import io.github.icl4j.bias.BiasKind;
import io.github.icl4j.bias.Correction;
import io.github.icl4j.bias.RecencyFixVariant;
import io.github.icl4j.heads.HeadsJson;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link SeedSummary} over hand-made headlines: the bias rows of a further recency fix variant are summarised as
 * fix rows (with their attention spread), and a bias row's correction and variant survive headline JSON.
 */
class SeedSummaryTest {
    private static final RecencyFixVariant KEYS = RecencyFixVariant.LABEL_KEYS;

    /** Recency rows as a study with the variants last-row (plain names) and label-keys gives them. */
    private static Headline headline(double v) {
        List<Headline.BiasRow> rows = List.of(
                new Headline.BiasRow(BiasKind.RECENCY, Correction.NONE, null, 0.9, 0.05 + v, Double.NaN, 0.12 + v,
                        Double.NaN),
                new Headline.BiasRow(BiasKind.RECENCY, Correction.BATCH, null, 0.95, 0.03 + v, 0.4, 0.12 + v, 0),
                new Headline.BiasRow(BiasKind.RECENCY, Correction.FIX, null, 0.5, 0, 1, 0, 1),
                new Headline.BiasRow(BiasKind.RECENCY, Correction.FIX_BATCH, null, 0.6, 0.01, 0.8, 0, 1),
                new Headline.BiasRow(BiasKind.RECENCY, Correction.FIX, KEYS, 0.93, 0.04 + v, 0.2, 0.07 + v, 0.4 + v),
                new Headline.BiasRow(BiasKind.RECENCY, Correction.FIX_BATCH, KEYS, 0.96, 0.02, 0.6, 0.08 + v, 0.3));
        return new Headline(1, 4, List.of(HeadId.parse("L1H0")), List.of(), 10, 0.9, 0.5, 0.85, 0.01, 2, 6,
                List.of(), List.of(), 0.3, 0.2, 0.8, 0.4, rows, Double.NaN, false, null, List.of(),
                ReadoutMetric.ARGMAX, 0.9, 0.5, 0.85, 0.01, 0.9, v, 0.8);
    }

    private static SeedSummary summary(List<Headline> hs) {
        List<SeedSummary.SeedRun> runs = List.of(
                new SeedSummary.SeedRun(42, "seed-42", false, 1, hs.get(0).fooHeads(), List.of()),
                new SeedSummary.SeedRun(43, "seed-43", false, 1, hs.get(1).fooHeads(), List.of()));
        return SeedSummary.of(runs, hs, "settings");
    }

    @Test
    void aFurtherVariantsFixRowsAreSummarisedAsFixRows() {
        List<Headline> hs = List.of(headline(0), headline(0.01));
        SeedSummary s = summary(hs);
        for (Correction c : List.of(Correction.FIX, Correction.FIX_BATCH)) {
            String name = "recency, " + c.label() + " [label keys]";
            SeedSummary.Quantity std = s.quantity(name + ": attention std across orders");
            SeedSummary.Quantity red = s.quantity(name + ": reduction of the attention std");
            for (int i = 0; i < 2; i++) {
                Headline.BiasRow row = hs.get(i).bias().stream()
                        .filter(b -> b.correction() == c && b.variant() == KEYS).findFirst().orElseThrow();
                assertThat(std.perSeed().get(i)).as(name).isEqualTo(row.attentionStd());
                assertThat(red.perSeed().get(i)).as(name).isEqualTo(row.attentionReduction());
            }
            // the variant's rows are its own, not the plain-named rows of the first variant
            assertThat(s.quantity(name + ": accuracy").perSeed()).containsExactly(
                    c == Correction.FIX ? 0.93 : 0.96, c == Correction.FIX ? 0.93 : 0.96);
        }
        assertThat(s.quantity("recency, in-context-head fix: accuracy").perSeed()).containsExactly(0.5, 0.5);
        // a calibration changes no attention: no attention rows of its own
        assertThat(s.quantities()).extracting(SeedSummary.Quantity::name)
                .contains("recency, in-context-head fix: attention std across orders",
                        "recency, none: attention std across orders")
                .doesNotContain("recency, batch calibration: attention std across orders");
    }

    @Test
    void fullVocabularyAccuracyIsSummarisedAndAnOlderHeadlineWithoutItReadsAsNotRecorded() {
        List<Headline> hs = List.of(headline(0), headline(0.02));
        SeedSummary s = summary(hs);
        assertThat(s.quantity("full-vocabulary accuracy, in-context heads zeroed").perSeed()).containsExactly(0.0, 0.02);
        assertThat(s.quantity("full-vocabulary accuracy, random heads zeroed minus in-context heads zeroed").perSeed())
                .containsExactly(0.8, 0.8 - 0.02);
        assertThat(HeadlineText.table(hs.get(0))).contains("| 0.900 / 0.000 / 0.800 |");
        // a headline.json written before these numbers existed: NaN ("not recorded"), never 0
        String old = HeadsJson.write(hs.get(0)).replaceAll("(?m)^\\s*\"(baselineFullVocab|ablatedFullVocab|"
                + "controlFullVocabMean)\" : [^\\n]*\\n", "");
        assertThat(old).doesNotContain("FullVocab");
        Headline read = HeadsJson.read(old.replaceAll(",(\\s*})\\s*$", "$1"), Headline.class);
        assertThat(read.baselineFullVocab()).isNaN();
        assertThat(read.ablatedFullVocab()).isNaN();
        assertThat(read.controlFullVocabMean()).isNaN();
        assertThat(HeadlineText.table(read)).doesNotContain("full-vocabulary");
        assertThat(summary(List.of(read, read)).quantities()).extracting(SeedSummary.Quantity::name)
                .noneMatch(n -> n.startsWith("full-vocabulary"));
    }

    @Test
    void aBiasRowsCorrectionAndVariantSurviveHeadlineJson() {
        Headline h = headline(0);
        String json = HeadsJson.write(h);
        // a variant row names it after the correction; other rows hold no variant key at all
        assertThat(json).containsPattern("\"correction\" : \"fix \\+ batch calibration\",\\s+\"variant\" : "
                + "\"label-keys\"").containsPattern("\"correction\" : \"none\",\\s+\"accuracy\"");
        assertThat(json.split("\"variant\"", -1)).hasSize(3);
        assertThat(HeadsJson.read(json, Headline.class)).isEqualTo(h);
        assertThat(h.bias().get(5).label()).isEqualTo("fix + batch calibration [label keys]");
        assertThat(h.biasRow(BiasKind.RECENCY, Correction.FIX_BATCH).variant()).isNull();
        assertThatThrownBy(() -> HeadsJson.read(json.replace("\"none\"", "\"nothing\""), Headline.class))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("correction 'nothing' unknown");
        assertThatThrownBy(() -> HeadsJson.read(json.replace("\"label-keys\"", "\"keys\""), Headline.class))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'keys' unknown");
    }
}
