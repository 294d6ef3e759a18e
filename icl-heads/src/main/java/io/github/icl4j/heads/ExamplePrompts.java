package io.github.icl4j.heads;

import io.github.icl4j.HeadId;
import io.github.icl4j.IclPrompt;
import io.github.icl4j.Model;
import java.util.ArrayList;
import java.util.List;

/** The report's example prompts: the set's heads' attention over every token of the first prompts. */
final class ExamplePrompts {
    private ExamplePrompts() {
    }

    /** The first {@link HeadOptions#examplePrompts()} prompts, each token's text and each head's attention row. */
    static List<HeadsReport.ExamplePrompt> of(Model model, HeadOptions options, InContextHeadSet set,
            List<IclPrompt> prompts, long[] ids) {
        List<IclPrompt> shown = prompts.subList(0, Math.min(prompts.size(), options.examplePrompts()));
        List<HeadsReport.ExamplePrompt> examples = new ArrayList<>();
        if (!shown.isEmpty()) {
            boolean[] layers = new boolean[model.config().nLayers()];
            set.heads().forEach(h -> layers[h.layer()] = true);
            int[][] all = new int[shown.size()][];
            for (int i = 0; i < all.length; i++) {
                all[i] = java.util.stream.IntStream.rangeClosed(0, shown.get(i).lastPosition()).toArray();
            }
            LastRowAttention.Result r = LastRowAttention.run(model, shown, layers, all, ids, options.batchSize());
            for (int i = 0; i < shown.size(); i++) {
                IclPrompt p = shown.get(i);
                List<String> toks = PromptChecks.tokenTexts(model, p, p.lastPosition());
                List<HeadsReport.HeadRow> rows = new ArrayList<>();
                for (HeadId h : set.heads()) {
                    rows.add(new HeadsReport.HeadRow(h, r.weights()[i][h.layer()][h.head()]));
                }
                examples.add(new HeadsReport.ExamplePrompt(i, toks, p.labelPositions(), p.demoLabels(), p.queryLabel(),
                        r.outcomes()[i].predicted(), rows));
            }
        }
        return examples;
    }
}
