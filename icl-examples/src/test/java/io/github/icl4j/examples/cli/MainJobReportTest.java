package io.github.icl4j.examples.cli;

import io.github.icl4j.bias.report.BiasCsv;
import io.github.icl4j.examples.builtin.BuiltinModel;
import io.github.icl4j.examples.builtin.TrainBuiltinModel;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.icl4j.bias.Correction;
import io.github.icl4j.bias.MajorityResult;
import io.github.icl4j.bias.RecencyResult;
import io.github.icl4j.heads.InterventionResult;
import io.github.icl4j.heads.report.HeadsText;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The main job end to end on the built-in model with small sizes: heads found, removing them hurts far more than
 * removing random heads, every correction has its row, every file is written and the page opens offline (and, when
 * Chromium is installed, draws its heatmaps, head list and bias section).
 */
class MainJobReportTest {
    @TempDir
    static Path out;

    static MainJob.Report report;

    @BeforeAll
    static void run() {
        assumeTrue(BuiltinModel.isAvailable(), "no built-in model in the jar; run TrainBuiltinModel");
        JobOptions o = JobOptions.defaults().withPrompts(100).withBias(3, 3, 10).withPermutations(2).withOut(out);
        report = MainJob.report(o);
        System.out.println(report.headline());
        HeadlineText.notes(report.headline()).forEach(n -> System.out.println("- " + n));
        System.out.printf("report in %.1f s%n", report.seconds());
    }

    @Test
    void notesClaimNoDirectionWhereAGroupWritesOrReadsNothingAtTheLabels() {
        List<String> notes = HeadlineText.notes(report.headline());
        for (String n : notes) {
            if (!n.contains("next to nothing") && !n.contains("hardly attend")) {
                assertThat(n).as(n).doesNotContain("M = +0.000 at foo positions and +0.000", "M = -0.000 at bar positions "
                        + "and +0.000", "0.000 → 0.000");
            }
        }
        // the built-in model's foo group is L1H1, which reads the tokens right after the label words, not the words
        assertThat(notes).as(String.join("\n", notes)).anyMatch(n -> n.contains("Foo heads hardly attend to the foo "
                + "positions"));
    }

    @Test
    void findsInContextHeadsWhoseRemovalHurtsFarMoreThanRandomHeads() {
        assertThat(report.set().size()).isBetween(1, report.set().scores().nLayers() * report.set().scores().nHeads() / 2);
        InterventionResult iv = report.intervention();
        double base = iv.baseline().accuracy();
        double cut = iv.ablated().accuracy();
        assertThat(base).as(HeadsText.summary(iv)).isGreaterThan(0.8);
        assertThat(base - cut).as(HeadsText.summary(iv)).isGreaterThan(0.15);
        assertThat(iv.controls()).isNotEmpty();
        // removing the in-context heads costs more than removing as many random heads of the same layers, beyond the
        // spread of the control draws
        assertThat(base - cut).as(HeadsText.summary(iv)).isGreaterThan(base - iv.controlMean());
        assertThat(cut).as(HeadsText.summary(iv)).isLessThan(iv.controlMean() - iv.controlStd());
        assertThat(report.control().distinct()).isPositive();
    }

    @Test
    void analysesCoverEveryHead() {
        assertThat(report.analysis().valueOutputs().heads()).hasSize(report.set().size());
        assertThat(report.analysis().attention().heads()).hasSize(report.set().size());
        assertThat(report.analysis().twoTowers().heads()).hasSize(report.set().size());
        assertThat(report.headline().valueOutputs()).isNotEmpty();
        assertThat(report.headline().swapAfter()).isBetween(0.0, 1.0);
    }

    @Test
    void biasComparisonHasNoneCalibrationsAndFixes() {
        MajorityResult m = report.bias().majority();
        RecencyResult r = report.bias().recency();
        assertThat(m.rows()).extracting(MajorityResult.Row::correction).containsExactly(Correction.values());
        assertThat(r.rows()).extracting(RecencyResult.Row::correction).containsExactly(Correction.values());
        assertThat(report.bias().tuning()).as("a_c tuned on separate tasks").isNotNull();
        for (Correction c : Correction.values()) {
            assertThat(m.row(c).accuracy().mean()).isBetween(0.0, 1.0);
            assertThat(r.row(c).accuracyStd().mean()).isGreaterThanOrEqualTo(0.0);
        }
        assertThat(report.headline().bias()).hasSize(2 * Correction.values().length);
        assertThat(BiasCsv.comparison(report.bias())).contains("majority,fix,fluctuation", "recency,fix,attention_std",
                "majority,contextual,", "majority,domain,", "majority,batch,", "recency,fix_batch,");
    }

    @Test
    void writesEveryFile() {
        for (String f : List.of("report.html", "report.json", "headline.json", "summary.md", "bias.csv",
                "bias_measurements.csv", "heads.csv", "scores.csv", "ablation.csv", "intervention.csv",
                "value_outputs.csv", "attention.csv", "two_towers.csv")) {
            assertThat(out.resolve(f)).as(f).isNotEmptyFile();
            assertThat(report.files()).contains(out.resolve(f));
        }
        assertThat(report.html()).isEqualTo(out.resolve("report.html"));
    }

