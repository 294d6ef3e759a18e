package io.github.icl4j.examples.cli;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
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
        subcommands = {DiscoverCommand.class, InterveneCommand.class, AnalyseCommand.class, DebiasCommand.class,
            ReportCommand.class},
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
            "--ac", List.of("debias", "report"),
            "--tune-data", List.of("debias", "report"),
            "--recency-variants", List.of("debias", "report"),
            "--relative-strength", List.of("debias", "report"));

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
}
