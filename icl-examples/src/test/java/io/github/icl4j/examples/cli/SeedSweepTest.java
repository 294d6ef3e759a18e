package io.github.icl4j.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.icl4j.bias.BiasKind;
import io.github.icl4j.bias.Correction;
import io.github.icl4j.bias.Interval;
import io.github.icl4j.examples.builtin.BuiltinModel;
import io.github.icl4j.heads.HeadsJson;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code report --seeds}: the job run once per seed on the built-in model with small sizes, the summary's numbers
 * against the seeds' own headline files, a second call that reruns nothing, a call with other options that fails
 * naming the folder and the option.
 */
class SeedSweepTest {
    @TempDir
    static Path out;

    static final List<Long> SEEDS = List.of(42L, 43L);

    static JobOptions options;

    static SeedSweep.Result first;

    /** Each seed's headline as written into its folder. */
    static final List<Headline> written = new ArrayList<>();

    @BeforeAll
    static void sweep() throws Exception {
        assumeTrue(BuiltinModel.isAvailable(), "no built-in model in the jar; run TrainBuiltinModel");
        options = JobOptions.defaults().withPrompts(40).withBias(2, 2, 6).withPermutations(1).withOut(out);
        first = SeedSweep.run(options, SEEDS, Progress.silent());
        for (long s : SEEDS) {
            written.add(HeadsJson.read(Files.readString(SeedSweep.seedDir(out, s).resolve("headline.json")),
                    Headline.class));
        }
        System.out.println(first.summary());
        System.out.printf("sweep of %d seeds in %.1f s%n", SEEDS.size(), first.seconds());
    }

    @Test
    void eachSeedIsACompleteReportInItsOwnFolderAndTheSummaryFilesAreWritten() throws Exception {
        for (long s : SEEDS) {
            Path dir = out.resolve("seed-" + s);
            for (String f : List.of("report.html", "headline.json", "summary.md", "bias.csv", RunRecord.FILE)) {
                assertThat(dir.resolve(f)).as(dir + "/" + f).isNotEmptyFile();
            }
        }
        for (String f : SeedSummaryReport.FILES) {
            assertThat(out.resolve(f)).as(f).isNotEmptyFile();
            assertThat(first.files()).contains(out.resolve(f));
        }
        assertThat(first.summary().runs()).extracting(SeedSummary.SeedRun::resumed).containsOnly(false);
        // the page links each seed's report and fetches nothing
        String html = Files.readString(out.resolve("seeds.html"));
        assertThat(html).contains("href=\"seed-42/report.html\"", "href=\"seed-43/report.html\"",
                "<td>accuracy, clean model</td><td>2</td>").doesNotContain("http", "<script", "<link");
        assertThat(written.get(0)).as("seeds differ").isNotEqualTo(written.get(1));
    }

    @Test
    void summaryMeansAreTheMeansOfTheSeedsHeadlineValues() {
        SeedSummary s = first.summary();
        Map<String, ToDoubleFunction<Headline>> checks = new LinkedHashMap<>();
        checks.put("accuracy, clean model", Headline::baseline);
        checks.put("accuracy, in-context heads zeroed", Headline::ablated);
        checks.put("accuracy, as many random heads zeroed", Headline::controlMean);
        checks.put("swap test, after", Headline::swapAfter);
        checks.put("q·k vs sentence similarity, Pearson r within prompts", Headline::twoTowerR);
        checks.put("majority, none: fluctuation", h -> h.biasRow(BiasKind.MAJORITY, Correction.NONE).metric());
        checks.put("recency, in-context-head fix: accuracy", h -> h.biasRow(BiasKind.RECENCY, Correction.FIX)
                .accuracy());
        checks.put("a_c of the majority-label fix", Headline::ac);
        checks.put("accuracy, random heads zeroed minus in-context heads zeroed", h -> h.controlMean() - h.ablated());
        checks.put("where the heads read: share on the query", h -> h.reading().stream()
                .mapToDouble(io.github.icl4j.heads.ReadingAnalysis.HeadReading::query).average().orElseThrow());
        checks.forEach((name, f) -> {
            SeedSummary.Quantity q = s.quantity(name);
            double a = f.applyAsDouble(written.get(0));
            double b = f.applyAsDouble(written.get(1));
            assertThat(q.perSeed()).as(name).containsExactly(a, b);
            assertThat(q.interval().mean()).as(name).isCloseTo((a + b) / 2, within(1e-12));
            assertThat(q.interval().n()).as(name).isEqualTo(2);
        });
        // attention rows for no correction and the fixes; a calibration changes no attention
        assertThat(s.quantities()).extracting(SeedSummary.Quantity::name).contains(
                "recency, none: attention std across orders", "recency, in-context-head fix: attention std across "
                        + "orders", "recency, in-context-head fix: reduction of the attention std")
                .doesNotContain("recency, batch calibration: attention std across orders",
                        "majority, none: attention std across orders");
        // the CSV holds the same mean
        String csv = SeedSummaryReport.csv(s);
        assertThat(csv).startsWith("quantity,n,mean,lower,upper,level,seed_42,seed_43\n")
                .contains("\"accuracy, clean model\",2,");
        // every head selected in some seed is counted, as often as it was selected
        for (SeedSummary.HeadCount h : s.heads()) {
            long n = written.stream().filter(w -> w.fooHeads().contains(h.head()) || w.barHeads().contains(h.head()))
                    .count();
            assertThat(h.seeds()).as(h.toString()).isEqualTo((int) n).isPositive();
        }
        assertThat(s.heads()).extracting(SeedSummary.HeadCount::head).containsAll(written.get(0).fooHeads());
        assertThat(SeedSummaryReport.markdown(s)).contains("| accuracy, clean model | 2 |", "seed 42", "seed 43",
                "## In-context heads");
    }

