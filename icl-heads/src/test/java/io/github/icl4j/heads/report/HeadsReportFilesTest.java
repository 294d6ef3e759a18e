package io.github.icl4j.heads.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.icl4j.report.CsvTable;
import io.github.icl4j.IclPrompt;
import io.github.icl4j.Model;
import io.github.icl4j.TokenTexts;
import io.github.icl4j.heads.AblationRanking;
import io.github.icl4j.heads.AblationScreen;
import io.github.icl4j.heads.AttributionOptions;
import io.github.icl4j.heads.Fixtures;
import io.github.icl4j.heads.HeadOptions;
import io.github.icl4j.heads.HeadsJson;
import io.github.icl4j.heads.HeadsReport;
import io.github.icl4j.heads.InContextHeads;
import io.github.icl4j.heads.InterventionResult;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** JSON round trips, the CSV layout, the text summaries and the HTML report (drawn by headless Chromium). */
class HeadsReportFilesTest {
    static Model model;
    static List<IclPrompt> prompts;
    static HeadsReport report;

    @BeforeAll
    static void run() {
        model = Fixtures.parityModel("llama");
        prompts = Fixtures.toys(8, 4, 3, 21);
        InContextHeads ich = InContextHeads.of(model).options(HeadOptions.defaults().withTopHeads(2, 2, 2)
                .withControl(3, 1L, HeadOptions.ControlPool.SAME_LAYERS_POOLED).withExamplePrompts(2));
        report = ich.report(ich.find(prompts), prompts);
    }

    @AfterAll
    static void close() {
        model.close();
    }

    @Test
    void jsonRoundTripsEveryResult() {
        String json = HeadsJson.write(report);
        HeadsReport back = HeadsJson.read(json, HeadsReport.class);
        assertThat(HeadsJson.write(back)).isEqualTo(json);
        assertThat(back.set().heads()).isEqualTo(report.set().heads());
        assertThat(java.util.Arrays.deepEquals(back.set().scores().scores(), report.set().scores().scores())).isTrue();
        // NaN outside the scan
        assertThat(java.util.Arrays.deepEquals(back.set().ablation().drop(), report.set().ablation().drop())).isTrue();
        assertThat(back.set().options()).isEqualTo(report.set().options());
        assertThat(back.intervention()).isEqualTo(report.intervention());
        assertThat(back.twoTowers().rows()).isEqualTo(report.twoTowers().rows());
        assertThat(back.valueOutputs()).usingRecursiveComparison().isEqualTo(report.valueOutputs());
        assertThat(back.examples().get(0).heads().get(0).attention())
                .containsExactly(report.examples().get(0).heads().get(0).attention());
        assertThat(json).contains("\"L").contains("\"NaN\"");
        for (Object part : List.of(report.set(), report.set().scores(), report.set().ablation(), report.intervention(),
                report.valueOutputs(), report.attention(), report.twoTowers())) {
            String j = HeadsJson.write(part);
            assertThat(HeadsJson.write(HeadsJson.read(j, part.getClass()))).isEqualTo(j);
        }
    }

    @Test
    void csvHasAHeaderAndOneRowPerItem() {
        String[] scores = HeadsCsv.scores(report.set().scores()).split("\n");
        assertThat(scores[0]).isEqualTo("layer,head,score_foo,score_bar,prompts_foo,prompts_bar");
        assertThat(scores).hasSize(1 + 12);
        assertThat(scores[1]).startsWith("0,0,");
        String[] abl = HeadsCsv.ablation(report.set().ablation()).split("\n");
        assertThat(abl[0]).isEqualTo("layer,head,accuracy,full_vocab_accuracy,drop,gold_prob_drop,rank,readout,"
                + "readout_value,screen,atp_estimate,atp_score,verified,true_effect");
        assertThat(abl).hasSize(1 + 8);
        assertThat(abl[1]).contains(",argmax,").endsWith(",exhaustive,,,true,");
        String[] heads = HeadsCsv.heads(report.set()).split("\n");
        assertThat(heads).hasSize(1 + report.set().size());
        assertThat(heads[1]).matches("L\\dH\\d,\\d,(foo|bar),.*");
        assertThat(HeadsCsv.intervention(report.intervention())).startsWith("condition,gold,heads,n,accuracy,full_vocab_accuracy,"
                + "readout,readout_value\nclean,all,,8,");
        assertThat(HeadsCsv.twoTowers(report.twoTowers()).split("\n")).hasSize(1 + 8 * 4 * report.set().size());
        assertThat(HeadsCsv.valueOutputs(report.valueOutputs()).split("\n")).hasSize(1 + 2 * report.set().size());
        assertThat(HeadsCsv.attention(report.attention()).split("\n")).hasSize(1 + 12);
        assertThat(CsvTable.sig6().field("a, \"b\"")).isEqualTo("\"a, \"\"b\"\"\"");
    }

