package io.github.icl4j.bias;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.icl4j.Dataset;
import io.github.icl4j.Datasets;
import io.github.icl4j.Example;
import io.github.icl4j.HeadId;
import io.github.icl4j.Model;
import io.github.icl4j.bias.report.BiasCsv;
import io.github.icl4j.bias.report.BiasHtml;
import io.github.icl4j.testing.TestData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole study on real prompts — SST-2 sentences, the GPT-2 tokenizer — through a random rotary model with the
 * GPT-2 vocabulary: the protocol's bookkeeping, the identities it must satisfy, the renderings. (On a random model
 * the numbers themselves mean nothing; the trained model's study runs in icl-examples.)
 */
class BiasStudyTest {
    static final List<HeadId> HEADS = List.of(HeadId.of(1, 0), HeadId.of(2, 3));
    static Model model;
    static BiasTask test;
    static BiasTask validation;
    static BiasStudy study;
    static MajorityResult majority;
    static RecencyResult recency;

    @BeforeAll
    static void setUp() {
        TestData.requireData("datasets/sst2/stsa.binary.train");
        model = RandomModels.llamaWithGpt2Vocab(11);
        Dataset pool = shortSentences(Datasets.load("sst2", "train"));
        test = BiasTask.of(pool, shortSentences(Datasets.load("sst2", "test")), 8, 1);
        validation = BiasTask.of(pool, shortSentences(Datasets.load("sst2", "dev")), 8, 2);
        study = BiasStudy.of(model).heads(HEADS).options(BiasOptions.defaults().withSeeds(0, 1).withPermutations(1)
                .withDomainInputs(3).withBatchSize(16).withAc(0.5));
    }

    @AfterAll
    static void close() {
        if (model != null) {
            model.close();
        }
    }

    /** Sentences of at most 10 words, to keep the prompts (and the test) short. */
    static Dataset shortSentences(Dataset d) {
        return Dataset.of("sst2", d.classNames(),
                d.examples().stream().filter(e -> e.text().split(" ").length <= 10).toList());
    }

    static synchronized MajorityResult majority() {
        if (majority == null) {
            majority = study.majority(List.of(test));
        }
        return majority;
    }

    static synchronized RecencyResult recency() {
        if (recency == null) {
            recency = study.recency(List.of(test));
        }
        return recency;
    }

    @Test
    void majorityStudyMeasuresEveryCorrectionOnBalancedAndLessOneSets() {
        MajorityResult m = majority();
        assertThat(m.rows()).extracting(MajorityResult.Row::correction).containsExactly(Correction.values());
        // 2 seeds × 1 task × (balanced + 2 less-one sets) × 8 corrections
        assertThat(m.measurements()).hasSize(2 * 3 * 8);
        // the fix does nothing to balanced demonstrations
        for (Measurement fix : m.measurements()) {
            if (fix.condition().equals("balanced") && fix.correction().usesFix()) {
                Measurement plain = m.measurements().stream().filter(x -> x.seed() == fix.seed()
                        && x.condition().equals("balanced")
                        && x.correction() == Correction.values()[fix.correction().ordinal() - 4]).findFirst().orElseThrow();
                assertThat(fix.accuracy()).isEqualTo(plain.accuracy());
                assertThat(fix.macroF1()).isEqualTo(plain.macroF1());
            }
        }
        assertThat(m.row(Correction.FIX).balancedAccuracy().mean()).isEqualTo(
                m.row(Correction.NONE).balancedAccuracy().mean());
        for (MajorityResult.Row r : m.rows()) {
            assertThat(r.fluctuation().mean()).isBetween(0.0, 1.0);
            assertThat(r.fluctuation().n()).isEqualTo(2);
            assertThat(r.accuracy().mean()).isBetween(0.0, 1.0);
        }
        assertThat(m.row(Correction.NONE).fullVocabAccuracy().mean()).isBetween(0.0, 1.0);
        assertThat(m.row(Correction.CONTEXTUAL).fullVocabAccuracy().mean()).isNaN();
        assertThat(m.toString()).contains("fluctuation", "fix + batch calibration", "a_c 0.5");
    }

