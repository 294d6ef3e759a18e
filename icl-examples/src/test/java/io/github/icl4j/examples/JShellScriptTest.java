package io.github.icl4j.examples;

import io.github.icl4j.examples.builtin.BuiltinModel;
import io.github.icl4j.examples.builtin.TrainBuiltinModel;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs {@code src/main/jshell/quickstart.jsh} in the real {@code jshell} of the running JDK, on this test's class
 * path, and checks what it prints.
 */
class JShellScriptTest {
    static final Path SCRIPT = Path.of("src", "main", "jshell", "quickstart.jsh");

    @Test
    void quickstartScriptPrintsThePredictionAndOneHeadsAttention(@TempDir Path tmp) throws Exception {
        assumeTrue(BuiltinModel.isAvailable(), "no built-in model in the jar; run TrainBuiltinModel");
        Path jshell = Path.of(System.getProperty("java.home"), "bin", "jshell");
        assumeTrue(Files.isExecutable(jshell), "no jshell in " + jshell.getParent() + " (a JRE, not a JDK?); "
                + "skipping the JShell script test");
        assertThat(SCRIPT).exists();
        // the README's promise: one import is enough
        assertThat(Files.readAllLines(SCRIPT)).filteredOn(l -> l.startsWith("import "))
                .containsExactly("import io.github.icl4j.*;");
        // Surefire hands the test class path to the JVM in a manifest-only jar; the real list is in this property
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        assertThat(cp).contains(File.pathSeparator);
        Path log = tmp.resolve("jshell.log");
        Process p = new ProcessBuilder(List.of(jshell.toString(), "-R-DOPT_OUT_TRACKING=true", "-R-Dicl4j.threads=1",
                "-R-Dorg.slf4j.simpleLogger.defaultLogLevel=warn", "--class-path", cp, SCRIPT.toString()))
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        boolean finished = p.waitFor(150, TimeUnit.SECONDS);
        if (!finished) {
            p.destroyForcibly();
        }
        String out = Files.readString(log, StandardCharsets.UTF_8);
        assertThat(finished).as("jshell finished within 150 s:\n" + out).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        assertThat(out).contains("Sentence: ", "\nLabel:", "prediction: bar (gold bar), p(foo) = ",
                "L2H2 attention from the last token to the label words at [8, 17, 26, 35]: [");
        assertThat(out).doesNotContain("Exception", "|  Error", "cannot find symbol");
    }
}