    @Test
    void anAtpScreenedRankingCarriesItsEstimatesIntoJsonCsvAndHtml(@TempDir Path dir) throws Exception {
        InContextHeads ich = InContextHeads.of(model).options(HeadOptions.defaults().withTopHeads(2, 2, 2)
                .withControl(3, 1L, HeadOptions.ControlPool.SAME_LAYERS_POOLED).withExamplePrompts(1)
                .withAblationScreen(AblationScreen.Strategy.ATP_VERIFIED)
                .withAttribution(AttributionOptions.defaults().withVerifyTop(4)));
        HeadsReport r = ich.report(ich.find(prompts), prompts);
        AblationRanking a = r.set().ablation();
        assertThat(a.screen().verified()).hasSize(4);
        String json = HeadsJson.write(a);
        assertThat(HeadsJson.write(HeadsJson.read(json, AblationRanking.class))).isEqualTo(json);
        String[] abl = HeadsCsv.ablation(a).split("\n");
        assertThat(abl).hasSize(1 + 8);
        long verified = java.util.Arrays.stream(abl).skip(1).filter(row -> row.contains(",atp-verified,")
                && row.matches(".*,true,[-0-9.e]+$")).count();
        assertThat(verified).isEqualTo(4);
        assertThat(java.util.Arrays.stream(abl).skip(1).filter(row -> row.endsWith(",false,"))).hasSize(4);
        String html = HeadsHtml.page(r);
        assertThat(html).contains("\"screen\"", "atp-scatter", "\"points\"");
        String chromium = chromium();
        if (chromium != null) {
            Path page = HeadsReportFiles.write(r, dir);
            String dom = runChromium(chromium, dir, "--dump-dom", page.toUri().toString());
            assertThat(dom).contains("id=\"heatmap-atp\"", "id=\"atp-scatter\"");
        }
    }