    @Test
    void pageOpensOfflineAndHoldsHeatmapHeadListAndBiasComparison() throws Exception {
        String html = Files.readString(report.html());
        // no network resource: the only URL is the SVG namespace, an identifier that is never fetched
        Matcher m = Pattern.compile("https?://[^\"'\\s)<]+").matcher(html);
        while (m.find()) {
            assertThat(m.group()).isEqualTo("http://www.w3.org/2000/svg");
        }
        assertThat(html).doesNotContain("<link", "src=\"http", "src='http", "@import", "url(http");
        assertThat(html).contains("id=\"heatmaps\"", "\"scoreFoo\"", "id=\"head-list\"", "class=\"icl-bias\"",
                "Majority-label bias", "Recency bias", "id=\"brief\"");
        for (String id : ReportPage.SECTIONS) {
            assertThat(html).contains("id=\"" + id + "\"");
        }
    }

    @Test
    void chromiumDrawsTheReport() throws Exception {
        String chromium = chromiumOrSkip();
        String dom = chromium(chromium, "--dump-dom", report.html().toUri().toString());
        int heads = report.set().scores().nLayers() * report.set().scores().nHeads();
        assertThat(dom).contains("id=\"heatmap-foo\"", "id=\"heatmap-bar\"", "id=\"head-table\"",
                "id=\"intervention-svg\"", "class=\"icl-bias\"");
        assertThat(count(dom, "class=\"cell\"")).isEqualTo(3 * heads);
        assertThat(count(dom, "class=\"pick head-row")).isEqualTo(report.set().size());
        Path png = Path.of("target", "report-screenshot.png").toAbsolutePath();
        Files.createDirectories(png.getParent());
        chromium(chromium, "--screenshot=" + png, "--window-size=1400,5600", report.html().toUri().toString());
        assertThat(png).isNotEmptyFile();
    }

    @Test
    void chromiumDrawsLabelledScattersAndGroupsNamedAfterTheLabelWords() throws Exception {
        String dom = chromium(chromiumOrSkip(), "--dump-dom", report.html().toUri().toString());
        // two-tower scatters: both axes titled, a colour key per plot
        assertThat(dom).contains("similarity of query and demonstration (cosine)", "score q·k/√d",
                "point = one demonstration's label position:");
        // head groups named after the label words in use (foo and bar here: the default labels)
        assertThat(dom).contains("foo heads · bar heads", "foo heads raise “foo” more than “bar”");
        // charts shrink to a narrow window instead of running off the card
        assertThat(dom).contains("svg[viewBox] { max-width: 100%; height: auto; }");
        // the title and summary name the built-in model, not a temporary folder
        assertThat(dom).doesNotContain("icl4j-builtin");
        assertThat(Files.readString(out.resolve("summary.md"))).doesNotContain("icl4j-builtin")
                .contains("built-in model (icl-core)");
    }

    @Test
    void accuracyAndF1IntervalsStayInTheUnitRange() {
        List<io.github.icl4j.bias.Interval> bounded = new java.util.ArrayList<>();
        if (report.bias().majority() != null) {
            report.bias().majority().rows().forEach(r -> bounded.addAll(List.of(r.accuracy(), r.macroF1(),
                    r.balancedAccuracy())));
        }
        if (report.bias().recency() != null) {
            report.bias().recency().rows().forEach(r -> bounded.addAll(List.of(r.accuracy(), r.macroF1())));
        }
        assertThat(bounded).isNotEmpty().allSatisfy(i -> {
            if (i.hasBounds()) {
                assertThat(i.lower()).isBetween(0.0, 1.0);
                assertThat(i.upper()).isBetween(0.0, 1.0);
            }
        });
    }

    /** The Chromium binary; skips the test with a message when it is not installed. */
    static String chromiumOrSkip() {
        String chromium = chromium();
        assumeTrue(chromium != null, "Chromium is not installed (Debian: apt-get install -y chromium); skipping the "
                + "headless rendering of the report");
        return chromium;
    }

    static int count(String text, String what) {
        int n = 0;
        for (int i = text.indexOf(what); i >= 0; i = text.indexOf(what, i + what.length())) {
            n++;
        }
        return n;
    }

    /** The Chromium binary on the PATH, or null. */
    static String chromium() {
        for (String name : List.of("chromium", "chromium-browser", "google-chrome")) {
            for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
                if (Files.isExecutable(Path.of(dir, name))) {
                    return Path.of(dir, name).toString();
                }
            }
        }
        return null;
    }

    static String chromium(String chromium, String... args) throws Exception {
        Path profile = Files.createTempDirectory(out, "chromium-profile");
        List<String> cmd = new ArrayList<>(List.of(chromium, "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
                "--user-data-dir=" + profile));
        cmd.addAll(Arrays.asList(args));
        Process p = new ProcessBuilder(cmd).redirectError(out.resolve("chromium.log").toFile()).start();
        byte[] bytes = p.getInputStream().readAllBytes();
        assertThat(p.waitFor(90, TimeUnit.SECONDS)).as("chromium finished").isTrue();
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
