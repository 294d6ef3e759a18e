package io.github.icl4j.bias;

import io.github.icl4j.Demonstrations;
import io.github.icl4j.HeadId;
import io.github.icl4j.Model;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@link BiasStudy#majority}: the majority-label study (METHOD §5.1) with every correction. */
final class MajorityStudy {
    private static final Logger LOG = LoggerFactory.getLogger(BiasStudy.class);

    private MajorityStudy() {
    }

    /** The study as {@link BiasStudy#majority} documents it (the tasks already checked). */
    static MajorityResult run(Model model, List<HeadId> heads, BiasOptions options, StudyPrompts prompts,
            List<BiasTask> tasks) {
        StudyIntervals intervals = new StudyIntervals(options);
        if (options.perClass() < 2) {
            throw new IllegalArgumentException("the majority-label study needs perClass >= 2 so that a class keeps a "
                    + "demonstration when one is dropped; got perClass " + options.perClass() + " (range [2, 64])");
        }
        MajorityLabelFix fix = MajorityLabelFix.of(model, heads).ac(options.ac()).batchSize(options.batchSize());
        long[] seeds = options.seedArray();
        Correction[] cs = Correction.values();
        int nS = seeds.length;
        int nT = tasks.size();
        double[][] fluct = new double[cs.length][nS];
        double[][] acc = new double[cs.length][nS];
        double[][] fv = new double[cs.length][nS];
        double[][] f1 = new double[cs.length][nS];
        double[][] bal = new double[cs.length][nS];
        List<Measurement> ms = new ArrayList<>();
        for (int si = 0; si < nS; si++) {
            for (int ti = 0; ti < nT; ti++) {
                BiasTask task = tasks.get(ti);
                int k = task.numClasses();
                List<String> domain = prompts.domainInputs(task, ti, seeds[si]);
                Demonstrations d = prompts.draw(task, ti, seeds[si], domain);
                ContextOutcomes.Evaluated balanced = context(fix, options, prompts, task, d, domain);
                ContextOutcomes.Evaluated[] less = new ContextOutcomes.Evaluated[k];
                for (int c = 0; c < k; c++) {
                    less[c] = context(fix, options, prompts, task, d.withoutOne(c), domain);
                }
                for (Correction m : cs) {
                    ContextOutcomes.Outcome b = balanced.outcome(m, k, options.readout());
                    ms.add(Measurement.of(BiasKind.MAJORITY, seeds[si], task, "balanced", m, null, b));
                    double[] lessAcc = new double[k];
                    double sumFv = 0;
                    double sumF1 = 0;
                    for (int c = 0; c < k; c++) {
                        ContextOutcomes.Outcome o = less[c].outcome(m, k, options.readout());
                        ms.add(Measurement.of(BiasKind.MAJORITY, seeds[si], task, "without one of class " + c, m,
                                null, o));
                        lessAcc[c] = o.accuracy();
                        sumFv += o.fullVocabAccuracy();
                        sumF1 += o.macroF1();
                    }
                    int mi = m.ordinal();
                    fluct[mi][si] += BiasMetrics.fluctuation(b.accuracy(), lessAcc, options.fluctuation()) / nT;
                    acc[mi][si] += Interval.mean(lessAcc) / nT;
                    fv[mi][si] += sumFv / k / nT;
                    f1[mi][si] += sumF1 / k / nT;
                    bal[mi][si] += b.accuracy() / nT;
                }
            }
            LOG.info("majority-label study: seed {} done ({}/{})", seeds[si], si + 1, nS);
        }
        List<MajorityResult.Row> rows = new ArrayList<>();
        for (Correction m : cs) {
            int mi = m.ordinal();
            rows.add(new MajorityResult.Row(m, intervals.proportion(acc[mi]), intervals.proportion(fv[mi]),
                    intervals.proportion(f1[mi]), intervals.proportion(bal[mi]), intervals.fluctuation(fluct[mi]),
                    intervals.reduction(fluct[0], fluct[mi])));
        }
        return new MajorityResult(BiasStudy.describe(model), heads, BiasStudy.names(tasks), options, rows, ms);
    }

    /** The outcomes of one demonstration set without and with the fix, on the same forward pass. */
    private static ContextOutcomes.Evaluated context(MajorityLabelFix fix, BiasOptions options, StudyPrompts prompts,
            BiasTask task, Demonstrations d, List<String> domain) {
        StudyPrompts.Context ctx = prompts.context(task, d, domain);
        List<MajorityLabelFix.State> states = fix.states(ctx.all());
        return new ContextOutcomes.Evaluated(ctx.split(fix.apply(states, 0)),
                ctx.split(fix.apply(states, options.ac())));
    }
}
