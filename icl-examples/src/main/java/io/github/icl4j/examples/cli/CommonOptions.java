package io.github.icl4j.examples.cli;

import io.github.icl4j.HeadId;
import io.github.icl4j.ReadoutMetric;
import io.github.icl4j.OptionChecks;
import io.github.icl4j.bias.BiasOptions;
import io.github.icl4j.bias.RecencyFixVariant;
import io.github.icl4j.heads.AblationScreen;
import io.github.icl4j.heads.HeadOptions;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** The options every command shares. */
final class CommonOptions {
    @Spec(Spec.Target.MIXEE)
    CommandSpec mixee;

    @Option(names = "--model", paramLabel = "DIR|FILE.gguf",
            description = "A Hugging Face checkpoint directory (config.json, safetensors, tokenizer.json) or a "
                    + "GGUF file. Default: the built-in model.")
    Path model;

    @Option(names = "--data", paramLabel = "NAME",
            description = "A data set of the shared data directory (sst2, mr, subj, cr, mpqa, trec, agnews, sst5, "
                    + "dbpedia), used as a binary task of --classes. Default: the synthetic task's held-out "
                    + "class pairs.")
    String data;

    @Option(names = "--data-dir", paramLabel = "DIR",
            description = "The shared data directory (default: -Dicl.data.dir, $ICL_DATA_DIR or ../shared/data).")
    Path dataDir;

    @Option(names = "--classes", paramLabel = "A,B", split = ",", arity = "1",
            description = "The two classes of a multi-class data set, written as ' foo' and ' bar' "
                    + "(default: ${DEFAULT-VALUE}).", defaultValue = "0,1")
    int[] classes;

    @Option(names = "--device", paramLabel = "DEVICE", converter = OptionConverters.DeviceConverter.class, defaultValue = "cpu",
            description = "cpu, cuda or cuda:N (CUDA needs the gpu build profile; default: ${DEFAULT-VALUE}).")
    String device;

    @Option(names = "--dtype", paramLabel = "TYPE", converter = OptionConverters.DTypeConverter.class, defaultValue = "fp32",
            description = "fp32, bf16 or fp16 (default: ${DEFAULT-VALUE}).")
    String dtype;

    @Option(names = "--seed", defaultValue = "42", description = "Fixes every draw (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--prompts", paramLabel = "N",
            description = "Prompts to find the heads on, and as many to test them on (default: 200 for the "
                    + "built-in model, 40 for any other).")
    Integer prompts;

    @Option(names = "--shots", paramLabel = "K", defaultValue = "2",
            description = "Demonstrations per label (default: ${DEFAULT-VALUE}).")
    int shots;

    @Option(names = "--heads", paramLabel = "N",
            description = "Size of each top list (foo score, bar score, ablation drop) merged into the "
                    + "in-context heads (default: about 1%% of the heads, 1 to 10).")
    Integer heads;

    @Option(names = "--ablation-layers", paramLabel = "FROM:TO",
            description = "Layers [FROM, TO) the ablation ranking scans (default: the upper half).")
    String ablationLayers;

    @Option(names = "--labels", paramLabel = "W0,W1", split = ",",
            description = "The label words of class A and class B, each written after 'Label:' with a leading "
                    + "space (default: foo,bar; e.g. negative,positive for natural labels). Each must be one "
                    + "token.")
    List<String> labels;

    @Option(names = "--no-ablation",
            description = "Select the heads by the two score rankings alone, without the ablation ranking (a "
                    + "pass per head of the upper layers: slow on a large model).")
    boolean noAblation;

    @Option(names = "--readout", paramLabel = "MODE", defaultValue = "argmax",
            description = "How predictions are read into a number, in the ablation ranking, the intervention and "
                    + "the bias study: argmax (accuracy of the argmax over the label words), calibrated (accuracy "
                    + "after batch calibration: each label's log-probability centred over the evaluated prompts) "
                    + "or auroc (AUROC of the label logit difference, class B positive) (default: "
                    + "${DEFAULT-VALUE}).")
    String readout;

    @Option(names = "--ablation-screen", paramLabel = "MODE", defaultValue = "exhaustive",
            description = "How the ablation ranking picks the heads it removes: exhaustive (every head of the "
                    + "scanned layers), atp (none: attribution patching's estimate from one forward and one "
                    + "backward pass per prompt batch) or atp-verified (the --atp-verify heads of largest "
                    + "estimate truly removed and ranked first) (default: ${DEFAULT-VALUE}).")
    String ablationScreen;

    @Option(names = "--atp-verify", paramLabel = "N", defaultValue = "20",
            description = "Heads the atp-verified screen truly removes (default: ${DEFAULT-VALUE}).")
    int atpVerify;

