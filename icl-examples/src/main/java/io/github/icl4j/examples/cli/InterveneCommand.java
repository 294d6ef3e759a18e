package io.github.icl4j.examples.cli;

import io.github.icl4j.heads.InContextHeadSet;
import io.github.icl4j.heads.InterventionResult;
import io.github.icl4j.heads.report.HeadsText;
import java.io.PrintWriter;
import picocli.CommandLine.Command;

/** {@code intervene}. */
@Command(name = "intervene", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Find the in-context heads, zero them on other prompts and compare with zeroing as many "
                + "random heads of the same layers.")
final class InterveneCommand extends JobCommand {
    InterveneCommand() {
        super(JobSteps.DISCOVER_STEPS + 1, JobSteps.DISCOVER_COST + JobSteps.INTERVENE_COST);
    }

    @Override
    void body(MainJob job, PrintWriter out) {
        InContextHeadSet set = job.discover();
        InterventionResult r = job.intervene(set);
        out.println(set);
        out.print(HeadsText.summary(r));
        out.println("  control: " + job.control(set));
    }
}
