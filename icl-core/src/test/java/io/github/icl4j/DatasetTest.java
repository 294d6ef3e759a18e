package io.github.icl4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.icl4j.testing.TestData;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatasetTest {

    @TempDir
    Path tmp;

    private static Dataset load(String name, String split, String relative) {
        TestData.requireData("datasets/" + relative);
        return Datasets.load(name, split);
    }

    @Test
    void sst2CountsAndClassesMatchTheDataReadme() {
        Dataset train = load("sst2", "train", "sst2/stsa.binary.train");
        assertThat(train.size()).isEqualTo(6920);
        assertThat(train.classNames()).containsExactly("negative", "positive");
        assertThat(train.counts()).containsExactly(3310, 3610);
        assertThat(train.toString())
                .isEqualTo("Dataset[sst2/train, 6920 examples, classes {0 negative: 3310, 1 positive: 3610}]");
        assertThat(train.get(0)).isEqualTo(Example.of("a stirring , funny and finally transporting re-imagining"
                + " of beauty and the beast and 1930s horror films", 1));
        assertThat(load("sst2", "dev", "sst2/stsa.binary.dev").size()).isEqualTo(872);
        assertThat(load("sst2", "test", "sst2/stsa.binary.test").size()).isEqualTo(1821);
    }

    @Test
    void agNewsTestHas1900PerClassAndJoinsTitleAndDescription() {
        Dataset news = load("agnews", "test", "agnews/test.csv");
        assertThat(news.size()).isEqualTo(7600);
        assertThat(news.counts()).containsExactly(1900, 1900, 1900, 1900);
        assertThat(news.classNames()).containsExactly("World", "Sports", "Business", "Sci/Tech");
        // first row: 3,Fears for T N pension after talks,Unions representing ...
        assertThat(news.get(0).label()).isEqualTo(2);
        assertThat(news.get(0).text()).startsWith("Fears for T N pension after talks Unions representing workers");
    }

    @Test
    void trecAndOtherSetsMatchTheDataReadme() {
        Dataset trec = load("trec", "train", "trec/TREC.train.all");
        assertThat(trec.size()).isEqualTo(5452);
        assertThat(trec.classNames()).containsExactly("DESC", "ENTY", "ABBR", "HUM", "LOC", "NUM");
        assertThat(load("trec", "test", "trec/TREC.test.all").size()).isEqualTo(500);
        assertThat(load("sst5", "train", "sst5/stsa.fine.train").size()).isEqualTo(8544);
        // MR is windows-1252, not UTF-8: read without replacement characters
        Dataset mr = load("mr", "all", "mr/rt-polarity.all");
        assertThat(mr.counts()).containsExactly(5331, 5331);
        assertThat(mr.examples()).noneMatch(e -> e.text().contains("\uFFFD"));
        assertThat(mr.examples()).anyMatch(e -> e.text().contains("cliché"));
        assertThat(load("subj", "all", "subj/subj.all").size()).isEqualTo(10000);
        assertThat(load("cr", "all", "cr/custrev.all").size()).isEqualTo(3775); // 4 empty sentences kept
        assertThat(load("mpqa", "all", "mpqa/mpqa.all").size()).isEqualTo(10606);
        Dataset mrTest = load("mr", "test", "mr/jsonl_lu/test.jsonl");
        assertThat(mrTest.counts()).containsExactly(1000, 1000);
        assertThat(load("mr", "train", "mr/jsonl_lu/train_full.jsonl").size()).isEqualTo(8662);
        assertThat(load("agnews", "subset-train", "agnews/subset_DeepTextClustering/train.csv").size())
                .isEqualTo(4000);
        assertThat(load("agnews", "train64", "agnews/jsonl_lu/train.jsonl").size()).isEqualTo(64);
        assertThat(load("dbpedia", "subset", "dbpedia/subset_DeepTextClustering/train.csv").counts())
                .containsOnly(1000).hasSize(14);
    }

    @Test
    void pairRemapsLabelsAndKeepsClassNames() {
        Dataset news = load("agnews", "test", "agnews/test.csv");
        Dataset pair = news.pair(3, 1);
        assertThat(pair.classNames()).containsExactly("Sci/Tech", "Sports");
        assertThat(pair.counts()).containsExactly(1900, 1900);
        assertThat(pair.name()).isEqualTo("agnews/test[Sci/Tech/Sports]");
        // the first Sci/Tech example of the full set is the first class-0 example of the pair
        Example firstSciTech = news.ofClass(3).get(0);
        assertThat(pair.ofClass(0).get(0)).isEqualTo(Example.of(firstSciTech.text(), 0));
        assertThat(news.pair().classNames()).containsExactly("World", "Sports");
        Dataset sst2 = Dataset.of("x", List.of("a", "b"), List.of(Example.of("s", 1)));
        assertThat(sst2.pair()).isSameAs(sst2);
        assertThatThrownBy(() -> news.pair(1, 4)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("classB 4 out of range [0, 4)");
        assertThatThrownBy(() -> news.pair(2, 2)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("2 twice");
    }

    @Test
    void splitSampleAndBalancedAreSeededAndDisjoint() {
        Dataset train = load("sst2", "train", "sst2/stsa.binary.train");
        Dataset.Split split = train.split(0.8, 7);
        assertThat(split.train().size() + split.test().size()).isEqualTo(6920);
        assertThat(split.train().counts()).containsExactly(2648, 2888); // round(0.8 * 3310), round(0.8 * 3610)
        assertThat(split).isEqualTo(train.split(0.8, 7));
        assertThat(split.train()).isNotEqualTo(train.split(0.8, 8).train());
        // the two parts together are the whole set (as a multiset: SST-2 repeats a few sentences)
        Map<Example, Integer> whole = multiset(train.examples());
        Map<Example, Integer> parts = multiset(split.train().examples());
        split.test().examples().forEach(e -> parts.merge(e, 1, Integer::sum));
        assertThat(parts).isEqualTo(whole);

        Dataset sample = train.sample(100, 3);
        assertThat(sample.size()).isEqualTo(100);
        assertThat(sample).isEqualTo(train.sample(100, 3));
        assertThat(sample.examples()).doesNotHaveDuplicates();
        assertThat(sample.name()).isEqualTo("sst2/train[sample 100, seed 3]");

        Dataset balanced = train.balanced(50, 1);
        assertThat(balanced.counts()).containsExactly(50, 50);
        assertThat(balanced).isEqualTo(train.balanced(50, 1));
        assertThatThrownBy(() -> train.balanced(4000, 1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("has 3310 examples of class 0 negative")
                .hasMessageContaining("needs 4000");
        assertThatThrownBy(() -> train.sample(7000, 1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("7000 out of range [0, 6920]");
        assertThatThrownBy(() -> train.split(1.0, 1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("trainFraction 1.0 out of range (0, 1)");
    }

    private static Map<Example, Integer> multiset(List<Example> xs) {
        Map<Example, Integer> m = new HashMap<>();
        xs.forEach(e -> m.merge(e, 1, Integer::sum));
        return m;
    }

    @Test
    void malformedLabelLineNamesFileLineAndExpectation() throws IOException {
        Path f = tmp.resolve("bad.txt");
        Files.writeString(f, "1 a fine film\n0 a dull one\npositive no label index\n", StandardCharsets.UTF_8);
        assertThatThrownBy(() -> Datasets.readLabelLines(f, "bad", List.of("negative", "positive")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(f + ":3:")
                .hasMessageContaining("expected \"LABEL sentence\" with LABEL an integer in [0, 2)")
                .hasMessageContaining("found \"positive no label index\"");
        Files.writeString(f, "1 fine\n2 out of range\n", StandardCharsets.UTF_8);
        assertThatThrownBy(() -> Datasets.readLabelLines(f, "bad", List.of("negative", "positive")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(f + ":2:")
                .hasMessageContaining("found \"2 out of range\"");
        Files.writeString(f, "1\n", StandardCharsets.UTF_8);
        assertThatThrownBy(() -> Datasets.readLabelLines(f, "bad", List.of("negative", "positive")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(f + ":1:");
    }

    @Test
    void malformedJsonlAndCsvNameFileAndLine() throws IOException {
        Path j = tmp.resolve("bad.jsonl");
        Files.writeString(j, "{\"sentence\": \"ok\", \"label\": \"1\"}\n{\"sentence\": \"x\", \"label\": \"7\"}\n");
        assertThatThrownBy(() -> Datasets.readJsonl(j, "bad", List.of("a", "b"), List.of("0", "1")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(j + ":2:")
                .hasMessageContaining("a label in [0, 1]");
        Files.writeString(j, "{\"sentence\": \"ok\", \"label\": \"1\"}\n{\"text\": \"x\"}\n");
        assertThatThrownBy(() -> Datasets.readJsonl(j, "bad", List.of("a", "b"), List.of("0", "1")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(j + ":2:")
                .hasMessageContaining("\"sentence\"");
        Files.writeString(j, "{\"sentence\": \"ok\", \"label\": 1}\n\n{not json\n");
        assertThatThrownBy(() -> Datasets.readJsonl(j, "bad", List.of("a", "b"), List.of("0", "1")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(j + ":3:");

        Path c = tmp.resolve("bad.csv");
        Files.writeString(c, "Class Index,Title,Description\n1,\"A, quoted\",\"with \"\"quotes\"\"\"\n"
                + "5,Out of range,label\n");
        assertThatThrownBy(() -> Datasets.readCsv(c, "bad", List.of("a", "b", "c", "d"), 1, true))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(c + ":3:")
                .hasMessageContaining("LABEL an integer in [1, 5)");
        Files.writeString(c, "Class Index,Title,Description\n1,\"A, quoted\",\"with \"\"quotes\"\"\"\n");
        Dataset ok = Datasets.readCsv(c, "ok", List.of("a", "b", "c", "d"), 1, true);
        assertThat(ok.examples()).containsExactly(Example.of("A, quoted with \"quotes\"", 0));
    }

    @Test
    void unknownNamesListTheKnownOnes() {
        assertThatThrownBy(() -> Datasets.load("imdb", "train")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unknown data set 'imdb'")
                .hasMessageContaining("sst2=[train, dev, test]")
                .hasMessageContaining("agnews=");
        assertThatThrownBy(() -> Datasets.load("sst2", "validation")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unknown split 'validation'").hasMessageContaining("[train, dev, test]");
        assertThat(Datasets.known()).containsKeys("sst2", "sst5", "mr", "subj", "cr", "mpqa", "trec", "agnews");
    }

    @Test
    void datasetValidatesLabels() {
        assertThatThrownBy(() -> Dataset.of("toy", List.of("a", "b"), List.of(Example.of("x", 0), Example.of("y", 2))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("example 1: label 2 out of range [0, 2)");
        assertThatThrownBy(() -> Dataset.of("toy", List.of("a", "b"), List.of(Example.unlabelled("x"))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("label -1 out of range");
        assertThat(Example.of("a\nb", 1).toString()).isEqualTo("Example[1, \"a\\nb\"]");
    }
}
