package io.github.icl4j.examples.cli;

import io.github.icl4j.bias.BiasComparison;
import io.github.icl4j.heads.InContextHeadSet;
import java.io.PrintWriter;
import picocli.CommandLine.Command;

/** {@code debias}. */
@Command(name = "debias", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Find the in-context heads, then measure majority-label and recency bias with no "
                + "correction, the calibration baselines, the in-context-head fixes and fix + calibration.")
final class DebiasCommand extends JobCommand {
    DebiasCommand() {
        super(JobSteps.DISCOVER_STEPS + JobSteps.DEBIAS_STEPS, JobSteps.DISCOVER_COST + JobSteps.DEBIAS_COST);
    }

    @Override
    void body(MainJob job, PrintWriter out) {
        InContextHeadSet set = job.discover();
        BiasComparison c = job.debias(set.heads());
        out.println(set);
        out.print(c);
    }
}
