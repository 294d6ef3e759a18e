package io.github.icl4j.examples.cli;

import io.github.icl4j.heads.InContextHeadSet;
import io.github.icl4j.heads.report.HeadsText;
import java.io.PrintWriter;
import picocli.CommandLine.Command;

/** {@code discover}. */
@Command(name = "discover", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Score every head, rank the upper layers' heads by ablation and merge the top lists into "
                + "the in-context heads.")
final class DiscoverCommand extends JobCommand {
    DiscoverCommand() {
        super(JobSteps.DISCOVER_STEPS, JobSteps.DISCOVER_COST);
    }

    @Override
    void body(MainJob job, PrintWriter out) {
        InContextHeadSet set = job.discover();
        out.print(HeadsText.summary(set));
        if (set.ablation() != null) {
            out.println(set.ablation());
        }
        out.println(set.scores());
    }
}
