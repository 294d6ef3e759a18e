package io.github.icl4j.heads;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.icl4j.IclPrompt;
import io.github.icl4j.Model;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The whole pipeline on real SST-2 sentences, the real GPT-2 tokenizer (" foo" 22944, " bar" 2318) and a random
 * Llama-family model with the GPT-2 vocabulary and grouped-query attention; skipped when the shared data is absent.
 */
class Sst2RandomModelTest {

    @Test
    void findsAndReportsHeadsOnSst2Prompts() throws Exception {
        String tok = Fixtures.gpt2TokenizerJson();
        try (Model model = Fixtures.randomLlama(50257, 64, 4, 4, 2, 512, 3L, tok)) {
            List<IclPrompt> train = Fixtures.sst2(model, 16, 2, 1L);
            List<IclPrompt> test = Fixtures.sst2(model, 12, 2, 2L);
            assertThat(train.get(0).labelTokenIds()).containsExactly(22944L, 2318L);
            InContextHeads ich = InContextHeads.of(model).options(HeadOptions.defaults().withTopHeads(2, 2, 2)
                    .withControl(3, 7L, HeadOptions.ControlPool.SAME_LAYERS_POOLED).withExamplePrompts(2));
            InContextHeadSet set = ich.find(Map.of("sst2-a", train.subList(0, 8), "sst2-b", train.subList(8, 16)));
            assertThat(set.scores().datasets()).hasSize(2);
            assertThat(set.scores().labelWords()).containsExactly(" foo", " bar");
            assertThat(set.heads()).isNotEmpty();
            HeadsReport report = ich.report(set, test);
            assertThat(report.valueOutputs().heads().get(0).atFoo().topTokens()).hasSize(10);
            assertThat(report.examples().get(0).tokens()).contains(" foo");
            Path dir = Path.of("target", "sst2-random-report").toAbsolutePath();
            Path html = report.write(dir);
            assertThat(Files.readString(html)).contains("heatmap");
            String chromium = ReportTest.chromium();
            if (chromium != null) {
                String dom = ReportTest.runChromium(chromium, Files.createTempDirectory("chromium"), "--dump-dom",
                        html.toUri().toString());
                assertThat(ReportTest.count(dom, "class=\"cell\"")).isEqualTo(3 * 16);
                ReportTest.runChromium(chromium, Files.createTempDirectory("chromium"),
                        "--screenshot=" + dir.resolve("screenshot.png"), "--window-size=1280,3400",
                        html.toUri().toString());
            }
        }
    }
}
