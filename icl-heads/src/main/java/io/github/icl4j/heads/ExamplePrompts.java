package io.github.icl4j.heads;

import io.github.icl4j.HeadId;
import io.github.icl4j.IclPrompt;
import io.github.icl4j.Model;
import io.github.icl4j.TokenTexts;
import java.util.ArrayList;
import java.util.List;

/** The report's example prompts: the set's heads' attention over every token of the first prompts. */
final class ExamplePrompts {
    private ExamplePrompts() {
    }

    /**
     * The first {@link HeadOptions#examplePrompts()} prompts, each token's text (whitespace placed by
     * {@code spacing}) and each head's attention row.
     */
    static List<HeadsReport.ExamplePrompt> of(Model model, HeadOptions options, InContextHeadSet set,
            List<IclPrompt> prompts, long[] ids, TokenTexts.Spacing spacing) {
        List<IclPrompt> shown = prompts.subList(0, Math.min(prompts.size(), options.examplePrompts()));
        List<HeadsReport.ExamplePrompt> examples = new ArrayList<>();
        if (!shown.isEmpty()) {
            // the pass Probe.on(model).prompt(p).attentionAt(..) makes, so the token view shows its weights to the
            // last bit: one prompt per pass (padding a batch moves the last bits), every layer's pattern read
            // (reading one computes that layer's attention explicitly, not by the fused kernel) and the
            // demonstrations prefix computed once; three prompts cost next to nothing either way
            boolean[] layers = new boolean[model.config().nLayers()];
            java.util.Arrays.fill(layers, true);
            int[][] all = new int[shown.size()][];
            for (int i = 0; i < all.length; i++) {
                all[i] = java.util.stream.IntStream.rangeClosed(0, shown.get(i).lastPosition()).toArray();
            }
            LastRowAttention.Result r = LastRowAttention.run(model, shown, layers, all, ids, 1, true);
            for (int i = 0; i < shown.size(); i++) {
                IclPrompt p = shown.get(i);
                List<String> toks = TokenTexts.of(model, p, p.lastPosition(), spacing);
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
