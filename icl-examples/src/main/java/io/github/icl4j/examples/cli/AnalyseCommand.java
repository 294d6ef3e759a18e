package io.github.icl4j.examples.cli;

import io.github.icl4j.heads.InContextHeadSet;
import io.github.icl4j.heads.report.HeadsText;
import java.io.PrintWriter;
import picocli.CommandLine.Command;

/** {@code analyse}. */
@Command(name = "analyse", aliases = "analyze", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Find the in-context heads and show what they write (value outputs), where they look "
                + "(attention by prediction) and how query · key tracks sentence similarity (two towers).")
final class AnalyseCommand extends JobCommand {
    AnalyseCommand() {
        super(JobSteps.DISCOVER_STEPS + JobSteps.ANALYSE_STEPS, JobSteps.DISCOVER_COST + JobSteps.ANALYSE_COST);
    }

    @Override
    void body(MainJob job, PrintWriter out) {
        InContextHeadSet set = job.discover();
        MainJob.Analysis a = job.analyse(set);
        out.println(set);
        out.print(HeadsText.summary(a.valueOutputs()) + HeadsText.summary(a.attention())
                + HeadsText.summary(a.twoTowers()) + HeadsText.summary(a.reading()));
    }
}
