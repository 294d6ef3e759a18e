package io.github.icl4j.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.icl4j.examples.cli.IclMainTest.Run;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Command-line mistakes are caught before any computation, naming the option the user typed. */
class CommandLineChecksTest {

    @Test
    void zeroWhereADefaultWouldBeChosenIsAnErrorNotASilentDefault() {
        String[][] cases = {
            {"discover", "--prompts", "0"}, {"discover", "--heads", "0"}, {"debias", "--bias-seeds", "0"},
            {"debias", "--bias-tasks", "0"}, {"debias", "--bias-queries", "0"}, {"discover", "--threads", "0"},
            {"discover", "--prompts", "-3"},
        };
        for (String[] c : cases) {
            Run r = IclMainTest.run(c);
            assertThat(r.code()).as(String.join(" ", c) + "\n" + r.err()).isEqualTo(2);
            assertThat(r.err()).contains(c[1] + " " + c[2] + " out of range [1, +inf)", "leave it out for the default")
                    .doesNotContain("\tat ");
        }
    }

    @Test
    void classesErrorsNameTheClassesOption() {
        Run same = IclMainTest.run("discover", "--classes", "0,0");
        assertThat(same.code()).isEqualTo(2);
        assertThat(same.err()).contains("--classes 0,0:", "choose two different class indices");
        Run negative = IclMainTest.run("discover", "--classes", "-1,2");
        assertThat(negative.code()).isEqualTo(2);
        assertThat(negative.err()).contains("--classes -1,2: class indices out of range");
    }

    @Test
    void anUnwritableOutFailsAtOnceNamingTheFolder(@TempDir Path tmp) throws Exception {
        Path file = Files.writeString(tmp.resolve("a-file"), "x");
        Run r = IclMainTest.run("report", "--progress", "plain", "--out", file.resolve("report").toString());
        assertThat(r.code()).isEqualTo(1);
        // before any computation: not even the model-loading step started
        assertThat(r.err()).doesNotContain("[1/", "loading the model");
        assertThat(r.err().strip()).startsWith("icl4j: error: --out " + file.resolve("report"))
                .contains("is not a writable folder").doesNotContain("\n");
        Run f = IclMainTest.run("report", "--progress", "none", "--out", file.toString());
        assertThat(f.code()).isEqualTo(1);
        assertThat(f.err()).contains("--out " + file + " is a file, not a folder");
    }

    @Test
    void recencyVariantsReachTheBiasOptionsAndBadOnesNameTheOption() {
        picocli.CommandLine cl = IclMain.commandLine(System.out, System.err);
        picocli.CommandLine.ParseResult pr = cl.parseArgs("debias", "--recency-variants", "label-keys,last-row",
                "--relative-strength", "0.25");
        JobCommand c = (JobCommand) pr.subcommand().commandSpec().userObject();
        io.github.icl4j.bias.BiasOptions o = c.common.options(null).bias();
        assertThat(o.recencyFixes()).containsExactly(io.github.icl4j.bias.RecencyFixVariant.LABEL_KEYS,
                io.github.icl4j.bias.RecencyFixVariant.LAST_ROW);
        assertThat(o.relativeTermStrength()).isEqualTo(0.25);
        String[][] cases = {
            {"--recency-variants", "first-row", "--recency-variants: recency fix variant 'first-row' unknown"},
            {"--recency-variants", "label-keys,label-keys", "--recency-variants label-keys,label-keys repeats"},
            {"--relative-strength", "1.5", "--relative-strength 1.5 out of range [0, 1]"},
        };
        for (String[] k : cases) {
            Run r = IclMainTest.run("debias", k[0], k[1]);
            assertThat(r.code()).as(k[0] + " " + k[1] + "\n" + r.err()).isEqualTo(2);
            assertThat(r.err()).contains(k[2]).doesNotContain("\tat ");
        }
        assertThat(IclMainTest.run("discover", "--help").out()).doesNotContain("--recency-variants");
        assertThat(IclMainTest.run("report", "--help").out()).contains("--recency-variants", "--relative-strength");
    }

    @Test
    void tuneDataIsCheckedBeforeAnyComputationAndOnlyWhereABiasStudyRuns() {
        String[][] cases = {
            {"--tune-data", "cr", "--tune-data cr needs --data"},
            {"--data", "sst2", "--tune-data", "cr", "--ac", "0.1", "--tune-data cr and --ac both given"},
            {"--data", "sst2", "--tune-data", "mr,sst2", "--tune-data mr,sst2 holds the test data set sst2"},
        };
        for (String[] c : cases) {
            String[] args = new String[c.length];
            args[0] = "debias";
            System.arraycopy(c, 0, args, 1, c.length - 1);
            Run r = IclMainTest.run(args);
            assertThat(r.code()).as(String.join(" ", args) + "\n" + r.err()).isEqualTo(2);
            assertThat(r.err()).contains(c[c.length - 1]).doesNotContain("\tat ", "loading the model");
        }
        assertThat(IclMainTest.run("report", "--help").out()).contains("--tune-data");
        Run r = IclMainTest.run("discover", "--tune-data", "cr");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("Unknown option", "'--tune-data'");
    }

    @Test
    void eachCommandsHelpListsOnlyTheOptionsItUses() {
        String discover = IclMainTest.run("discover", "--help").out();
        assertThat(discover).contains("--prompts", "--heads", "--model")
                .doesNotContain("--bias-seeds", "--control-draws", "--permutations", "--ac");
        String intervene = IclMainTest.run("intervene", "--help").out();
        assertThat(intervene).contains("--control-draws").doesNotContain("--bias-seeds");
        String debias = IclMainTest.run("debias", "--help").out();
        assertThat(debias).contains("--bias-seeds", "--bias-tasks", "--permutations", "--ac")
                .doesNotContain("--control-draws");
        String report = IclMainTest.run("report", "--help").out();
        assertThat(report).contains("--bias-seeds", "--control-draws", "--out");
        // an option of another command is refused, not silently ignored
        Run r = IclMainTest.run("discover", "--bias-seeds", "3");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("Unknown option", "'--bias-seeds'");
    }
}