    @Test
    void examplePromptsAreTheProbesAttentionToTheLastBitAndTheReportsTokenView() {
        InContextHeads ich = InContextHeads.of(model).options(HeadOptions.defaults().withExamplePrompts(2));
        List<HeadsReport.ExamplePrompt> ex = ich.examplePrompts(report.set(), prompts, TokenTexts.Spacing.LEADING);
        assertThat(ex).hasSize(2);
        for (int i = 0; i < ex.size(); i++) {
            IclPrompt p = prompts.get(i);
            HeadsReport.ExamplePrompt e = ex.get(i);
            assertThat(e.tokens()).isEqualTo(report.examples().get(i).tokens()).hasSize(p.length());
            assertThat(e.predicted()).isEqualTo(report.examples().get(i).predicted());
            io.github.icl4j.AttentionMap m = io.github.icl4j.Probe.on(model).prompt(p)
                    .attentionAt(java.util.stream.IntStream.rangeClosed(0, p.lastPosition()).toArray());
            assertThat(e.heads()).hasSize(report.set().size());
            for (HeadsReport.HeadRow row : e.heads()) {
                assertThat(row.attention()).as("prompt %d head %s", i, row.head())
                        .containsExactly(m.of(0, row.head()));
            }
        }
        assertThat(ich.examplePrompts(report.set(), prompts, TokenTexts.Spacing.TRAILING).get(0).tokens())
                .hasSize(prompts.get(0).length());
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> ich.examplePrompts(report.set(), prompts, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("spacing");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> TokenTexts.of(model, prompts.get(0),
                prompts.get(0).length(), TokenTexts.Spacing.LEADING)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("upTo " + prompts.get(0).length() + " out of range [0, "
                        + prompts.get(0).length() + ")");
    }

    @Test
    void aControlWithOneDistinctSetHasNoSpread() {
        InterventionResult iv = report.intervention();
        InterventionResult.ControlDraw d = iv.controls().get(0);
        List<io.github.icl4j.HeadId> reversed = new java.util.ArrayList<>(d.heads());
        java.util.Collections.reverse(reversed); // the same set in another order
        InterventionResult one = new InterventionResult(iv.heads(), iv.prompts(), iv.baseline(), iv.ablated(),
                List.of(d, new InterventionResult.ControlDraw(1, reversed, d.accuracy())),
                d.accuracy().accuracy(), 0.0, d.accuracy().fullVocabAccuracy(), 0.0, iv.labelSpecific(),
                iv.controlPool(), iv.controlSeed(), iv.readout(), d.accuracy().readout(), 0.0);
        assertThat(one.distinctControls()).isEqualTo(1);
        assertThat(one.toString()).contains("(the only such set)").doesNotContain("±");
        assertThat(HeadsText.summary(one)).contains("2 draws of 1 distinct sets");
        assertThat(iv.distinctControls()).isBetween(1, iv.controls().size());
    }

    @Test
    void writesEveryFileAndTheHtmlIsSelfContained(@TempDir Path dir) throws IOException {
        Path html = HeadsReportFiles.write(report, dir);
        assertThat(dir.resolve("report.json")).exists();
        for (String f : List.of("heads.csv", "scores.csv", "ablation.csv", "intervention.csv", "value_outputs.csv",
                "value_output_examples.csv", "attention.csv", "two_towers.csv", "two_towers_summary.csv",
                "reading.csv")) {
            assertThat(dir.resolve(f)).exists().isNotEmptyFile();
        }
        try (var files = Files.list(dir)) {
            assertThat(files.filter(p -> p.getFileName().toString().endsWith(".tmp"))).isEmpty();
        }
        String text = Files.readString(html);
        // no network resource: the only URL is the SVG namespace
        Matcher m = Pattern.compile("https?://[^\"'\\s)]+").matcher(text);
        while (m.find()) {
            assertThat(m.group()).isEqualTo("http://www.w3.org/2000/svg");
        }
        assertThat(text).doesNotContain("<link", "src=\"http", "@import");
    }

    @Test
    void chromiumDrawsTheHeatmapAndTheHeadList(@TempDir Path dir) throws Exception {
        String chromium = chromium();
        assumeTrue(chromium != null, "Chromium is not installed (Debian: apt-get install -y chromium); skipping the "
                + "headless rendering test of the HTML report");
        Path html = HeadsReportFiles.write(report, dir);
        String dom = runChromium(chromium, dir, "--dump-dom", html.toUri().toString());
        assertThat(dom).contains("id=\"heatmap-foo\"", "id=\"heatmap-bar\"", "id=\"heatmap-ablation\"",
                "id=\"head-table\"", "id=\"intervention-svg\"", "id=\"attention-svg\"");
        assertThat(count(dom, "class=\"cell\"")).isEqualTo(3 * 12);
        assertThat(count(dom, "class=\"selected-cell\"")).isEqualTo(3 * report.set().size());
        assertThat(count(dom, "class=\"pick head-row")).isEqualTo(report.set().size());
        assertThat(count(dom, "<span class=\"tok")).isEqualTo(report.examples().get(0).tokens().size());
        assertThat(count(dom, "class=\"card vo-card\"")).isEqualTo(report.set().size());
        assertThat(count(dom, "class=\"small tower\"")).isEqualTo(report.set().size());
        assertThat(dom).contains("id=\"reading-svg\"");
        assertThat(count(dom, "class=\"read-part\"")).isEqualTo(7 * report.set().size());
        Path png = Path.of("target", "report-screenshot.png").toAbsolutePath();
        Files.createDirectories(png.getParent());
        runChromium(chromium, dir, "--screenshot=" + png, "--window-size=1280,3000", html.toUri().toString());
        assertThat(png).exists();
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

    static String runChromium(String chromium, Path work, String... args) throws Exception {
        Path profile = Files.createTempDirectory(work, "chromium-profile");
        List<String> cmd = new java.util.ArrayList<>(List.of(chromium, "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
                "--user-data-dir=" + profile));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectError(work.resolve("chromium.log").toFile()).start();
        byte[] out = p.getInputStream().readAllBytes();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("chromium finished").isTrue();
        return new String(out, StandardCharsets.UTF_8);
    }
}
