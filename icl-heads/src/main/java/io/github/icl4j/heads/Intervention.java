package io.github.icl4j.heads;

import io.github.icl4j.stats.Stats;
import io.github.icl4j.HeadId;
import io.github.icl4j.LabelProbabilities;
import io.github.icl4j.Model;
import io.github.icl4j.PromptTokens;
import io.github.icl4j.ReadoutMetric;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The intervention of METHOD §3.4: accuracy with the in-context heads removed, beside the clean model, the control
 * of random heads from the same layers and the label-specific effects, all conditions in shared forward passes.
 */
final class Intervention {
    private static final Logger LOG = LoggerFactory.getLogger(Intervention.class);

    private Intervention() {
    }

    /** See {@link InContextHeads#intervene}; the set and the prompts are checked ({@code ids}: label token ids). */
    static InterventionResult run(Model model, HeadOptions options, InContextHeadSet set,
            List<? extends PromptTokens> prompts, long[] ids) {
        List<List<HeadId>> draws = controlDraws(set.heads(), model.config().nHeads(), options.controlDraws(),
                options.controlSeed(), options.controlPool());
        List<List<HeadId>> conditions = new ArrayList<>();
        conditions.add(List.of());
        conditions.add(set.heads());
        conditions.add(set.fooHeads());
        conditions.add(set.barHeads());
        conditions.addAll(draws);
        long t0 = System.nanoTime();
        ReadoutMetric readout = options.readout();
        LabelProbabilities.Row[][] rows = new Ablations(model).run(prompts, conditions, ids, options.ablateAt(),
                options.batchSize(), options.maxBatchRows());
        LOG.info("intervention: {} conditions on {} prompts in {} ms", conditions.size(), prompts.size(),
                (System.nanoTime() - t0) / 1_000_000);
        List<InterventionResult.ControlDraw> controls = new ArrayList<>();
        double[] ca = new double[draws.size()];
        double[] cb = new double[draws.size()];
        double[] cr = new double[draws.size()];
        for (int d = 0; d < draws.size(); d++) {
            InterventionResult.Accuracy a = acc(rows[4 + d], -1, readout);
            controls.add(new InterventionResult.ControlDraw(d, draws.get(d), a));
            ca[d] = a.accuracy();
            cb[d] = a.fullVocabAccuracy();
            cr[d] = a.readout();
        }
        List<InterventionResult.LabelSpecific> specific = new ArrayList<>();
        List<List<HeadId>> groups = List.of(set.fooHeads(), set.barHeads());
        for (int g = 0; g < 2; g++) {
            if (groups.get(g).isEmpty()) {
                continue;
            }
            for (int gold = 0; gold < 2; gold++) {
                InterventionResult.Accuracy base = acc(rows[0], gold, readout);
                if (base.n() == 0) {
                    continue;
                }
                specific.add(new InterventionResult.LabelSpecific(LabelGroup.ofLabel(g), groups.get(g), gold, base,
                        acc(rows[2 + g], gold, readout)));
            }
        }
        return new InterventionResult(set.heads(), prompts.size(), acc(rows[0], -1, readout), acc(rows[1], -1, readout),
                controls, Stats.nanMean(ca), Stats.nanStd(ca), Stats.nanMean(cb), Stats.nanStd(cb), specific,
                options.controlPool(), options.controlSeed(), readout, Stats.nanMean(cr), Stats.nanStd(cr));
    }

    /**
     * Accuracy over rows whose gold is {@code gold} (-1: all), and the readout: a calibrated readout centres over all
     * of the condition's rows (its batch), then counts on the selected ones.
     */
    private static InterventionResult.Accuracy acc(LabelProbabilities.Row[] rows, int gold, ReadoutMetric readout) {
        int n = 0;
        int a = 0;
        int b = 0;
        int[] g = new int[rows.length];
        double[][] s = new double[rows.length][];
        for (int i = 0; i < rows.length; i++) {
            LabelProbabilities.Row r = rows[i];
            s[i] = r.logProbs();
            g[i] = gold >= 0 && r.gold() != gold ? -1 : r.gold(); // -1: in the batch, not counted
            if (g[i] < 0) {
                continue;
            }
            n++;
            a += r.correct() ? 1 : 0;
            b += r.fullVocabCorrect() ? 1 : 0;
        }
        double value = n == 0 ? Double.NaN : readout.of(g, s);
        return new InterventionResult.Accuracy(n, n == 0 ? Double.NaN : (double) a / n,
                n == 0 ? Double.NaN : (double) b / n, value);
    }

    /**
     * Random head sets for the control: each as many heads as {@code heads}, from the same layers, never one of
     * {@code heads}; draw {@code d} is reproducible from {@code seed}.
     *
     * @throws IllegalArgumentException when a layer has too few other heads to draw from
     */
    static List<List<HeadId>> controlDraws(List<HeadId> heads, int nHeads, int draws, long seed,
            HeadOptions.ControlPool pool) {
        Map<Integer, Integer> perLayer = new TreeMap<>();
        heads.forEach(h -> perLayer.merge(h.layer(), 1, Integer::sum));
        Set<HeadId> taken = new TreeSet<>(heads);
        Map<Integer, List<HeadId>> others = new TreeMap<>();
        for (int l : perLayer.keySet()) {
            List<HeadId> o = new ArrayList<>();
            for (int h = 0; h < nHeads; h++) {
                if (!taken.contains(HeadId.of(l, h))) {
                    o.add(HeadId.of(l, h));
                }
            }
            others.put(l, o);
        }
        if (pool == HeadOptions.ControlPool.SAME_LAYER_COUNTS) {
            perLayer.forEach((l, n) -> {
                if (others.get(l).size() < n) {
                    throw new IllegalArgumentException("control: layer " + l + " has " + n + " selected heads but only "
                            + others.get(l).size() + " other heads of " + nHeads + " to draw from; use "
                            + "ControlPool.SAME_LAYERS_POOLED or fewer heads");
                }
            });
        } else {
            int avail = others.values().stream().mapToInt(List::size).sum();
            if (avail < heads.size()) {
                throw new IllegalArgumentException("control: the layers " + perLayer.keySet() + " have " + avail
                        + " heads besides the " + heads.size() + " selected; a control needs " + heads.size());
            }
        }
        Random rng = new Random(seed);
        List<List<HeadId>> out = new ArrayList<>();
        for (int d = 0; d < draws; d++) {
            Set<HeadId> drawn = new TreeSet<>();
            if (pool == HeadOptions.ControlPool.SAME_LAYER_COUNTS) {
                for (Map.Entry<Integer, Integer> e : perLayer.entrySet()) {
                    List<HeadId> o = new ArrayList<>(others.get(e.getKey()));
                    Collections.shuffle(o, rng);
                    drawn.addAll(o.subList(0, e.getValue()));
                }
            } else {
                List<HeadId> o = new ArrayList<>();
                others.values().forEach(o::addAll);
                Collections.shuffle(o, rng);
                drawn.addAll(o.subList(0, heads.size()));
            }
            out.add(List.copyOf(drawn));
        }
        return out;
    }
}
