package io.github.icl4j.bias;

import io.github.icl4j.Demonstrations;
import io.github.icl4j.Example;
import io.github.icl4j.IclPrompt;
import io.github.icl4j.LabelProbabilities;
import io.github.icl4j.Model;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The prompts of a bias study (METHOD §5's protocol): per seed and task one demonstration set drawn from the pool,
 * never containing a query or a calibration input, the domain-context inputs, and the prompts of the queries and
 * the calibration inputs with one demonstration arrangement, each checked to fit the model's context.
 */
final class StudyPrompts {
    private final Model model;
    private final BiasOptions options;
    private final IclPrompt.Builder builder;

    /** Prompts for {@code model} with {@code options}, built by {@code builder} (null: the tokenizer's default). */
    StudyPrompts(Model model, BiasOptions options, IclPrompt.Builder builder) {
        this.model = model;
        this.options = options;
        this.builder = builder;
    }

    /** The builder given, or the tokenizer's default one. */
    private IclPrompt.Builder builder() {
        return builder != null ? builder : IclPrompt.builder(model.tokenizer());
    }

    /** The demonstrations of one seed and task, never containing a query or a calibration input. */
    Demonstrations draw(BiasTask task, int ti, long seed, List<String> domain) {
        int[] counts = new int[task.numClasses()];
        Arrays.fill(counts, options.perClass());
        List<Example> exclude = new ArrayList<>(task.queries());
        options.contentFreeInputs().forEach(t -> exclude.add(Example.unlabelled(t)));
        domain.forEach(t -> exclude.add(Example.unlabelled(t)));
        return Demonstrations.sampleExcluding(task.pool(), counts, mix(seed, ti, 0), exclude);
    }

    /** The domain-context inputs of one seed and task (drawn from the pool or the queries, as the options say). */
    List<String> domainInputs(BiasTask task, int ti, long seed) {
        List<String> corpus = options.domainCorpus() == BiasOptions.DomainCorpus.POOL
                ? task.pool().examples().stream().map(Example::text).toList()
                : task.queries().stream().map(Example::text).toList();
        return Calibration.domainInputs(corpus, options.domainInputs(), mix(seed, ti, 1_000_003));
    }

    /** The task's queries with these demonstrations, checked to fit the context. */
    List<IclPrompt> queryPrompts(Demonstrations d, BiasTask task) {
        List<IclPrompt> ps = builder().buildAll(d, task.queries());
        ps.forEach(p -> p.checkFits(model.config().maxPositions()));
        return ps;
    }

    /** Queries, content-free inputs and domain inputs with one demonstration arrangement. */
    Context context(BiasTask task, Demonstrations d, List<String> domain) {
        List<Example> all = new ArrayList<>(task.queries());
        options.contentFreeInputs().forEach(t -> all.add(Example.unlabelled(t)));
        domain.forEach(t -> all.add(Example.unlabelled(t)));
        int max = model.config().maxPositions();
        List<IclPrompt> ps = builder().buildAll(d, all);
        ps.forEach(p -> p.checkFits(max));
        return new Context(ps, task.queries().size(), options.contentFreeInputs().size());
    }

    /**
     * The prompts of one demonstration arrangement: the queries, then the content-free inputs, then the domain
     * inputs.
     */
    record Context(List<IclPrompt> all, int nQueries, int nContentFree) {
        /** The label outcomes of {@link #all} split into queries, content-free and domain inputs. */
        ContextOutcomes.Rows split(LabelProbabilities lp) {
            List<LabelProbabilities.Row> r = lp.rows();
            return new ContextOutcomes.Rows(r.subList(0, nQueries), r.subList(nQueries, nQueries + nContentFree),
                    r.subList(nQueries + nContentFree, r.size()));
        }
    }

    /** A seed for one purpose, derived from the study seed, the task index and a stream number (SplitMix64). */
    static long mix(long seed, int task, int stream) {
        long z = seed * 0x9E3779B97F4A7C15L + (task + 1) * 0xBF58476D1CE4E5B9L + (stream + 1) * 0x94D049BB133111EBL;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
