package io.github.icl4j.examples;

import io.github.icl4j.examples.builtin.BuiltinModel;
import io.github.icl4j.examples.builtin.SyntheticPrompts;
import io.github.icl4j.Demonstrations;
import io.github.icl4j.Example;
import io.github.icl4j.IclPrompt;
import io.github.icl4j.LabelProbabilities;
import io.github.icl4j.Model;
import io.github.icl4j.Probe;
import io.github.icl4j.bias.BiasTask;
import io.github.icl4j.bias.Calibration;
import io.github.icl4j.train.SyntheticIclTask;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Example: the calibration baselines (METHOD §6) by hand, on six tasks (held-out class pairs), each with one
 * demonstration set whose labels are imbalanced (3 foo, 1 bar) shared by all its queries. Each baseline is
 * arithmetic on label probabilities:
 * <ul>
 *   <li><b>contextual</b> (Zhao et al. 2021): divide by the probabilities of "N/A", "" and "[MASK]" in the same
 *       prompt;</li>
 *   <li><b>domain-context</b> (Fei et al. 2023): the same with 20 strings of random words from the task's
 *       sentences;</li>
 *   <li><b>batch</b> (Zhou et al. 2023): subtract the mean probability over the queries.</li>
 * </ul>
 *
 * <pre>
 * mvn -q -pl icl-examples exec:java -Dexec.mainClass=io.github.icl4j.examples.CalibrationBaselines
 * </pre>
 */
public final class CalibrationBaselines {
    private CalibrationBaselines() {
    }

    /**
     * One correction, over all tasks.
     *
     * @param kind     the calibration
     * @param prior    its prior p(foo), p(bar) averaged over the tasks (null for none and batch)
     * @param accuracy accuracy over all queries
     * @param fooRate  fraction of queries predicted foo
     */
    public record Row(Calibration.Kind kind, double[] prior, double accuracy, double fooRate) {
    }

    /**
     * What the example found.
     *
     * @param tasks   tasks (class pairs)
     * @param queries queries over all tasks (half foo, half bar)
     * @param rows    none, contextual, domain-context and batch calibration
     */
    public record Result(int tasks, int queries, List<Row> rows) {
        /** The row of one calibration. */
        public Row row(Calibration.Kind kind) {
            return rows.stream().filter(r -> r.kind() == kind).findFirst().orElseThrow();
        }

        /** A table. */
        @Override
        public String toString() {
            StringBuilder sb = new StringBuilder(String.format(Locale.ROOT,
                    "%d tasks with 3 foo + 1 bar demonstrations, %d queries (half foo, half bar)%n%-12s %-22s %-9s %s%n",
                    tasks, queries, "calibration", "prior p(foo), p(bar)", "accuracy", "predicted foo"));
            for (Row r : rows) {
                sb.append(String.format(Locale.ROOT, "%-12s %-22s %-9.3f %.3f%n",
                        r.kind().name().toLowerCase(Locale.ROOT), r.prior() == null ? "–"
                                : String.format(Locale.ROOT, "%.3f, %.3f", r.prior()[0], r.prior()[1]),
                        r.accuracy(), r.fooRate()));
            }
            return sb.toString();
        }
    }

    /** Runs the example. */
    public static Result run() {
        Calibration.Kind[] kinds = Calibration.Kind.values();
        int[] correct = new int[kinds.length];
        int[] foo = new int[kinds.length];
        double[][] priors = new double[kinds.length][2];
        int n = 0;
        try (Model model = BuiltinModel.load(); SyntheticIclTask task = BuiltinModel.task()) {
            IclPrompt.Builder builder = IclPrompt.builder(model.tokenizer());
            List<BiasTask> tasks = SyntheticPrompts.biasTasks(task, 0, 6, 20, 20, 42);
            for (BiasTask t : tasks) {
                // 3 foo and 1 bar demonstrations, shared by every query and calibration input of the task
                Demonstrations demos = Demonstrations.sampleExcluding(t.pool(), new int[] {3, 1}, 5, t.queries());
                double[][] queries = probs(model, builder.buildAll(demos, t.queries()));
                double[][] contentFree = probs(model, builder.buildAll(demos, unlabelled(Calibration.CONTENT_FREE)));
                List<String> corpus = t.pool().examples().stream().map(Example::text).toList();
                double[][] domain = probs(model, builder.buildAll(demos,
                        unlabelled(Calibration.domainInputs(corpus, 20, 1))));
                int[] gold = t.queries().stream().mapToInt(Example::label).toArray();
                for (Calibration.Kind k : kinds) {
                    double[][] prior = k == Calibration.Kind.CONTEXTUAL ? contentFree
                            : k == Calibration.Kind.DOMAIN ? domain : null;
                    int[] predicted = Calibration.predict(k, queries, prior);
                    for (int i = 0; i < gold.length; i++) {
                        correct[k.ordinal()] += predicted[i] == gold[i] ? 1 : 0;
                        foo[k.ordinal()] += predicted[i] == 0 ? 1 : 0;
                    }
                    if (prior != null) {
                        double[] p = Calibration.prior(prior);
                        priors[k.ordinal()][0] += p[0] / tasks.size();
                        priors[k.ordinal()][1] += p[1] / tasks.size();
                    }
                }
                n += gold.length;
            }
            List<Row> rows = new ArrayList<>();
            for (Calibration.Kind k : kinds) {
                boolean hasPrior = k == Calibration.Kind.CONTEXTUAL || k == Calibration.Kind.DOMAIN;
                rows.add(new Row(k, hasPrior ? priors[k.ordinal()] : null, (double) correct[k.ordinal()] / n,
                        (double) foo[k.ordinal()] / n));
            }
            return new Result(tasks.size(), n, rows);
        }
    }

    private static double[][] probs(Model model, List<IclPrompt> prompts) {
        LabelProbabilities lp = Probe.on(model).prompts(prompts).labelProbabilities();
        return lp.rows().stream().map(LabelProbabilities.Row::probs).toArray(double[][]::new);
    }

    private static List<Example> unlabelled(List<String> texts) {
        return texts.stream().map(Example::unlabelled).toList();
    }

    /** Prints the example's result. */
    public static void main(String[] args) {
        System.out.println(run());
    }
}
