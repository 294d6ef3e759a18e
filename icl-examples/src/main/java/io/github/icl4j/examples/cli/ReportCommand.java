package io.github.icl4j.examples.cli;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code report}. */
@Command(name = "report", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Run every step and write report.html (one self-contained page), report.json, "
                + "headline.json, summary.md and CSV files into --out.")
final class ReportCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

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
