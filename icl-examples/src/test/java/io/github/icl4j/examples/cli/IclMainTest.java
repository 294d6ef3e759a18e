package io.github.icl4j.examples.cli;

import io.github.icl4j.examples.builtin.BuiltinModel;
import io.github.icl4j.examples.builtin.TrainBuiltinModel;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The command line: exit codes, messages, and one small command end to end. */
class IclMainTest {

    /** What a run printed and returned. */
    record Run(int code, String out, String err) {
    }

    static Run run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = IclMain.run(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), args);
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @BeforeAll
    static void builtin() {
        assumeTrue(BuiltinModel.isAvailable(), "no built-in model in the jar; run TrainBuiltinModel");
    }

    @Test
    void helpListsTheCommandsAndExitsZero() {
        Run r = run("--help");
        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("discover", "intervene", "analyse", "debias", "report");
        Run sub = run("report", "--help");
        assertThat(sub.code()).isZero();
        assertThat(sub.out()).contains("--out", "--model", "--data", "--prompts", "--shots", "--heads", "--device",
                "--dtype", "--seed");
    }

    @Test
    void noCommandIsAUsageError() {
        Run r = run();
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("name a command");
    }

    @Test
    void badOptionsExitTwoWithPicocliMessagesAndNoStackTrace() {
        Object[][] cases = {
            {new String[] {"report", "--prompts", "many"}, "'many' is not an int"},
            {new String[] {"report", "--nonsense"}, "Unknown option: '--nonsense'"},
            {new String[] {"discover", "--shots", "0"}, "--shots 0 out of range [1, 64]"},
            {new String[] {"discover", "--device", "tpu"}, "tpu"},
            {new String[] {"discover", "--dtype", "fp8"}, "fp8"},
            {new String[] {"discover", "--model", "/no/such/model.gguf"}, "--model /no/such/model.gguf does not exist"},
            {new String[] {"discover", "--ablation-layers", "1-2"}, "is not FROM:TO"},
            {new String[] {"discover", "--use-heads", "L1X2"}, "L1X2"},
            {new String[] {"discover", "--classes", "1,1"}, "--class-a and --class-b are both 1"},
            {new String[] {"discover", "--labels", "yes"}, "--labels yes must be two different"},
            {new String[] {"discover", "--labels", "a,a"}, "--labels a,a must be two different"},
            {new String[] {"discover", "--ablation-screen", "fast"}, "ablation screen 'fast' is not one of exhaustive, "
                + "atp, atp-verified"},
            {new String[] {"discover", "--atp-verify", "-1"}, "--atp-verify -1 out of range"},
            {new String[] {"discover", "--readout", "f1"}, "readout 'f1' is not one of argmax, calibrated, auroc"},
            {new String[] {"frobnicate"}, "Unmatched argument"},
        };
        for (Object[] c : cases) {
            Run r = run((String[]) c[0]);
            assertThat(r.code()).as(String.join(" ", (String[]) c[0]) + "\n" + r.err()).isEqualTo(2);
            assertThat(r.err()).contains((String) c[1]).doesNotContain("\tat ", "Exception");
        }
    }

    @Test
    void libraryErrorsExitOneWithOneLine() {
        Run r = run("discover", "--progress", "none", "--data", "no-such-set");
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err().strip()).startsWith("icl4j: error: unknown data set 'no-such-set'; known:")
                .doesNotContain("\n", "\tat ");
        // a label word the built-in model's word-level tokenizer does not know is one line naming it
        Run w = run("discover", "--progress", "none", "--prompts", "8", "--labels", "negative,positive");
        assertThat(w.code()).isEqualTo(1);
        assertThat(w.err().strip()).startsWith("icl4j: error:").contains("negative").doesNotContain("\n");
        Run h = run("intervene", "--progress", "none", "--prompts", "8", "--use-heads", "L5H0");
        assertThat(h.code()).isEqualTo(1);
        assertThat(h.err().strip()).startsWith("icl4j: error:").contains("L5H0").doesNotContain("\n");
    }

    @Test
    void interveneFindsHeadsAndPrintsTheControl() {
        Run r = run("intervene", "--prompts", "60", "--progress", "plain");
        assertThat(r.code()).as(r.err()).isZero();
        // plain progress lines on stderr, one per step
        assertThat(r.err()).contains("[1/5] loading the model", "[5/5] intervention (heads zeroed)");
        assertThat(r.out()).contains("InContextHeadSet[", "clean model", "in-context removed", "random control",
                "control: 5 draws");
    }

    @Test
    void interveneWithTheCalibratedReadoutPrintsItBesideTheAccuracy() {
        Run r = run("intervene", "--prompts", "40", "--progress", "none", "--readout", "Calibrated");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("readout calibrated: clean ", "in-context removed", "random control");
    }

    @Test
    void discoverWithTheVerifiedAtpScreenPrintsTheScreen() {
        Run r = run("discover", "--prompts", "40", "--progress", "none", "--ablation-screen", "atp-verified",
                "--atp-verify", "3");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("InContextHeadSet[", "AblationScreen[atp-verified: 3 heads verified");
    }
}
