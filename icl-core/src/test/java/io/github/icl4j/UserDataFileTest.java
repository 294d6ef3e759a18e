package io.github.icl4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A user's own CSV, TSV and JSONL files with named text and label columns ({@link Datasets#fromFile}). */
class UserDataFileTest {
    @TempDir
    Path tmp;

    @Test
    void csvWithQuotesEmbeddedNewlinesAndABomReadsNamedColumns() throws IOException {
        Path f = tmp.resolve("reviews.csv");
        Files.writeString(f, "\uFEFFid,review,sentiment\n"
                + "1,\"Great, really \"\"great\"\"\",pos\n"
                + "\n"
                + "2,\"two\nlines\",neg\n"
                + "3,  plain  ,pos\r\n", StandardCharsets.UTF_8);
        Dataset d = Datasets.fromFile(f, "review", "sentiment");
        assertThat(d.name()).isEqualTo("reviews.csv");
        assertThat(d.classNames()).containsExactly("neg", "pos");
        assertThat(d.examples()).containsExactly(Example.of("Great, really \"great\"", 1),
                Example.of("two\nlines", 0), Example.of("plain", 1));
    }

    @Test
    void tsvAndJsonlWithGivenLabelOrderAndSeveralTextColumns() throws IOException {
        Path t = tmp.resolve("news.tsv");
        Files.writeString(t, "title\tbody\ttopic\nGoal!\tA late winner.\tsport\nVote\tPolls open.\tpolitics\n");
        Dataset d = Datasets.fromFile(t, Datasets.Columns.of(List.of("title", "body"), "topic")
                .withLabels("politics", "sport"));
        assertThat(d.classNames()).containsExactly("politics", "sport");
        assertThat(d.examples()).containsExactly(Example.of("Goal! A late winner.", 1),
                Example.of("Vote Polls open.", 0));

        Path j = tmp.resolve("x.jsonl");
        Files.writeString(j, "{\"text\": \"a\", \"y\": 10}\n\n{\"text\": \"b\", \"y\": 2}\n{\"text\": \"c\", \"y\": 10}\n");
        Dataset n = Datasets.fromFile(j, "text", "y");
        // integer labels sort as numbers, not as text
        assertThat(n.classNames()).containsExactly("2", "10");
        assertThat(n.counts()).containsExactly(1, 2);
    }

    @Test
    void badFilesNameTheFileLineColumnAndValue() throws IOException {
        Path f = tmp.resolve("bad.csv");
        Files.writeString(f, "text,label\nok,a\n");
        assertThatThrownBy(() -> Datasets.fromFile(f, "sentence", "label"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(f.toString())
                .hasMessageContaining("no column [sentence]").hasMessageContaining("[text, label]");
        Files.writeString(f, "text,label\nok,a\nbad,c\n");
        assertThatThrownBy(() -> Datasets.fromFile(f, Datasets.Columns.of("text", "label").withLabels("a", "b")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(f + ":3:")
                .hasMessageContaining("label in [a, b]").hasMessageContaining("\"c\"");
        Files.writeString(f, "text,label\nok,a\nshort\n");
        assertThatThrownBy(() -> Datasets.fromFile(f, "text", "label"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(f + ":3:")
                .hasMessageContaining("2 fields");
        Files.writeString(f, "text,label\nok,a\n\"never closed,b\n");
        assertThatThrownBy(() -> Datasets.fromFile(f, "text", "label"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(f + ":3:")
                .hasMessageContaining("closing quote");
        Files.writeString(f, "text,label\n");
        assertThatThrownBy(() -> Datasets.fromFile(f, "text", "label"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no examples");
        Path j = tmp.resolve("bad.jsonl");
        Files.writeString(j, "{\"text\": \"a\", \"y\": 1}\n{\"text\": 3, \"y\": 1}\n");
        assertThatThrownBy(() -> Datasets.fromFile(j, "text", "y"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(j + ":2:")
                .hasMessageContaining("a text \"text\"");
        Path x = tmp.resolve("data.xlsx");
        Files.writeString(x, "");
        assertThatThrownBy(() -> Datasets.fromFile(x, "text", "y"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'.xlsx'")
                .hasMessageContaining(".csv, .tsv");
        assertThatThrownBy(() -> Datasets.Columns.of("text", "y").withLabels("a", "a"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("[a, a]");
    }
}