    @Test
    void aSecondCallWithTheSameOptionsReadsEverySeedBackAndRerunsNothing() throws Exception {
        Map<Path, FileTime> before = times();
        SeedSweep.Result again = SeedSweep.run(options, SEEDS, Progress.silent());
        assertThat(again.summary().runs()).extracting(SeedSummary.SeedRun::resumed).containsOnly(true);
        assertThat(times()).as("no seed's files rewritten").isEqualTo(before);
        assertThat(again.summary().quantities()).isEqualTo(first.summary().quantities());
        assertThat(again.summary().heads()).isEqualTo(first.summary().heads());
        // the threads option does not decide the numbers: a resumed sweep may use another count
        assertThat(SeedSweep.run(options.withThreads(2), SEEDS, Progress.silent()).summary().runs())
                .extracting(SeedSummary.SeedRun::resumed).containsOnly(true);
    }

    @Test
    void aSeedFolderWithoutItsRunRecordCountsAsUnfinishedAndIsRunAgain(@TempDir Path other) throws Exception {
        // a run killed after its report files but before run.json, the folder's last file
        Path dir = SeedSweep.seedDir(other, 42);
        Files.createDirectories(dir);
        try (var files = Files.list(SeedSweep.seedDir(out, 42))) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                if (!f.getFileName().toString().equals(RunRecord.FILE)) {
                    Files.copy(f, dir.resolve(f.getFileName()));
                }
            }
        }
        FileTime copied = Files.getLastModifiedTime(dir.resolve("report.html"));
        Thread.sleep(20);
        SeedSweep.Result r = SeedSweep.run(options.withOut(other), List.of(42L), Progress.silent());
        assertThat(r.summary().runs().get(0).resumed()).isFalse();
        assertThat(Files.getLastModifiedTime(dir.resolve("report.html"))).isNotEqualTo(copied);
        assertThat(dir.resolve(RunRecord.FILE)).isNotEmptyFile();
        // the same seed and options give the same numbers
        assertThat(r.summary().quantity("accuracy, in-context heads zeroed").perSeed().get(0))
                .isEqualTo(written.get(0).ablated());
        assertThat(r.summary().settings()).contains("seeds 42;");
        assertThat(first.summary().settings()).contains("seeds 42, 43;");
    }

    @Test
    void aCallWithOtherOptionsFailsNamingTheFolderAndTheOptionAndTouchesNothing() throws Exception {
        Map<Path, FileTime> before = times();
        assertThatThrownBy(() -> SeedSweep.run(options.withPrompts(30), SEEDS, Progress.silent()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(out.resolve("seed-42").toString())
                .hasMessageContaining("prompts was 40, now 30");
        assertThatThrownBy(() -> SeedSweep.run(options.withHeads(h -> h.withControlDraws(3)), List.of(43L),
                Progress.silent()))
                .hasMessageContaining(out.resolve("seed-43").toString())
                .hasMessageContaining("heads.controlDraws was 5, now 3");
        assertThat(times()).isEqualTo(before);
    }

    @Test
    void badSeedListsAreRefused() {
        assertThatThrownBy(() -> SeedSweep.run(options, List.of(), Progress.silent()))
                .hasMessageContaining("--seeds is empty");
        assertThatThrownBy(() -> SeedSweep.run(options, List.of(42L, 7L, 42L), Progress.silent()))
                .hasMessageContaining("seed 42 is given twice");
        IclMainTest.Run r = IclMainTest.run("report", "--seed", "1", "--seeds", "2,3", "--out", out.toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("--seed 1 and --seeds 2,3 both given");
    }

    @Test
    void theCommandLineRunsEachSeedOnceAndReadsThemBackOnTheSecondCall(@TempDir Path dir) {
        String[] args = {"report", "--seeds", "5,6", "--prompts", "12", "--bias-seeds", "1", "--bias-tasks", "1",
            "--bias-queries", "3", "--permutations", "1", "--control-draws", "1", "--progress", "plain", "--out",
            dir.toString()};
        IclMainTest.Run r = IclMainTest.run(args);
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.err()).contains("seed 5 (1 of 2) into", "seed 6 (2 of 2) into", "[14/14] writing the report");
        assertThat(r.out()).contains("# icl4j report over 2 seeds", "| accuracy, clean model | 2 |",
                "(2 seeds, 2 run, 0 read back");
        IclMainTest.Run again = IclMainTest.run(args);
        assertThat(again.code()).as(again.err()).isZero();
        assertThat(again.err()).contains("seed 5 (1 of 2): read back from").doesNotContain("writing the report");
        assertThat(again.out()).contains("(2 seeds, 0 run, 2 read back");
        args[4] = "16";
        IclMainTest.Run other = IclMainTest.run(args);
        assertThat(other.code()).isEqualTo(1);
        assertThat(other.err()).contains("icl4j: error: " + dir.resolve("seed-5") + " holds a report made with other "
                + "options (prompts was 12, now 16)");
    }

    /** Modification times of every file of every seed folder. */
    static Map<Path, FileTime> times() throws Exception {
        Map<Path, FileTime> t = new LinkedHashMap<>();
        for (long s : SEEDS) {
            try (var files = Files.list(SeedSweep.seedDir(out, s))) {
                for (Path f : files.sorted().toList()) {
                    t.put(f, Files.getLastModifiedTime(f));
                }
            }
        }
        return t;
    }

    @Test
    void studentTIntervalOfKnownValues() {
        // mean 0.6, sd 0.1, t(0.975, 2) = 4.302653: half width 4.302653 · 0.1 / √3 = 0.248414
        Interval i = SeedSummary.interval(new double[] {0.5, 0.6, 0.7}, 0, 1);
        assertThat(i.mean()).isCloseTo(0.6, within(1e-12));
        assertThat(i.lower()).isCloseTo(0.351586, within(1e-6));
        assertThat(i.upper()).isCloseTo(0.848414, within(1e-6));
        assertThat(i.n()).isEqualTo(3);
        // a NaN (a seed without the quantity) is left out; the t interval of two values, 0.6 ± 12.706 · 0.1414 /
        // √2, runs past [0, 1] and is clipped there
        Interval two = SeedSummary.interval(new double[] {0.5, Double.NaN, 0.7}, 0, 1);
        assertThat(two.mean()).isCloseTo(0.6, within(1e-12));
        assertThat(two.n()).isEqualTo(2);
        assertThat(two.lower()).isEqualTo(0.0);
        assertThat(two.upper()).isEqualTo(1.0);
        Interval unclipped = SeedSummary.interval(new double[] {0.5, Double.NaN, 0.7}, Double.NEGATIVE_INFINITY,
                Double.POSITIVE_INFINITY);
        assertThat(unclipped.upper() - 0.6).isCloseTo(12.706205 * 0.1, within(1e-5));
        // one value: a mean without bounds; none: NaN
        assertThat(SeedSummary.interval(new double[] {0.4, Double.NaN}, 0, 1).hasBounds()).isFalse();
        assertThat(SeedSummary.interval(new double[] {Double.NaN}, 0, 1).mean()).isNaN();
    }

    @Test
    void runRecordsCompareOptionByOption() {
        Map<String, String> o = RunRecord.optionsOf(JobOptions.defaults().withPrompts(40));
        assertThat(o).containsEntry("prompts", "40").containsKey("heads.controlDraws").containsKey("bias.permutations")
                .doesNotContainKeys("out", "seed", "threads");
        RunRecord r = new RunRecord(42, o, "settings", 1.0);
        assertThat(r.differences(42, o)).isEmpty();
        assertThat(r.differences(43, RunRecord.optionsOf(JobOptions.defaults().withPrompts(60).withShots(3))))
                .containsExactlyInAnyOrder("seed was 42, now 43", "prompts was 40, now 60", "shots was 2, now 3");
        // an option the record lacks (added later) counts as equal at its default value only
        Map<String, String> older = new LinkedHashMap<>(o);
        older.remove("shots");
        RunRecord old = new RunRecord(42, older, "settings", 1.0);
        assertThat(old.differences(42, o)).isEmpty();
        assertThat(old.differences(42, RunRecord.optionsOf(JobOptions.defaults().withPrompts(40).withShots(4))))
                .containsExactly("shots was not recorded, now 4");
    }
}
