package io.github.icl4j.examples.cli;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** The shared body of the commands: options, progress, the job. */
abstract class JobCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Spec
    CommandSpec spec;

    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    PrintStream errStream() {
        return new PrintStream(new WriterOutputStream(spec.commandLine().getErr()), true, StandardCharsets.UTF_8);
    }

    private final int steps;
    private final double cost;

    /**
     * A command of {@code steps} progress steps after opening, of expected cost {@code cost} (the progress bar's ETA
     * weighs steps by it).
     */
    JobCommand(int steps, double cost) {
        this.steps = steps;
        this.cost = cost;
    }

    abstract void body(MainJob job, PrintWriter out);

    @Override
    public Integer call() {
        JobOptions o = common.options(null);
        java.io.StringWriter result = new java.io.StringWriter();
        try (Progress p = common.progress(errStream())) {
            p.start("icl4j " + spec.name(), JobSteps.OPEN_STEPS + steps, JobSteps.OPEN_COST + cost);
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
