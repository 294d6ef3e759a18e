package io.github.icl4j.heads;

import io.github.icl4j.HeadId;
import io.github.icl4j.LabelProbabilities;
import io.github.icl4j.Model;
import io.github.icl4j.PromptTokens;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The rankings the in-context heads are found from (METHOD §3.1–3.2): every head's scores, the ablation ranking
 * (exhaustive or under an attribution-patching screen) and attribution-patching estimates, with their prompt checks.
 * {@link InContextHeads} is the public entry point; its Javadoc states each step's contract.
 */
final class HeadRankings {
    // logged under the facade's name, as before the facade was split
    private static final Logger LOG = LoggerFactory.getLogger(InContextHeads.class);

    private final Model model;
    private final HeadOptions options;

    HeadRankings(Model model, HeadOptions options) {
        this.model = model;
        this.options = options;
    }

    // ------------------------------------------------------------------ §3.1 scores

    /** See {@link InContextHeads#scores(Map)}. */
    HeadScores scores(Map<String, ? extends List<? extends PromptTokens>> byDataset) {
        Map<String, List<PromptTokens>> sets = PromptChecks.byDataset(byDataset);
        boolean goldOnly = options.scoreExamples() == HeadOptions.ScoreExamples.GOLD_ONLY;
        long[] ids = commonLabelIds(sets, "scores", goldOnly, false);
        Map<String, PromptScores> per = new LinkedHashMap<>();
        for (Map.Entry<String, List<PromptTokens>> e : sets.entrySet()) {
            long t0 = System.nanoTime();
            per.put(e.getKey(), promptScores(e.getValue(), ids));
            LOG.info("scored {} heads on {} prompts of {} in {} ms", model.config().nLayers() * model.config().nHeads(),
                    e.getValue().size(), e.getKey(), (System.nanoTime() - t0) / 1_000_000);
        }
        return HeadScores.combine(PromptChecks.words(model, ids), model.config().nLayers(), model.config().nHeads(),
                options, per);
    }

    /** See {@link InContextHeads#promptScores(List)}. */
    PromptScores promptScores(List<? extends PromptTokens> prompts) {
        return promptScores(prompts, PromptChecks.check(model, "promptScores", prompts, false, false));
    }

    private PromptScores promptScores(List<? extends PromptTokens> prompts, long[] ids) {
        float[][][][] s = Scoring.perPrompt(model, prompts, ids, options.unembedBias(), options.batchSize());
        return new PromptScores(ids, prompts.stream().mapToInt(PromptTokens::queryLabel).toArray(), s);
    }

    // ------------------------------------------------------------------ §3.2 ablation

    /** See {@link InContextHeads#ablationRanking(Map)}. */
    AblationRanking ablationRanking(Map<String, ? extends List<? extends PromptTokens>> byDataset) {
        Map<String, List<PromptTokens>> sets = PromptChecks.byDataset(byDataset);
        int[] range = checkedAblationLayers(options.ablationLayers(model.config().nLayers()));
        long[] ids = commonLabelIds(sets, "ablationRanking", true, false);
        if (options.ablationScreen() != AblationScreen.Strategy.EXHAUSTIVE) {
            return new ScreenedAblation(model, options).rank(sets, ids, range, options.ablationScreen(),
                    options.attribution(), options.readout());
        }
        Map<String, PromptAblations> per = new LinkedHashMap<>();
        for (Map.Entry<String, List<PromptTokens>> e : sets.entrySet()) {
            long t0 = System.nanoTime();
            per.put(e.getKey(), promptAblations(e.getValue(), range, ids));
            LOG.info("ablated {} heads on {} prompts of {} in {} ms", (range[1] - range[0]) * model.config().nHeads(),
                    e.getValue().size(), e.getKey(), (System.nanoTime() - t0) / 1_000_000);
        }
        return AblationRanking.combine(model.config().nLayers(), model.config().nHeads(), options, per,
                options.readout());
    }

    /** See {@link InContextHeads#promptAblations(List, int, int)}. */
    PromptAblations promptAblations(List<? extends PromptTokens> prompts, int fromLayer, int toLayer) {
        int[] range = checkedAblationLayers(new int[] {fromLayer, toLayer});
        return promptAblations(prompts, range, PromptChecks.check(model, "promptAblations", prompts, true, false));
    }

    private int[] checkedAblationLayers(int[] range) {
        int nL = model.config().nLayers();
        if (range[0] < 0 || range[1] <= range[0] || range[0] >= nL || range[1] > nL) {
            throw new IllegalArgumentException("ablation layers [" + range[0] + ", " + range[1] + ") out of range [0, "
                    + nL + ") for a model of " + nL + " layers");
        }
        return range;
    }

