package io.github.icl4j.heads;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.icl4j.IclPrompt;
import io.github.icl4j.Model;
import io.github.icl4j.heads.report.HeadsReportFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole pipeline on real SST-2 sentences, the real GPT-2 tokenizer (" foo" 22944, " bar" 2318) and a random
 * Llama-family model with the GPT-2 vocabulary and grouped-query attention; skipped when the shared data is absent.
 */
class Sst2RandomModelTest {

    @Test
    void findsAndReportsHeadsOnSst2Prompts(@TempDir Path dir) throws Exception {
        String tok = Fixtures.gpt2TokenizerJson();
        try (Model model = Fixtures.randomLlama(50257, 32, 3, 4, 2, 512, 3L, tok)) {
            List<IclPrompt> train = Fixtures.sst2(model, 8, 1, 1L);
            List<IclPrompt> test = Fixtures.sst2(model, 4, 1, 2L);
            assertThat(train.get(0).labelTokenIds()).containsExactly(22944L, 2318L);
            InContextHeads ich = InContextHeads.of(model).options(HeadOptions.defaults().withTopHeads(1, 1, 1)
                    .withControl(2, 7L, HeadOptions.ControlPool.SAME_LAYERS_POOLED).withExamplePrompts(1));
            InContextHeadSet set = ich.find(Map.of("sst2-a", train.subList(0, 4), "sst2-b", train.subList(4, 8)));
            assertThat(set.scores().datasets()).hasSize(2);
            assertThat(set.ablation().datasets()).hasSize(2);
            assertThat(set.scores().labelWords()).containsExactly(" foo", " bar");
            assertThat(set.heads()).isNotEmpty();
            HeadsReport report = ich.report(set, test);
            assertThat(report.valueOutputs().heads().get(0).atFoo().topTokens()).hasSize(10);
            assertThat(report.examples().get(0).tokens()).contains(" foo", "Sent");
            Path html = HeadsReportFiles.write(report, dir);
            assertThat(Files.readString(html)).contains("\" bar\"");
        }
    }
}
