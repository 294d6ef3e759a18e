package io.github.icl4j.bias;

import io.github.icl4j.AttentionMap;
import io.github.icl4j.Demonstrations;
import io.github.icl4j.Example;
import io.github.icl4j.HeadId;
import io.github.icl4j.IclPrompt;
import io.github.icl4j.LabelProbabilities;
import io.github.icl4j.Model;
import io.github.icl4j.Probe;
import io.github.icl4j.PromptTokens;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@link BiasStudy#recency}: the recency study (METHOD §5.2) with every correction and fix variant. */
final class RecencyStudy {
    private static final Logger LOG = LoggerFactory.getLogger(BiasStudy.class);

    private RecencyStudy() {
    }

    /** The study as {@link BiasStudy#recency} documents it (the tasks already checked). */
    static RecencyResult run(Model model, List<HeadId> heads, BiasOptions options, StudyPrompts prompts,
            List<BiasTask> tasks) {
        StudyIntervals intervals = new StudyIntervals(options);
        List<RecencyFixVariant> variants = options.recencyFixes();
        List<RecencyFix> fixes = new ArrayList<>();
        for (RecencyFixVariant v : variants) {
            fixes.add(RecencyFix.of(model, heads).variant(v, options.relativeTermStrength())
                    .batchSize(options.batchSize()));
        }
        List<Slot> slots = Slot.all(variants);
        long[] seeds = options.seedArray();
        int nS = seeds.length;
        int nT = tasks.size();
        int nO = 2 + options.permutations();
        int nR = slots.size();
        double[][] acc = new double[nR][nS];
        double[][] fv = new double[nR][nS];
        double[][] f1 = new double[nR][nS];
        double[][] accStd = new double[nR][nS];
        double[][] attStd = new double[1 + variants.size()][nS]; // [without fix, with each variant]
        List<Measurement> ms = new ArrayList<>();
        for (int si = 0; si < nS; si++) {
            for (int ti = 0; ti < nT; ti++) {
                BiasTask task = tasks.get(ti);
                int k = task.numClasses();
                List<String> domain = prompts.domainInputs(task, ti, seeds[si]);
                Demonstrations d = prompts.draw(task, ti, seeds[si], domain);
                List<Demonstrations> orders = new ArrayList<>();
                orders.add(d.asSampled());
                orders.add(d.reversed());
                for (int j = 0; j < options.permutations(); j++) {
                    orders.add(d.permuted(StudyPrompts.mix(seeds[si], ti, 1 + j)));
                }
                double[][] orderAcc = new double[nR][nO];
                double[][][] att = new double[1 + variants.size()][nO][];
                for (int o = 0; o < nO; o++) {
                    Demonstrations order = orders.get(o);
                    StudyPrompts.Context ctx = prompts.context(task, order, domain);
                    LabelProbabilities plain = Probe.on(model).prompts(ctx.all()).batchSize(options.batchSize())
                            .labelProbabilities();
                    List<ContextOutcomes.Evaluated> ev = new ArrayList<>();
                    for (RecencyFix fix : fixes) {
                        ev.add(new ContextOutcomes.Evaluated(ctx.split(plain), ctx.split(fix.labelProbabilities(
                                ctx.all()))));
                    }
                    List<IclPrompt> qs = ctx.all().subList(0, task.queries().size());
                    int[] toSampled = sampledIndex(d.asSampled(), order);
                    att[0][o] = attentionItems(Probe.on(model).prompts(qs).batchSize(options.batchSize())
                            .attentionAtLabels(), qs, heads, toSampled, k, options.attentionSpread());
                    for (int v = 0; v < fixes.size(); v++) {
                        att[1 + v][o] = attentionItems(fixes.get(v).attentionAtLabels(qs), qs, heads, toSampled, k,
                                options.attentionSpread());
                    }
                    for (int r = 0; r < nR; r++) {
                        Slot slot = slots.get(r);
                        Correction m = slot.correction();
                        ContextOutcomes.Outcome out = ev.get(slot.fix()).outcome(m, k, options.readout());
                        ms.add(Measurement.of(BiasKind.RECENCY, seeds[si], task, order.order(), m,
                                m.usesFix() ? variants.get(slot.fix()) : null, out));
                        orderAcc[r][o] = out.accuracy();
                        acc[r][si] += out.accuracy() / nO / nT;
                        fv[r][si] += out.fullVocabAccuracy() / nO / nT;
                        f1[r][si] += out.macroF1() / nO / nT;
                    }
                }
                for (int r = 0; r < nR; r++) {
                    accStd[r][si] += BiasMetrics.sampleStd(orderAcc[r]) / nT;
                }
                for (int a = 0; a < att.length; a++) {
                    attStd[a][si] += BiasMetrics.meanStdAcrossOrders(att[a]) / nT;
                }
            }
            LOG.info("recency study: seed {} done ({}/{})", seeds[si], si + 1, nS);
        }
        List<RecencyResult.Row> rows = new ArrayList<>();
        for (int r = 0; r < nR; r++) {
            Slot slot = slots.get(r);
            Correction m = slot.correction();
            double[] a = attStd[m.usesFix() ? 1 + slot.fix() : 0];
            rows.add(new RecencyResult.Row(m, m.usesFix() ? variants.get(slot.fix()) : null,
                    intervals.proportion(acc[r]), intervals.proportion(fv[r]), intervals.proportion(f1[r]),
                    intervals.interval(accStd[r]).within(0, Double.POSITIVE_INFINITY),
                    intervals.reduction(accStd[0], accStd[r]),
                    intervals.interval(a).within(0, Double.POSITIVE_INFINITY), intervals.reduction(attStd[0], a)));
        }
        return new RecencyResult(BiasStudy.describe(model), heads, BiasStudy.names(tasks), options, nO, rows, ms);
    }