    @Test
    void withAcZeroTheFixRowEqualsNone() {
        MajorityResult zero = study.options(study.options().withAc(0).withSeeds(0).withDomainInputs(1))
                .majority(List.of(test));
        MajorityResult.Row none = zero.row(Correction.NONE);
        MajorityResult.Row fix = zero.row(Correction.FIX);
        assertThat(fix.fluctuation().mean()).isEqualTo(none.fluctuation().mean());
        assertThat(fix.accuracy().mean()).isEqualTo(none.accuracy().mean());
        assertThat(zero.row(Correction.FIX_BATCH).accuracy().mean()).isEqualTo(
                zero.row(Correction.BATCH).accuracy().mean());
    }

    @Test
    void recencyStudyMeasuresEveryOrder() {
        RecencyResult r = recency();
        assertThat(r.orders()).isEqualTo(3);
        // 2 seeds × 1 task × 3 orders × 8 corrections
        assertThat(r.measurements()).hasSize(2 * 3 * 8);
        assertThat(r.measurements()).extracting(Measurement::condition).contains("as sampled", "reversed");
        // calibration does not touch attention: it keeps the attention spread of the run it calibrates
        assertThat(r.row(Correction.CONTEXTUAL).attentionStd()).isEqualTo(r.row(Correction.NONE).attentionStd());
        assertThat(r.row(Correction.FIX_BATCH).attentionStd()).isEqualTo(r.row(Correction.FIX).attentionStd());
        assertThat(r.row(Correction.FIX).attentionStd().mean()).isNotEqualTo(r.row(Correction.NONE).attentionStd().mean());
        for (RecencyResult.Row row : r.rows()) {
            assertThat(row.accuracyStd().mean()).isBetween(0.0, 1.0);
            assertThat(row.attentionStd().mean()).isBetween(0.0, 1.0);
        }
        assertThat(r.toString()).contains("attention std", "3 orders");
    }

    /**
     * Each variant gets its own fix rows on the same prompts: the first variant's rows and the rows without the fix
     * are those of a study run with that variant alone, and a variant's rows are those of a study with it first.
     */
    @Test
    void recencyVariantsGetOneRowPerCorrectionWithTheFixEach() {
        BiasOptions one = study.options().withSeeds(0).withDomainInputs(1);
        BiasOptions three = one.withRecencyVariants(RecencyFixVariant.LAST_ROW, RecencyFixVariant.LABEL_KEYS,
                RecencyFixVariant.RELATIVE_TERM).withRelativeTermStrength(0.25);
        RecencyResult r = study.options(three).recency(List.of(test));
        RecencyResult alone = study.options(one).recency(List.of(test));
        RecencyResult keysAlone = study.options(one.withRecencyVariants(RecencyFixVariant.LABEL_KEYS))
                .recency(List.of(test));
        assertThat(r.rows()).hasSize(8 + 2 * 4);
        assertThat(r.variants()).containsExactly(RecencyFixVariant.LAST_ROW, RecencyFixVariant.LABEL_KEYS,
                RecencyFixVariant.RELATIVE_TERM);
        assertThat(r.rows().subList(0, 8)).isEqualTo(alone.rows());
        for (Correction c : Correction.values()) {
            if (c.usesFix()) {
                RecencyResult.Row k = r.row(c, RecencyFixVariant.LABEL_KEYS);
                RecencyResult.Row kAlone = keysAlone.row(c);
                assertThat(k.accuracy()).isEqualTo(kAlone.accuracy());
                assertThat(k.accuracyStd()).isEqualTo(kAlone.accuracyStd());
                assertThat(k.attentionStd()).isEqualTo(kAlone.attentionStd());
                assertThat(r.row(c, RecencyFixVariant.RELATIVE_TERM).variant()).isEqualTo(
                        RecencyFixVariant.RELATIVE_TERM);
            }
        }
        assertThat(r.rows().stream().map(r::label).toList()).contains("in-context-head fix",
                "in-context-head fix [label keys]", "fix + batch calibration [relative term]").doesNotHaveDuplicates();
        // 1 seed × 1 task × 3 orders × (8 + 2 × 4) rows
        assertThat(r.measurements()).hasSize(3 * 16);
        BiasComparison c = new BiasComparison(null, r, null);
        assertThat(BiasCsv.comparison(c)).contains("recency,fix,accuracy,", "recency,fix:label-keys,accuracy_std,",
                "recency,fix_batch:relative-term,attention_std,");
        assertThat(BiasCsv.comparison(c).lines()).hasSize(1 + 16 * 5);
        assertThat(BiasCsv.measurements(c)).contains(",fix_domain:label-keys,").doesNotContain(":last-row");
        assertThat(BiasHtml.fragment(c)).contains("fix + contextual calibration [label keys]",
                "at the last position; variants: label keys, relative term λ = 0.25");
        assertThat(r.toString()).contains("fix at the last position; variants: label keys, relative term λ = 0.25",
                "fix + domain-context calibration [relative term]");
        assertThat(alone.toString()).contains("fix at the last position, attention");
    }

