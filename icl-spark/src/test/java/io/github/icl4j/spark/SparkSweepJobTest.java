package io.github.icl4j.spark;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The sweep job's command line: Spark and one JVM write the same summary; bad input is one line and exit code 1. */
class SparkSweepJobTest {
    @TempDir
    Path tmp;

    @Test
    void sparkAndOneJvmWriteTheSameSummary() throws Exception {
        String[] common = {"sweep", "--models", "builtin", "--seeds", "1,2", "--prompts", "12", "--batch", "4",
            "--top", "3", "--protocol", "full_vocab", "--score-examples", "all"};
        Path spark = tmp.resolve("spark");
        Path one = tmp.resolve("one");
        assertThat(SweepJob.run(concat(common, "--master", "local[2]", "--out", spark.toString()))).isZero();
        assertThat(SweepJob.run(concat(common, "--one-jvm", "--out", one.toString()))).isZero();
        String md = Files.readString(spark.resolve("summary.md"));
        assertThat(md).isEqualTo(Files.readString(one.resolve("summary.md")));
        assertThat(Files.readString(spark.resolve("summary.csv"))).isEqualTo(Files.readString(one.resolve("summary.csv")));
        assertThat(md).contains("| builtin | 1 | synthetic | 12 |", "| builtin | 2 | synthetic | 12 |");
        assertThat(Files.list(spark.resolve("rows.parquet")).map(p -> p.getFileName().toString()))
                .anyMatch(n -> n.endsWith(".parquet")).contains("_SUCCESS");
        // a second run refuses to overwrite the table silently
        Err err = new Err();
        assertThat(err.run(concat(common, "--master", "local[2]", "--out", spark.toString()))).isEqualTo(1);
        assertThat(err.text()).contains("rows.parquet exists; remove it or pass --overwrite");
    }

    @Test
    void anUnreadableModelIsOneLineNamingIt() {
        Path missing = tmp.resolve("nowhere");
        Err err = new Err();
        int code = err.run("sweep", "--models", missing.toString(), "--prompts", "4", "--master", "local[2]", "--out",
                tmp.resolve("o").toString());
        assertThat(code).isEqualTo(1);
        // Hadoop may warn on stderr first; the job's own report is one line, without a stack trace
        assertThat(err.text().lines().filter(l -> l.startsWith("error:")).toList()).singleElement().asString()
                .startsWith("error: the sweep cannot run: model '" + missing + "' cannot be loaded on executor")
                .contains("no config.json");
        assertThat(err.text()).doesNotContain("\tat ");
    }

    private static String[] concat(String[] a, String... b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    /** Captures stderr around a run. */
    private static final class Err {
        private final ByteArrayOutputStream buf = new ByteArrayOutputStream();

        int run(String... args) {
            PrintStream before = System.err;
            System.setErr(new PrintStream(buf, true, StandardCharsets.UTF_8));
            try {
                return SweepJob.run(args);
            } finally {
                System.setErr(before);
            }
        }

        String text() {
            return buf.toString(StandardCharsets.UTF_8);
        }
    }
}