    /**
     * Several ablations share each forward pass: the prompt batch is replicated once per head of a layer and each
     * copy loses a different head; each pass starts at the ablated layer from the clean residual.
     */
    private PromptAblations promptAblations(List<? extends PromptTokens> prompts, int[] range, long[] ids) {
        int nH = model.config().nHeads();
        List<List<HeadId>> conditions = new ArrayList<>();
        conditions.add(List.of());
        for (int l = range[0]; l < range[1]; l++) {
            for (int h = 0; h < nH; h++) {
                conditions.add(List.of(HeadId.of(l, h)));
            }
        }
        LabelProbabilities.Row[][] rows = new Ablations(model).run(prompts, conditions, ids, options.ablateAt(),
                options.batchSize(), options.maxBatchRows());
        PromptAblations.Outcome[] clean = outcomes(rows[0]);
        PromptAblations.Outcome[][][] ablated = new PromptAblations.Outcome[range[1] - range[0]][nH][];
        for (int ci = 1; ci < conditions.size(); ci++) {
            HeadId h = conditions.get(ci).get(0);
            ablated[h.layer() - range[0]][h.head()] = outcomes(rows[ci]);
        }
        return new PromptAblations(nH, range[0], range[1], clean, ablated);
    }

    private static PromptAblations.Outcome[] outcomes(LabelProbabilities.Row[] rows) {
        PromptAblations.Outcome[] out = new PromptAblations.Outcome[rows.length];
        for (int i = 0; i < rows.length; i++) {
            out[i] = PromptAblations.Outcome.of(rows[i]);
        }
        return out;
    }

    // ------------------------------------------------------------------ attribution patching

    /** See {@link InContextHeads#attribution(Map, AttributionOptions)}. */
    AttributionEstimates attribution(Map<String, ? extends List<? extends PromptTokens>> byDataset,
            AttributionOptions o) {
        if (o == null) {
            throw new IllegalArgumentException("attribution options must not be null");
        }
        if (o.patch() == AttributionOptions.Patch.CORRUPTED) {
            throw new IllegalArgumentException("the CORRUPTED patch needs the corrupted prompts: call "
                    + "attribution(clean, corrupted, options)");
        }
        Map<String, List<PromptTokens>> sets = PromptChecks.byDataset(byDataset);
        int[] range = checkedAblationLayers(options.ablationLayers(model.config().nLayers()));
        long[] ids = commonLabelIds(sets, "attribution", true, false);
        return new ScreenedAblation(model, options).estimate(sets, null, ids, range, o);
    }

    /** See {@link InContextHeads#attribution(List, List, AttributionOptions)}. */
    AttributionEstimates attribution(List<? extends PromptTokens> clean, List<? extends PromptTokens> corrupted,
            AttributionOptions o) {
        if (o == null || o.patch() != AttributionOptions.Patch.CORRUPTED) {
            throw new IllegalArgumentException("attribution(clean, corrupted, options) estimates the CORRUPTED patch; "
                    + "got " + (o == null ? null : o.patch()));
        }
        long[] ids = PromptChecks.check(model, "attribution", clean, true, false);
        PromptChecks.check(model, "attribution (corrupted)", corrupted, false, false);
        if (corrupted.size() != clean.size()) {
            throw new IllegalArgumentException("attribution: " + clean.size() + " clean prompts but "
                    + corrupted.size() + " corrupted ones; give one corrupted prompt per clean prompt");
        }
        if (options.ablateAt() == HeadOptions.AblateAt.ALL_POSITIONS) {
            for (int i = 0; i < clean.size(); i++) {
                int a = clean.get(i).tokenIds().length;
                int b = corrupted.get(i).tokenIds().length;
                if (a != b) {
                    throw new IllegalArgumentException("attribution: clean prompt " + i + " has " + a
                            + " tokens but its corrupted prompt " + b + "; patching every position needs equal "
                            + "lengths (or ablateAt LAST_POSITION)");
                }
            }
        }
        int[] range = checkedAblationLayers(options.ablationLayers(model.config().nLayers()));
        return new ScreenedAblation(model, options).estimate(Map.of("prompts", List.copyOf(clean)),
                Map.of("prompts", List.copyOf(corrupted)), ids, range, o);
    }

    /** Checks every data set's prompts and returns their label token ids, which all sets must share. */
    private long[] commonLabelIds(Map<String, List<PromptTokens>> sets, String what, boolean needGold,
            boolean needLabels) {
        long[] ids = null;
        String first = null;
        for (Map.Entry<String, List<PromptTokens>> e : sets.entrySet()) {
            long[] l = PromptChecks.check(model, what + " of data set '" + e.getKey() + "'", e.getValue(), needGold,
                    needLabels);
            if (ids == null) {
                ids = l;
                first = e.getKey();
            } else if (!Arrays.equals(ids, l)) {
                throw new IllegalArgumentException(what + ": data set '" + e.getKey() + "' has label token ids "
                        + Arrays.toString(l) + " but '" + first + "' has " + Arrays.toString(ids)
                        + "; all data sets must share their label words");
            }
        }
        return ids;
    }
}
