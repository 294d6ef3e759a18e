package io.github.icl4j.spark;

import io.github.icl4j.HeadId;
import io.github.icl4j.LoadOptions;
import io.github.icl4j.Model;
import io.github.icl4j.PromptTokens;
import io.github.icl4j.examples.builtin.BuiltinModel;
import io.github.icl4j.examples.cli.JobOptions;
import io.github.icl4j.examples.cli.JobOptionsBuilder;
import io.github.icl4j.examples.cli.Workload;
import io.github.icl4j.heads.AblationRanking;
import io.github.icl4j.heads.HeadOptions;
import io.github.icl4j.heads.HeadScores;
import io.github.icl4j.heads.InContextHeads;
import io.github.icl4j.heads.PromptAblations;
import io.github.icl4j.heads.PromptScores;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The one place icl-spark calls into icl-core, icl-heads and icl-examples: loading a model, building a cell's
 * prompts, scoring and ablating a shard of them, combining shards and running the same analyses in one JVM. When the
 * library's API moves, this class moves with it and nothing else in the module does.
 */
final class IclBackend {
    private IclBackend() {
    }

    /** Loads a model as the spec says (the built-in model from the class path). */
    static Model load(ModelSpec spec) {
        LoadOptions o = LoadOptions.defaults().withDevice(spec.device()).withDtype(spec.dtype());
        return spec.isBuiltin() ? BuiltinModel.load(o) : Model.load(Path.of(spec.path()), o);
    }

    /** The layers and heads of a loaded model: {@code {nLayers, nHeads}}. */
    static int[] shape(Model model) {
        return new int[] {model.config().nLayers(), model.config().nHeads()};
    }

    /**
     * The cell's prompts: the main job's head-finding prompt set for the same data, seed, size, shots and labels
     * ({@code Workload.find()}), tokenised by the model's tokenizer.
     */
    static List<PromptTokens> prompts(Model model, ModelSpec m, PromptSpec p) {
        // a fixed a_c: the workload then draws no tuning queries, only the prompts
        JobOptions o = JobOptionsBuilder.builder(JobOptions.defaults())
                .model(m.isBuiltin() ? null : Path.of(m.path())).data(p.synthetic() ? null : p.data())
                .dataDir(p.dataDir() == null ? null : Path.of(p.dataDir())).classA(p.classA()).classB(p.classB())
                .device(m.device()).dtype(m.dtype()).seed(p.seed()).prompts(p.prompts()).shots(p.shots())
                .labels(p.labels()).build()
                .withAc(0.03).resolve(model.config());
        return List.copyOf(Workload.of(model, o).find());
    }

    /**
     * The order the library batches prompts in (by length, then input order): consecutive runs of
     * {@code batchSize} of it are exactly the one-JVM forward passes, so a shard of them gives bit-identical numbers.
     */
    static int[] batchOrder(List<? extends PromptTokens> prompts) {
        Integer[] order = new Integer[prompts.size()];
        Arrays.setAll(order, i -> i);
        Arrays.sort(order, (a, b) -> {
            int la = prompts.get(a).tokenIds().length;
            int lb = prompts.get(b).tokenIds().length;
            return la != lb ? Integer.compare(la, lb) : Integer.compare(a, b);
        });
        return Arrays.stream(order).mapToInt(Integer::intValue).toArray();
    }

    /** The library's options for a spec. */
    static HeadOptions options(HeadSpec s) {
        return HeadOptions.defaults().withScoreExamples(s.scoreExamples()).withDatasetAveraging(s.datasetAveraging())
                .withUnembedBias(s.unembedBias())
                .withAblationLayers(s.ablationFrom() < 0 ? HeadOptions.UPPER_HALF : s.ablationFrom(),
                        s.ablationTo() < 0 ? HeadOptions.UPPER_HALF : s.ablationTo())
                .withAblateAt(s.ablateAt()).withProtocol(s.protocol()).withBatch(s.batchSize(), s.maxBatchRows());
    }

    /**
     * The ablated layer range {@code [from, to)} for a model of {@code nLayers}.
     *
     * @throws IllegalArgumentException when the spec's range does not fit the model
     */
    static int[] ablationLayers(HeadSpec s, int nLayers) {
        return options(s).ablationLayers(nLayers);
    }

