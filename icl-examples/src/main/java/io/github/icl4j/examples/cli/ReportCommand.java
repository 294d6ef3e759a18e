package io.github.icl4j.examples.cli;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
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
                + "headline.json, summary.md and CSV files into --out; with --seeds, one such report per seed in "
                + "--out/seed-S and the numbers over the seeds in seeds.md, seeds.csv, seed_heads.csv, seeds.json "
                + "and seeds.html.")
final class ReportCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Spec
    CommandSpec spec;

    @Option(names = "--out", paramLabel = "DIR", defaultValue = "icl4j-report",
            description = "Where the report goes (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--seeds", paramLabel = "SEED", split = ",",
            description = "Run the job once per seed into --out/seed-S, then write every headline number's per-seed "
                    + "values, mean and 95%% t interval over the seeds (seeds.md, seeds.csv, seeds.json, "
                    + "seeds.html) and how often each head was selected (seed_heads.csv). A seed folder that already "
                    + "holds a complete report made with the same options is read back, not rerun. Instead of --seed.")
    List<Long> seeds;

    @Override
    public Integer call() {
        if (seeds != null) {
            return sweep();
        }
        JobOptions o = common.options(out);
        PrintStream err = new PrintStream(new WriterOutputStream(spec.commandLine().getErr()), true,
                StandardCharsets.UTF_8);
        MainJob.Report r;
        try (Progress p = common.progress(err)) {
            r = MainJob.report(o, p);
        }
        PrintWriter w = spec.commandLine().getOut();
        w.print(HeadlineText.table(r.headline()));
        w.println();
        HeadlineText.notes(r.headline()).forEach(n -> w.println("- " + n));
        w.printf(Locale.ROOT, "%nReport: %s (%d files in %s, %.1f s)%n", r.html().toAbsolutePath(),
                r.files().size(), r.html().toAbsolutePath().getParent(), r.seconds());
        w.flush();
        return CommandLine.ExitCode.OK;
    }

    /** {@code --seeds}: the job per seed and the summary over them. */
    private Integer sweep() {
        if (spec.commandLine().getParseResult().hasMatchedOption("--seed")) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--seed " + common.seed + " and --seeds "
                    + seeds.stream().map(String::valueOf).collect(java.util.stream.Collectors.joining(","))
                    + " both given; give one seed with --seed or several with --seeds");
        }
        JobOptions o = common.options(out);
        PrintStream err = new PrintStream(new WriterOutputStream(spec.commandLine().getErr()), true,
                StandardCharsets.UTF_8);
        SeedSweep.Result r;
        try (Progress p = common.progress(err)) {
            r = SeedSweep.run(o, seeds, p);
        }
        PrintWriter w = spec.commandLine().getOut();
        w.print(SeedSummaryReport.markdown(r.summary()));
        w.printf(Locale.ROOT, "%nSummary: %s (%d seeds, %d run, %d read back, %.1f s)%n",
                o.out().resolve("seeds.md").toAbsolutePath(), r.summary().seeds().size(),
                r.summary().runs().stream().filter(x -> !x.resumed()).count(),
                r.summary().runs().stream().filter(SeedSummary.SeedRun::resumed).count(), r.seconds());
        w.flush();
        return CommandLine.ExitCode.OK;
    }
}
