package io.github.icl4j.heads;

import io.github.icl4j.HeadId;
import io.github.icl4j.LabelProbabilities;
import io.github.icl4j.Model;
import io.github.icl4j.PromptTokens;
import io.github.icl4j.ReadoutMetric;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ablation ranking under an attribution-patching screen ({@link AblationScreen.Strategy#ATP},
 * {@link AblationScreen.Strategy#ATP_VERIFIED}): one gradient pass per prompt batch estimates every head's effect
 * (zero patch at the ranking's own positions), then the batched ablation machinery truly removes the heads of
 * largest score (none for {@code atp}) beside the clean model, in the same passes. Only the accuracy drops of the
 * verified heads are measured; the others rank by estimate.
 */
final class ScreenedAblation {
    private static final Logger LOG = LoggerFactory.getLogger(ScreenedAblation.class);

    private final Model model;
    private final HeadOptions options;

    ScreenedAblation(Model model, HeadOptions options) {
        this.model = model;
        this.options = options;
    }

    /** Estimates of every set (already checked), combined as the options say. */
    AttributionEstimates estimate(Map<String, List<PromptTokens>> sets, Map<String, List<PromptTokens>> corrupted,
            long[] ids, int[] range, AttributionOptions o) {
        return estimate(sets, corrupted, ids, range, o, new LinkedHashMap<>());
    }

    /** As above, leaving each set's per-prompt results in {@code per}. */
    private AttributionEstimates estimate(Map<String, List<PromptTokens>> sets,
            Map<String, List<PromptTokens>> corrupted, long[] ids, int[] range, AttributionOptions o,
            Map<String, Attribution.Result> per) {
        long t0 = System.nanoTime();
        Attribution atp = new Attribution(model);
        for (Map.Entry<String, List<PromptTokens>> e : sets.entrySet()) {
            per.put(e.getKey(), atp.run(e.getValue(), corrupted == null ? null : corrupted.get(e.getKey()), ids,
                    range[0], range[1], o, options.ablateAt(), options.batchSize()));
        }
        long ms = (System.nanoTime() - t0) / 1_000_000;
        LOG.info("attribution patching of {} heads on {} prompt sets in {} ms", (range[1] - range[0])
                * model.config().nHeads(), sets.size(), ms);
        return AttributionEstimates.combine(model.config().nLayers(), model.config().nHeads(), range[0], range[1], o,
                options.ablateAt(), options.datasetAveraging(), per, ms);
    }

    /** The ranking: estimates, then the verified heads truly ablated. */
    AblationRanking rank(Map<String, List<PromptTokens>> sets, long[] ids, int[] range, AblationScreen.Strategy s,
            AttributionOptions o, ReadoutMetric readout) {
        if (o.patch() != AttributionOptions.Patch.ZERO) {
            throw new IllegalArgumentException("an " + s.flag() + " ablation screen estimates head removal, the "
                    + "ranking's own ablation: its patch must be ZERO; got " + o.patch());
        }
        long t0 = System.nanoTime();
        Map<String, Attribution.Result> results = new LinkedHashMap<>();
        AttributionEstimates est = estimate(sets, null, ids, range, o, results);
        int scanned = (range[1] - range[0]) * model.config().nHeads();
        List<HeadId> verified = s == AblationScreen.Strategy.ATP_VERIFIED ? est.top(Math.min(o.verifyTop(), scanned))
                : List.of();
        List<List<HeadId>> conditions = new ArrayList<>();
        conditions.add(List.of());
        verified.forEach(h -> conditions.add(List.of(h)));
        int nL = model.config().nLayers();
        int nH = model.config().nHeads();
        Map<String, PromptAblations> per = new LinkedHashMap<>();
        // the true change of the metric per verified head, each set's mean, combined like the estimates
        double[][] trueEffect = Arr.nan(nL, nH);
        verified.forEach(h -> trueEffect[h.layer()][h.head()] = 0);
        int total = sets.values().stream().mapToInt(List::size).sum();
        for (Map.Entry<String, List<PromptTokens>> e : sets.entrySet()) {
            List<PromptTokens> prompts = e.getValue();
            // no head to remove: the clean outcomes come from the gradient passes' own forward
            LabelProbabilities.Row[][] rows = verified.isEmpty()
                    ? new LabelProbabilities.Row[][] {results.get(e.getKey()).clean()}
                    : new Ablations(model).run(prompts, conditions, ids, options.ablateAt(), options.batchSize(),
                            options.maxBatchRows());
            PromptAblations.Outcome[][][] ablated = new PromptAblations.Outcome[range[1] - range[0]][nH][];
            double w = options.datasetAveraging() == HeadOptions.DatasetAveraging.POOLED
                    ? 1.0 / total : 1.0 / (sets.size() * prompts.size());
            for (int ci = 1; ci < conditions.size(); ci++) {
                HeadId h = conditions.get(ci).get(0);
                ablated[h.layer() - range[0]][h.head()] = outcomes(rows[ci]);
                for (int i = 0; i < prompts.size(); i++) {
                    trueEffect[h.layer()][h.head()] += w * (o.metric().of(rows[ci][i]) - o.metric().of(rows[0][i]));
                }
            }
            per.put(e.getKey(), new PromptAblations(nH, range[0], range[1], outcomes(rows[0]), ablated));
        }
        long ms = (System.nanoTime() - t0) / 1_000_000;
        LOG.info("{} screen: {} heads estimated, {} verified, in {} ms", s.flag(), scanned, verified.size(), ms);
        return AblationRanking.combine(nL, nH, options, per, readout,
                new AblationScreen(s, est, verified, trueEffect, ms));
    }

    static PromptAblations.Outcome[] outcomes(LabelProbabilities.Row[] rows) {
        PromptAblations.Outcome[] out = new PromptAblations.Outcome[rows.length];
        for (int i = 0; i < rows.length; i++) {
            out[i] = PromptAblations.Outcome.of(rows[i]);
        }
        return out;
    }
}