    @Option(names = "--atp-graddrop",
            description = "Rank the AtP screen by AtP*'s GradDrop score (one more gradient pass per layer).")
    boolean atpGradDrop;

    @Option(names = "--use-heads", paramLabel = "L1H3,...", split = ",", converter = OptionConverters.HeadConverter.class,
            description = "Analyse these heads instead of finding them.")
    List<HeadId> useHeads;

    @Option(names = "--control-draws", paramLabel = "N", defaultValue = "5",
            description = "Random head sets of the intervention's control (default: ${DEFAULT-VALUE}).")
    int controlDraws = 5;   // kept where the option is dropped (ONLY_FOR)

    @Option(names = "--bias-seeds", paramLabel = "N",
            description = "Demonstration draws of the bias study (default: 5 for the built-in model, 3 for any "
                    + "other).")
    Integer biasSeeds;

    @Option(names = "--bias-tasks", paramLabel = "N",
            description = "Bias tasks (class pairs of the synthetic task; default: 6; a data set is 1 task).")
    Integer biasTasks;

    @Option(names = "--bias-queries", paramLabel = "N",
            description = "Queries per class and bias task (default: 20 for the built-in model, 25 for any "
                    + "other).")
    Integer biasQueries;

    @Option(names = "--permutations", paramLabel = "N", defaultValue = "4",
            description = "Seeded orders beside 'as sampled' and 'reversed' in the recency study "
                    + "(default: ${DEFAULT-VALUE}).")
    int permutations = 4;   // kept where the option is dropped (ONLY_FOR)

    @Option(names = "--recency-variants", paramLabel = "V,...", split = ",",
            description = "Recency fixes run side by side in the recency study, the first being the headline fix: "
                    + "last-row (rotary-free scores at the last position, the default), all-rows, label-keys (only "
                    + "the scores of the label positions), relative-term (the rotary's relative-position term "
                    + "scaled by 1 - lambda).")
    List<String> recencyVariants;

    @Option(names = "--relative-strength", paramLabel = "LAMBDA",
            description = "lambda of the relative-term recency fix: the share of the rotary's relative-position "
                    + "term removed from the score (default: 0.5, range [0, 1]).")
    Double relativeStrength;

    @Option(names = "--ac", paramLabel = "A",
            description = "a_c of the majority-label fix (default: tuned on tasks disjoint from the test tasks).")
    Double ac;

    @Option(names = "--tune-data", paramLabel = "NAME,...", split = ",",
            description = "Data sets a_c is tuned on, other tasks than --data with the same label words (e.g. cr,mr "
                    + "for sst2) (default: held-out queries of --data).")
    List<String> tuneData;

    @Option(names = "--batch", paramLabel = "N", defaultValue = "8",
            description = "Prompts per forward pass (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--threads", paramLabel = "N",
            description = "LibTorch threads (default: 1 for the built-in model, all cores for any other).")
    Integer threads;

    @Option(names = "--progress", paramLabel = "MODE", defaultValue = "auto",
            description = "auto (a bar on a terminal, plain lines otherwise), bar, plain or none "
                    + "(default: ${DEFAULT-VALUE}).")
    IclMain.ProgressMode progress;

    @Option(names = {"-v", "--verbose"}, description = "Library log messages and stack traces of errors.")
    boolean verbose;

