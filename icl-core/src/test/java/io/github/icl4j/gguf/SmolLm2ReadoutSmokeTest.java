package io.github.icl4j.gguf;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.icl4j.Datasets;
import io.github.icl4j.Demonstrations;
import io.github.icl4j.Example;
import io.github.icl4j.IclPrompt;
import io.github.icl4j.LabelProbabilities;
import io.github.icl4j.LabelWords;
import io.github.icl4j.Model;
import io.github.icl4j.Probe;
import io.github.icl4j.ReadoutMetric;
import io.github.icl4j.runtime.Natives;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * CI smoke of the readouts that see past label bias ({@link ReadoutMetric}) on the real SmolLM2-135M-Instruct
 * (skipped when the GGUF is absent): with the natural labels " negative"/" positive" at k = 4 per label on SST-2 the
 * model answers one label word for nearly every query, so argmax accuracy sits near chance, while the batch-calibrated
 * readout splits its predictions between the labels and the label logit difference ranks the queries well above
 * chance. One demonstration set shared by 32 class-balanced test sentences (a few seconds of forward passes).
 */
class SmolLm2ReadoutSmokeTest {
    private static final Logger LOG = LoggerFactory.getLogger(SmolLm2ReadoutSmokeTest.class);

    @BeforeAll
    static void natives() {
        Natives.init();
    }

    @Test
    void calibratedReadoutSeesPastTheLabelPrior() {
        try (Model model = Model.load(SmolLm2GgufTest.smolLm2())) {
            List<Example> queries = Datasets.load("sst2", "test").balanced(16, 1000).examples();
            Demonstrations demos = Demonstrations.sampleExcluding(Datasets.load("sst2", "train"), new int[] {4, 4}, 7,
                    queries).permuted(31);
            List<IclPrompt> prompts = IclPrompt.builder(model.tokenizer())
                    .labelWords(LabelWords.of(" negative", " positive")).buildAll(demos, queries);
            LabelProbabilities lp = Probe.on(model).prompts(prompts).batchSize(8).labelProbabilities();
            double[][] s = lp.rows().stream().map(LabelProbabilities.Row::logProbs).toArray(double[][]::new);
            int[] argmax = ReadoutMetric.ARGMAX.predictions(s);
            int[] calibrated = ReadoutMetric.CALIBRATED.predictions(s);
            double argmaxAcc = lp.readout(ReadoutMetric.ARGMAX);
            double calAcc = lp.readout(ReadoutMetric.CALIBRATED);
            double auroc = lp.readout(ReadoutMetric.AUROC);
            LOG.info("SmolLM2 sst2 negative/positive k=4, 32 queries: argmax {} (class-1 answers {}), calibrated {} "
                    + "(class-1 answers {}), AUROC {}", argmaxAcc, Arrays.stream(argmax).sum(), calAcc,
                    Arrays.stream(calibrated).sum(), auroc);
            int n = prompts.size();
            int argmaxMajority = Math.max(Arrays.stream(argmax).sum(), n - Arrays.stream(argmax).sum());
            int calOnes = Arrays.stream(calibrated).sum();
            assertThat(argmaxMajority).as("argmax answers one label for nearly all queries").isGreaterThanOrEqualTo(
                    n * 7 / 8);
            assertThat(calOnes).as("calibrated predictions are balanced").isBetween(n / 4, n * 3 / 4);
            assertThat(auroc).as("the label logit difference ranks the queries").isGreaterThan(0.7);
            assertThat(calAcc).as("calibrated accuracy beats argmax").isGreaterThan(argmaxAcc + 0.1);
            assertThat(lp.report().calibratedAccuracy()).isEqualTo(calAcc);
        }
    }
}