    /** The label words of the prompts, as the model's tokenizer writes them. */
    static List<String> labelWords(Model model, List<? extends PromptTokens> prompts) {
        long[] ids = prompts.get(0).labelTokenIds();
        List<String> out = new ArrayList<>();
        for (long id : ids) {
            out.add(model.hasTokenizer() ? model.tokenizer().decode(id) : "#" + id);
        }
        return out;
    }

    /** Every head's score on each prompt of a shard. */
    static PromptScores score(Model model, HeadSpec s, List<? extends PromptTokens> shard) {
        return InContextHeads.of(model).options(options(s)).promptScores(shard);
    }

    /** Each prompt's outcome clean and with each head of layers {@code [from, to)} removed in turn. */
    static PromptAblations ablate(Model model, HeadSpec s, List<? extends PromptTokens> shard, int from, int to) {
        return InContextHeads.of(model).options(options(s)).promptAblations(shard, from, to);
    }

    /** Combines per-prompt scores of several data sets as {@code InContextHeads.scores} does. */
    static HeadScores combineScores(List<String> labelWords, int nLayers, int nHeads, HeadSpec s,
            Map<String, PromptScores> byDataset) {
        return HeadScores.combine(labelWords, nLayers, nHeads, options(s), byDataset);
    }

    /** Combines per-prompt ablation outcomes of several data sets as {@code InContextHeads.ablationRanking} does. */
    static AblationRanking combineAblations(int nLayers, int nHeads, HeadSpec s,
            Map<String, PromptAblations> byDataset) {
        return AblationRanking.combine(nLayers, nHeads, options(s), byDataset);
    }

    /** {@code InContextHeads.scores} in this JVM: the reference the distributed scores equal. */
    static HeadScores scoresInOneJvm(Model model, HeadSpec s, Map<String, List<PromptTokens>> byDataset) {
        return InContextHeads.of(model).options(options(s)).scores(byDataset);
    }

    /** {@code InContextHeads.ablationRanking} in this JVM. */
    static AblationRanking ablationRankingInOneJvm(Model model, HeadSpec s, Map<String, List<PromptTokens>> byDataset) {
        return InContextHeads.of(model).options(options(s)).ablationRanking(byDataset);
    }

    /** One of the summary's head lists: {@code L2H2 +0.412; L1H3 +0.101}. */
    static String top(HeadScores scores, int c, int n) {
        List<HeadId> top = scores.top(c, Math.min(n, scores.nLayers() * scores.nHeads()));
        StringBuilder sb = new StringBuilder();
        for (HeadId h : top) {
            sb.append(sb.length() == 0 ? "" : "; ").append(h).append(' ')
                    .append(String.format(java.util.Locale.ROOT, "%+.4f", scores.score(c, h)));
        }
        return sb.toString();
    }

    /** The ablation ranking's head list: {@code L2H2 -0.250; ...} (the drop in accuracy). */
    static String top(AblationRanking ranking, int n) {
        int scanned = (ranking.toLayer() - ranking.fromLayer()) * ranking.nHeads();
        StringBuilder sb = new StringBuilder();
        for (HeadId h : ranking.top(Math.min(n, scanned))) {
            sb.append(sb.length() == 0 ? "" : "; ").append(h).append(' ')
                    .append(String.format(java.util.Locale.ROOT, "%+.4f", ranking.drop(h)));
        }
        return sb.toString();
    }

    /** Each data set's clean accuracy {protocol a, protocol b}, by name. */
    static Map<String, double[]> baselines(AblationRanking ranking) {
        Map<String, double[]> out = new java.util.LinkedHashMap<>();
        for (AblationRanking.DatasetAblation d : ranking.datasets()) {
            out.put(d.name(), new double[] {d.baselineAccuracy(), d.baselineFullVocabAccuracy()});
        }
        return out;
    }

    /** Writes a text file whole or not at all. */
    static void writeAtomically(Path file, String text) {
        io.github.icl4j.runtime.AtomicFiles.writeString(file, text);
    }
}
