package io.github.icl4j.examples.cli;

import io.github.icl4j.DType;
import io.github.icl4j.DeviceSpec;
import io.github.icl4j.HeadId;
import io.github.icl4j.ReadoutMetric;
import io.github.icl4j.OptionChecks;
import io.github.icl4j.bias.BiasOptions;
import io.github.icl4j.bias.BiasComparison;
import io.github.icl4j.heads.AblationScreen;
import io.github.icl4j.heads.HeadOptions;
import io.github.icl4j.heads.InContextHeadSet;
import io.github.icl4j.heads.InterventionResult;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The main job's command line: {@code discover}, {@code intervene}, {@code analyse}, {@code debias} and
 * {@code report} (all of them, written to {@code --out} as one HTML page with JSON and CSV). Without options it
 * runs the built-in model on its synthetic task.
 *
 * <pre>
 * mvn -q -B -pl icl-examples exec:java -Dexec.args="report"
 * mvn -q -B -pl icl-examples exec:java -Dexec.args="discover --model /models/SmolLM2.gguf --data sst2 --prompts 40"
 * </pre>
 *
 * Exit codes: 0 success, 1 the library refused (one line on stderr says why), 2 a bad command line (picocli's
 * message and the usage). {@link #run(String...)} returns the code instead of exiting, for tests and embedding.
 */
@Command(name = "icl4j", mixinStandardHelpOptions = true, version = "icl4j 0.1.0-SNAPSHOT",
        description = "Find the in-context heads of a language model, test and analyse them, and measure and fix "
                + "few-shot biases (Yu & Ananiadou 2024). Without --model and --data: the built-in model on its "
                + "synthetic task.",
        subcommands = {IclMain.Discover.class, IclMain.Intervene.class, IclMain.Analyse.class, IclMain.Debias.class,
            IclMain.Report.class},
        sortOptions = false)
public final class IclMain implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    /** Picocli instantiates it. */
    public IclMain() {
    }

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        spec.commandLine().getErr().println("\nicl4j: name a command, e.g. 'report'");
        return CommandLine.ExitCode.USAGE;
    }

    /** Runs the command line and exits with its code. */
    public static void main(String[] args) {
        quietLogs(args);
        System.exit(run(args));
    }

    /** Library logs at WARN unless -v/--verbose asks for INFO (set before the first logger is made). */
    static void quietLogs(String[] args) {
        if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
            boolean verbose = List.of(args).contains("-v") || List.of(args).contains("--verbose");
            System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", verbose ? "info" : "warn");
        }
    }

    /** Runs the command line on the standard streams and returns the exit code (0, 1 or 2). */
    public static int run(String... args) {
        return run(System.out, System.err, args);
    }

    /** Runs the command line, writing to {@code out} and {@code err}; returns the exit code (0, 1 or 2). */
    public static int run(PrintStream out, PrintStream err, String... args) {
        CommandLine cl = commandLine(out, err);
        int code = cl.execute(args);
        cl.getOut().flush();
        cl.getErr().flush();
        return code;
    }

    /**
     * Options that only some commands use: every other command drops them, so its help lists only its own options
     * and giving one there is an "Unknown option" error instead of being silently ignored.
     */
    static final java.util.Map<String, List<String>> ONLY_FOR = java.util.Map.of(
            "--control-draws", List.of("intervene", "report"),
            "--bias-seeds", List.of("debias", "report"),
            "--bias-tasks", List.of("debias", "report"),
            "--bias-queries", List.of("debias", "report"),
            "--permutations", List.of("debias", "report"),
            "--ac", List.of("debias", "report"));

    static CommandLine commandLine(PrintStream out, PrintStream err) {
        CommandLine cl = new CommandLine(new IclMain());
        cl.getSubcommands().forEach((name, sub) -> {
            CommandSpec spec = sub.getCommandSpec();
            ONLY_FOR.forEach((option, commands) -> {
                if (!commands.contains(spec.name()) && spec.findOption(option) != null) {
                    spec.remove(spec.findOption(option));
                }
            });
        });
        cl.setOut(new PrintWriter(new java.io.OutputStreamWriter(out, StandardCharsets.UTF_8), true));
        cl.setErr(new PrintWriter(new java.io.OutputStreamWriter(err, StandardCharsets.UTF_8), true));
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        cl.setExecutionExceptionHandler((ex, cmd, parse) -> {
            cmd.getErr().println("icl4j: error: " + oneLine(ex));
            if (parse.hasMatchedOption("--verbose")) {
                ex.printStackTrace(cmd.getErr());
            }
            return CommandLine.ExitCode.SOFTWARE;
        });
        return cl;
    }

    /** The exception's message (and its cause's, when it adds something) on one line. */
    static String oneLine(Throwable ex) {
        String m = ex.getMessage() == null || ex.getMessage().isBlank() ? ex.getClass().getSimpleName()
                : ex.getMessage();
        Throwable c = ex.getCause();
        if (c != null && c.getMessage() != null && !m.contains(c.getMessage())) {
            m = m + ": " + c.getMessage();
        }
        return m.replace("\r", " ").replace('\n', ' ').strip();
    }

    /** How progress is shown. */
    enum ProgressMode {
        /** A bar on a terminal, plain lines otherwise. */
        AUTO,
        /** Always a bar. */
        BAR,
        /** Plain lines. */
        PLAIN,
        /** Nothing. */
        NONE
    }

    /** The options every command shares. */
    static final class Common {
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

        @Option(names = "--device", paramLabel = "DEVICE", converter = DeviceConverter.class, defaultValue = "cpu",
                description = "cpu, cuda or cuda:N (CUDA needs the gpu build profile; default: ${DEFAULT-VALUE}).")
        String device;

        @Option(names = "--dtype", paramLabel = "TYPE", converter = DTypeConverter.class, defaultValue = "fp32",
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

        @Option(names = "--ablation-screen", paramLabel = "MODE", defaultValue = "exhaustive",
                description = "How the ablation ranking picks the heads it removes: exhaustive (every head of the "
                        + "scanned layers), atp (none: attribution patching's estimate from one forward and one "
                        + "backward pass per prompt batch) or atp-verified (the --atp-verify heads of largest "
                        + "estimate truly removed and ranked first) (default: ${DEFAULT-VALUE}).")
        String ablationScreen;

        @Option(names = "--readout", paramLabel = "MODE", defaultValue = "argmax",
                description = "How predictions are read into a number, in the ablation ranking, the intervention and "
                        + "the bias study: argmax (accuracy of the argmax over the label words), calibrated (accuracy "
                        + "after batch calibration: each label's log-probability centred over the evaluated prompts) "
                        + "or auroc (AUROC of the label logit difference, class B positive) (default: "
                        + "${DEFAULT-VALUE}).")
        String readout;

        @Option(names = "--atp-verify", paramLabel = "N", defaultValue = "20",
                description = "Heads the atp-verified screen truly removes (default: ${DEFAULT-VALUE}).")
        int atpVerify;

        @Option(names = "--atp-graddrop",
                description = "Rank the AtP screen by AtP*'s GradDrop score (one more gradient pass per layer).")
        boolean atpGradDrop;

        @Option(names = "--use-heads", paramLabel = "L1H3,...", split = ",", converter = HeadConverter.class,
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

        @Option(names = "--ac", paramLabel = "A",
                description = "a_c of the majority-label fix (default: tuned on tasks disjoint from the test tasks).")
        Double ac;

        @Option(names = "--batch", paramLabel = "N", defaultValue = "8",
                description = "Prompts per forward pass (default: ${DEFAULT-VALUE}).")
        int batch;

        @Option(names = "--threads", paramLabel = "N",
                description = "LibTorch threads (default: 1 for the built-in model, all cores for any other).")
        Integer threads;

        @Option(names = "--progress", paramLabel = "MODE", defaultValue = "auto",
                description = "auto (a bar on a terminal, plain lines otherwise), bar, plain or none "
                        + "(default: ${DEFAULT-VALUE}).")
        ProgressMode progress;

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
                        + "out of range [0, ...)");
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
                return JobOptionsBuilder.builder(d).model(model).data(data).dataDir(dataDir).classA(classes[0])
                        .classB(classes[1]).device(device).dtype(dtype).seed(seed)
                        .prompts(given(cl, "--prompts", prompts, 1)).shots(shots)
                        .topHeads(given(cl, "--heads", heads, 1)).ablation(!noAblation).useHeads(useHeads)
                        .biasSeeds(given(cl, "--bias-seeds", biasSeeds, 1))
                        .biasTasks(given(cl, "--bias-tasks", biasTasks, 1))
                        .biasQueries(given(cl, "--bias-queries", biasQueries, 1)).tuneAc(ac == null)
                        .threads(given(cl, "--threads", threads, 1)).out(out).labels(labels).heads(ho).bias(bo)
                        .build();
            } catch (IllegalArgumentException e) {
                throw new ParameterException(cl, e.getMessage(), e);
            }
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

    /** Checks a device name at parse time. */
    static final class DeviceConverter implements CommandLine.ITypeConverter<String> {
        @Override
        public String convert(String value) {
            try {
                return DeviceSpec.parse(value).toString();
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }

    /** Checks a dtype name at parse time. */
    static final class DTypeConverter implements CommandLine.ITypeConverter<String> {
        @Override
        public String convert(String value) {
            try {
                return DType.parse(value).toString();
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }

    /** Parses {@code L14H3}. */
    static final class HeadConverter implements CommandLine.ITypeConverter<HeadId> {
        @Override
        public HeadId convert(String value) {
            try {
                return HeadId.parse(value.trim());
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }

    /** The shared body of the commands: options, progress, the job. */
    abstract static class Base implements Callable<Integer> {
        @Mixin
        Common common;

        @Spec
        CommandSpec spec;

        PrintWriter out() {
            return spec.commandLine().getOut();
        }

        PrintStream errStream() {
            return new PrintStream(new WriterOutputStream(spec.commandLine().getErr()), true, StandardCharsets.UTF_8);
        }

        abstract int steps();

        /** The expected cost of the steps after opening (the progress bar's ETA weighs steps by it). */
        abstract double cost();

        abstract void body(MainJob job, PrintWriter out);

        @Override
        public Integer call() {
            JobOptions o = common.options(null);
            java.io.StringWriter result = new java.io.StringWriter();
            try (Progress p = common.progress(errStream())) {
                p.start("icl4j " + spec.name(), MainJob.OPEN_STEPS + steps(), MainJob.OPEN_COST + cost());
                try (MainJob job = MainJob.open(o, p)) {
                    body(job, new PrintWriter(result));
                }
            }
            // after the progress output, so the two never interleave
            out().print(result);
            out().flush();
            return CommandLine.ExitCode.OK;
        }
    }

    /** {@code discover}. */
    @Command(name = "discover", mixinStandardHelpOptions = true, sortOptions = false,
            description = "Score every head, rank the upper layers' heads by ablation and merge the top lists into "
                    + "the in-context heads.")
    static final class Discover extends Base {
        @Override
        int steps() {
            return MainJob.DISCOVER_STEPS;
        }

        @Override
        double cost() {
            return MainJob.DISCOVER_COST;
        }

        @Override
        void body(MainJob job, PrintWriter out) {
            InContextHeadSet set = job.discover();
            out.print(set.describe());
            if (set.ablation() != null) {
                out.println(set.ablation());
            }
            out.println(set.scores());
        }
    }

    /** {@code intervene}. */
    @Command(name = "intervene", mixinStandardHelpOptions = true, sortOptions = false,
            description = "Find the in-context heads, zero them on other prompts and compare with zeroing as many "
                    + "random heads of the same layers.")
    static final class Intervene extends Base {
        @Override
        int steps() {
            return MainJob.DISCOVER_STEPS + 1;
        }

        @Override
        double cost() {
            return MainJob.DISCOVER_COST + MainJob.INTERVENE_COST;
        }

        @Override
        void body(MainJob job, PrintWriter out) {
            InContextHeadSet set = job.discover();
            InterventionResult r = job.intervene(set);
            out.println(set);
            out.print(r.describe());
            out.println("  control: " + job.control(set));
        }
    }

    /** {@code analyse}. */
    @Command(name = "analyse", aliases = "analyze", mixinStandardHelpOptions = true, sortOptions = false,
            description = "Find the in-context heads and show what they write (value outputs), where they look "
                    + "(attention by prediction) and how query · key tracks sentence similarity (two towers).")
    static final class Analyse extends Base {
        @Override
        int steps() {
            return MainJob.DISCOVER_STEPS + MainJob.ANALYSE_STEPS;
        }

        @Override
        double cost() {
            return MainJob.DISCOVER_COST + MainJob.ANALYSE_COST;
        }

        @Override
        void body(MainJob job, PrintWriter out) {
            InContextHeadSet set = job.discover();
            MainJob.Analysis a = job.analyse(set);
            out.println(set);
            out.print(a.describe());
        }
    }

    /** {@code debias}. */
    @Command(name = "debias", mixinStandardHelpOptions = true, sortOptions = false,
            description = "Find the in-context heads, then measure majority-label and recency bias with no "
                    + "correction, the calibration baselines, the in-context-head fixes and fix + calibration.")
    static final class Debias extends Base {
        @Override
        int steps() {
            return MainJob.DISCOVER_STEPS + MainJob.DEBIAS_STEPS;
        }

        @Override
        double cost() {
            return MainJob.DISCOVER_COST + MainJob.DEBIAS_COST;
        }

        @Override
        void body(MainJob job, PrintWriter out) {
            InContextHeadSet set = job.discover();
            BiasComparison c = job.debias(set.heads());
            out.println(set);
            out.print(c);
        }
    }

    /** {@code report}. */
    @Command(name = "report", mixinStandardHelpOptions = true, sortOptions = false,
            description = "Run every step and write report.html (one self-contained page), report.json, "
                    + "headline.json, summary.md and CSV files into --out.")
    static final class Report implements Callable<Integer> {
        @Mixin
        Common common;

        @Spec
        CommandSpec spec;

        @Option(names = "--out", paramLabel = "DIR", defaultValue = "icl4j-report",
                description = "Where the report goes (default: ${DEFAULT-VALUE}).")
        Path out;

        @Override
        public Integer call() {
            JobOptions o = common.options(out);
            PrintStream err = new PrintStream(new WriterOutputStream(spec.commandLine().getErr()), true,
                    StandardCharsets.UTF_8);
            MainJob.Report r;
            try (Progress p = common.progress(err)) {
                r = MainJob.report(o, p);
            }
            PrintWriter w = spec.commandLine().getOut();
            w.print(r.headline().table());
            w.println();
            r.headline().notes().forEach(n -> w.println("- " + n));
            w.printf(Locale.ROOT, "%nReport: %s (%d files in %s, %.1f s)%n", r.html().toAbsolutePath(),
                    r.files().size(), r.html().toAbsolutePath().getParent(), r.seconds());
            w.flush();
            return CommandLine.ExitCode.OK;
        }
    }

    /** Bytes to a writer (UTF-8): lets the progress output share picocli's error writer. */
    static final class WriterOutputStream extends java.io.OutputStream {
        private final PrintWriter w;
        private final java.io.ByteArrayOutputStream buf = new java.io.ByteArrayOutputStream();

        WriterOutputStream(PrintWriter w) {
            this.w = w;
        }

        @Override
        public void write(int b) {
            buf.write(b);
            if (b == '\n' || b == '\r') {
                flush();
            }
        }

        @Override
        public void flush() {
            w.write(buf.toString(StandardCharsets.UTF_8));
            w.flush();
            buf.reset();
        }
    }
}