    /**
     * The job options; a value the job refuses becomes a command-line error (exit 2).
     *
     * @throws ParameterException naming the option and why
     */
    JobOptions options(Path out) {
        CommandLine cl = mixee.commandLine();
        if (model != null && !Files.exists(model)) {
            throw new ParameterException(cl, "--model " + model + " does not exist (a Hugging Face checkpoint "
                    + "directory or a .gguf file)");
        }
        if (model != null && Files.isDirectory(model) && !Files.isRegularFile(model.resolve("config.json"))) {
            throw new ParameterException(cl, "--model " + model + " is a directory without config.json (a "
                    + "Hugging Face checkpoint directory or a .gguf file)");
        }
        if (dataDir != null && !Files.isDirectory(dataDir)) {
            throw new ParameterException(cl, "--data-dir " + dataDir + " is not a directory");
        }
        if (classes.length != 2) {
            throw new ParameterException(cl, "--classes needs two class indices A,B; got " + classes.length);
        }
        if (classes[0] == classes[1]) {
            // JobOptions names its fields --class-a and --class-b; on this command line they are one option
            throw new ParameterException(cl, "--classes " + classes[0] + "," + classes[1] + ": --class-a and "
                    + "--class-b are both " + classes[0] + "; choose two different class indices, e.g. 0,1");
        }
        if (classes[0] < 0 || classes[1] < 0) {
            throw new ParameterException(cl, "--classes " + classes[0] + "," + classes[1] + ": class indices "
                    + "out of range [0, +inf)");
        }
        int from = HeadOptions.UPPER_HALF;
        int to = HeadOptions.UPPER_HALF;
        if (ablationLayers != null) {
            String[] p = ablationLayers.split(":");
            try {
                if (p.length != 2) {
                    throw new NumberFormatException();
                }
                from = Integer.parseInt(p[0].trim());
                to = Integer.parseInt(p[1].trim());
            } catch (NumberFormatException e) {
                throw new ParameterException(cl, "--ablation-layers '" + ablationLayers + "' is not FROM:TO, "
                        + "e.g. 16:32");
            }
            if (from < 0 || to <= from) {
                throw new ParameterException(cl, "--ablation-layers [" + from + ", " + to + ") must satisfy 0 "
                        + "<= from < to (or be left out for the upper half)");
            }
        }
        try {
            // checked under the names the user typed before HeadOptions and BiasOptions check them again
            OptionChecks.inRange("--control-draws", controlDraws, 0, 1000);
            OptionChecks.inRange("--permutations", permutations, 1, 1000);
            OptionChecks.inRange("--batch", batch, 1, 4096);
            OptionChecks.inRange("--atp-verify", atpVerify, 0, 1_000_000);
            if (ac != null) {
                OptionChecks.check("--ac", ac, ac >= 0 && Double.isFinite(ac), "[0, +inf)");
            }
            JobOptions d = JobOptions.defaults();
            HeadOptions ho = d.heads().withAblationLayers(from, to).withControlDraws(controlDraws)
                    .withBatchSize(batch).withAblationScreen(AblationScreen.Strategy.parse(ablationScreen))
                    .withAttribution(d.heads().attribution().withVerifyTop(atpVerify).withGradDrop(atpGradDrop));
            ReadoutMetric rm = ReadoutMetric.parse(readout);
            ho = ho.withReadout(rm);
            BiasOptions bo = d.bias().withPermutations(permutations).withBatchSize(batch).withReadout(rm);
            if (ac != null) {
                bo = bo.withAc(ac);
            }
            bo = withRecencyVariants(bo);
            return JobOptionsBuilder.builder(d).model(model).data(data).dataDir(dataDir).classA(classes[0])
                    .classB(classes[1]).device(device).dtype(dtype).seed(seed)
                    .prompts(given(cl, "--prompts", prompts, 1)).shots(shots)
                    .topHeads(given(cl, "--heads", heads, 1)).ablation(!noAblation).useHeads(useHeads)
                    .biasSeeds(given(cl, "--bias-seeds", biasSeeds, 1))
                    .biasTasks(given(cl, "--bias-tasks", biasTasks, 1))
                    .biasQueries(given(cl, "--bias-queries", biasQueries, 1)).tuneAc(ac == null)
                    .tuneData(tuneData)
                    .threads(given(cl, "--threads", threads, 1)).out(out).labels(labels).heads(ho).bias(bo)
                    .build();
        } catch (IllegalArgumentException e) {
            throw new ParameterException(cl, e.getMessage(), e);
        }
    }

    /** The recency fix variants and λ given on the command line, checked under the option names. */
    private BiasOptions withRecencyVariants(BiasOptions bo) {
        if (relativeStrength != null) {
            OptionChecks.check("--relative-strength", relativeStrength,
                    relativeStrength >= 0 && relativeStrength <= 1, "[0, 1]");
            bo = bo.withRelativeTermStrength(relativeStrength);
        }
        if (recencyVariants == null) {
            return bo;
        }
        List<RecencyFixVariant> vs = new java.util.ArrayList<>();
        for (String v : recencyVariants) {
            try {
                vs.add(RecencyFixVariant.parse(v));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--recency-variants: " + e.getMessage(), e);
            }
        }
        if (new java.util.HashSet<>(vs).size() != vs.size()) {
            throw new IllegalArgumentException("--recency-variants " + String.join(",", recencyVariants)
                    + " repeats a variant; each must be distinct");
        }
        return bo.withRecencyVariants(vs);
    }

    /**
     * An option whose default depends on the model: left out, null (JobOptions' "choose for me"); given, at
     * least {@code min}, so that {@code --prompts 0} is an error rather than a silent default.
     */
    static Integer given(CommandLine cl, String option, Integer value, int min) {
        if (value != null && value < min) {
            throw new ParameterException(cl, OptionChecks.outOfRange(option, value, "[" + min + ", +inf)")
                    .getMessage() + " (leave it out for the default)");
        }
        return value;
    }

    Progress progress(PrintStream err) {
        return switch (progress) {
            case AUTO -> Progress.auto(err);
            case BAR -> Progress.bar(err);
            case PLAIN -> Progress.plain(err);
            case NONE -> Progress.silent();
        };
    }
}