    @Test
    void comparisonRendersAsCsvAndSelfContainedHtml(@TempDir Path dir) throws Exception {
        BiasComparison c = new BiasComparison(majority(), recency(), null);
        String csv = BiasCsv.comparison(c);
        assertThat(csv.lines()).hasSize(1 + 2 * 8 * 5);
        assertThat(csv.lines().findFirst().orElseThrow()).isEqualTo(
                "bias,correction,quantity,mean,lower,upper,level,interval,n,reduction,reduction_lower,reduction_upper");
        assertThat(csv).contains("majority,fix,fluctuation,", "recency,fix_contextual,attention_std,");
        assertThat(BiasCsv.measurements(c).lines()).hasSize(1 + 48 + 48);
        String html = BiasHtml.fragment(c);
        assertThat(html).startsWith("<section class=\"icl-bias\">").contains("<svg", "Majority-label bias",
                "Recency bias", "fix + contextual calibration");
        assertThat(html).doesNotContain("<script", "src=", "href=", "url(", "@import");
        BiasCsv.writeComparison(c, dir.resolve("out/bias.csv"));
        BiasHtml.write(c, dir.resolve("out/bias.html"));
        assertThat(Files.readString(dir.resolve("out/bias.csv"))).isEqualTo(csv);
        assertThat(Files.readString(dir.resolve("out/bias.html"))).isEqualTo(html);
        try (Stream<Path> files = Files.list(dir.resolve("out"))) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("bias.csv", "bias.html");
        }
        assertThat(c.toString()).contains("MajorityResult", "RecencyResult");
    }

    @Test
    void acIsTunedOnTheValidationSplitNeverTheTestQueries() {
        AcTuning t = study.options(study.options().withSeeds(0)).tuneAc(List.of(validation), 0, 0.5, 5);
        assertThat(t.grid()).containsExactly(0.0, 0.5, 5.0);
        assertThat(java.util.Arrays.stream(t.fluctuation()).boxed().toList()).allSatisfy(f -> assertThat(f).isBetween(0.0, 1.0));
        int best = java.util.Arrays.binarySearch(t.grid(), t.best());
        assertThat(t.fluctuation()[best]).isEqualTo(java.util.Arrays.stream(t.fluctuation()).min().orElseThrow());
        assertThat(t.on()).contains("sst2", "1 seeds");
        assertThatThrownBy(() -> study.run(List.of(test), List.of(test)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("split separate from the test queries")
                .hasMessageContaining("8 validation queries are also test queries");
    }

    @Test
    void badStudiesAreRefusedWithValueAndRange() {
        assertThatThrownBy(() -> BiasStudy.of(model).heads(List.of()))
                .hasMessageContaining("needs at least one in-context head; got none")
                .hasMessageContaining("range: 1 to 12 heads");
        assertThatThrownBy(() -> study.options(study.options().withPerClass(1)).majority(List.of(test)))
                .hasMessageContaining("perClass 1 (range [2, 64])");
        assertThatThrownBy(() -> study.majority(List.of())).hasMessageContaining("at least one task; got none");
        assertThatThrownBy(() -> study.tuneAc(List.of(validation), -1))
                .hasMessageContaining("a_c grid value -1.0 out of range [0, +inf)");
    }

    @Test
    void absolutePositionModelsGetNotApplicable() {
        try (Model gpt2 = RandomModels.parityModel("gpt2")) {
            Dataset pool = Dataset.of("toy", List.of("a", "b"), List.of(Example.of("x", 0), Example.of("y", 1)));
            BiasTask task = new BiasTask("toy", pool, List.of(Example.of("z", 0)));
            BiasStudy s = BiasStudy.of(gpt2).heads(List.of(HeadId.of(1, 0)));
            assertThatThrownBy(() -> s.recency(List.of(task))).hasMessageContaining("not applicable to gpt2");
            assertThatThrownBy(() -> s.compare(List.of(task))).hasMessageContaining("not applicable to gpt2");
            assertThatThrownBy(() -> s.run(List.of(task), List.of())).hasMessageContaining("not applicable to gpt2");
        }
    }
}