    /**
     * One row of the recency study: a correction and the index of the fix variant it reads (0 for the
     * corrections without the fix). Every correction for the first variant, in {@link Correction} order (the rows
     * of a study without variants), then the corrections with the fix for each further variant.
     */
    private record Slot(Correction correction, int fix) {
        static List<Slot> all(List<RecencyFixVariant> variants) {
            List<Slot> out = new ArrayList<>();
            for (Correction c : Correction.values()) {
                out.add(new Slot(c, 0));
            }
            for (int v = 1; v < variants.size(); v++) {
                for (Correction c : Correction.values()) {
                    if (c.usesFix()) {
                        out.add(new Slot(c, v));
                    }
                }
            }
            return out;
        }
    }

    /** For each demonstration of {@code order}, its index in the sampled order (examples matched one to one). */
    static int[] sampledIndex(Demonstrations sampled, Demonstrations order) {
        List<Example> s = sampled.examples();
        boolean[] used = new boolean[s.size()];
        int[] out = new int[order.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = -1;
            for (int j = 0; j < s.size() && out[i] < 0; j++) {
                if (!used[j] && s.get(j).equals(order.get(i))) {
                    used[j] = true;
                    out[i] = j;
                }
            }
            if (out[i] < 0) {
                throw new IllegalStateException("demonstration " + i + " of " + order + " is not in " + sampled);
            }
        }
        return out;
    }

    /**
     * The attention items of one order, in an order-independent layout: per query and head either each
     * demonstration's attention (at index {@code toSampled[i]}, its place in the sampled order) or each class's
     * attention summed over its label positions.
     *
     * @param map       attention from the last position to each prompt's label positions (prompt order)
     * @param prompts   the query prompts of this order
     * @param heads     the heads to read
     * @param toSampled for each demonstration of this order, its index in the sampled order
     * @param k         number of classes
     * @param spread    per demonstration or per class
     * @return {@code [query][head][item]} flattened
     */
    static double[] attentionItems(AttentionMap map, List<? extends PromptTokens> prompts, List<HeadId> heads,
            int[] toSampled, int k, BiasOptions.AttentionSpread spread) {
        boolean perDemo = spread == BiasOptions.AttentionSpread.PER_DEMONSTRATION;
        int per = perDemo ? toSampled.length : k;
        double[] out = new double[prompts.size() * heads.size() * per];
        for (int q = 0; q < prompts.size(); q++) {
            int[] labels = prompts.get(q).demoLabels();
            for (int h = 0; h < heads.size(); h++) {
                float[] w = map.of(q, heads.get(h)); // at the prompt's label positions, in prompt order
                int base = (q * heads.size() + h) * per;
                for (int i = 0; i < w.length; i++) {
                    out[base + (perDemo ? toSampled[i] : labels[i])] += w[i];
                }
            }
        }
        return out;
    }
}
