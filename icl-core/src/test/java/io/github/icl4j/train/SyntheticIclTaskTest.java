package io.github.icl4j.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.icl4j.train.SyntheticIclTask.Episode;
import io.github.icl4j.train.SyntheticIclTask.LabelledText;
import io.github.icl4j.train.SyntheticTaskOptions;
import io.github.icl4j.train.SyntheticIclTask.Split;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class SyntheticIclTaskTest {
    static SyntheticIclTask task;

    @BeforeAll
    static void setUp() {
        task = SyntheticIclTask.create(SyntheticTaskOptions.defaults());
    }

    @AfterAll
    static void tearDown() {
        task.close();
    }

    @Test
    void episodesUseTheLibrarysPromptFormatExactly() {
        Episode e = task.episode(3, 7, new int[] {0, 1, 1}, 1, new Random(1));
        String s = "[a-z]{4}( [a-z]{4}){5}";
        assertThat(e.text()).matches(Pattern.compile("Sentence: " + s + "\nLabel: foo\nSentence: " + s
                + "\nLabel: bar\nSentence: " + s + "\nLabel: bar\nSentence: " + s + "\nLabel:"));
        // the label positions hold the label tokens, in order; the prompt ends with "Label" ":"
        long[] ids = e.ids();
        assertThat(e.labelPositions()).hasSize(3);
        assertThat(ids[e.labelPositions()[0]]).isEqualTo(task.fooId());
        assertThat(ids[e.labelPositions()[1]]).isEqualTo(task.barId());
        assertThat(ids[e.labelPositions()[2]]).isEqualTo(task.barId());
        assertThat(ids).hasSize(4 * (2 + 6 + 2) + 3);
        assertThat(task.tokenizer().decode(ids[ids.length - 2], ids[ids.length - 1])).isEqualTo("Label :");
        assertThat(e.queryClass()).isEqualTo(7);
        assertThat(e.goldId()).isEqualTo(task.barId());
        // most query words come from the query's class (10% noise)
        String query = e.text().substring(e.text().lastIndexOf("Sentence: ") + 10, e.text().lastIndexOf('\n'));
        long own = java.util.Arrays.stream(query.split(" ")).filter(w -> task.classOf(w) == 7).count();
        assertThat(own).isGreaterThanOrEqualTo(3);
    }

    @Test
    void aFusedTemplateMakesSentenceAndLabelOneTokenEachAndEndsThePromptRightAfterTheQuery() {
        try (SyntheticIclTask fused = SyntheticIclTask.create(SyntheticTaskOptions.defaults().withFusedTemplate(true))) {
            Episode e = fused.episode(3, 7, new int[] {0, 1}, 1, new Random(1));
            Episode plain = task.episode(3, 7, new int[] {0, 1}, 1, new Random(1));
            assertThat(e.text()).isEqualTo(plain.text());
            long[] ids = e.ids();
            // per demonstration: Sentence:, 6 words, Label:, label; then Sentence:, 6 words, Label:
            assertThat(ids).hasSize(2 * (1 + 6 + 2) + 1 + 6 + 1);
            assertThat(fused.tokenizer().decode(ids[ids.length - 1])).isEqualTo("Label:");
            assertThat(fused.classOf(fused.tokenizer().decode(ids[ids.length - 2]))).isGreaterThanOrEqualTo(0);
            assertThat(ids[e.labelPositions()[0]]).isEqualTo(fused.fooId());
            assertThat(ids[e.labelPositions()[1]]).isEqualTo(fused.barId());
            assertThat(fused.tokenizer().decode(ids[e.labelPositions()[0] - 1])).isEqualTo("Label:");
            assertThat(fused.vocabSize()).isEqualTo(task.vocabSize() - 1);
        }
    }

    @Test
    void heldOutPairsNeverAppearInTraining() {
        assertThat(task.pairs(Split.HELD_OUT)).hasSize(99);
        assertThat(task.pairs(Split.TRAIN)).hasSize(496 - 99);
        Random rng = new Random(3);
        Set<Integer> classesSeen = new HashSet<>();
        for (int i = 0; i < 2000; i++) {
            Episode e = task.sample(Split.TRAIN, rng);
            assertThat(task.isHeldOut(e.classFoo(), e.classBar())).isFalse();
            classesSeen.add(e.classFoo());
        }
        assertThat(classesSeen).hasSize(32);
        for (Episode e : task.episodes(Split.HELD_OUT, 200, 4)) {
            assertThat(task.isHeldOut(e.classFoo(), e.classBar())).isTrue();
        }
    }

    @Test
    void samplingFollowsTheOptions() {
        SyntheticTaskOptions o = SyntheticTaskOptions.defaults().withShots(2, 2).withImbalancedFraction(0).withGroupedFraction(1);
        try (SyntheticIclTask t = SyntheticIclTask.create(o)) {
            for (Episode e : t.episodes(Split.TRAIN, 50, 1)) {
                int[] l = e.demoLabels();
                assertThat(l).hasSize(4);
                assertThat(l[0]).isEqualTo(l[1]);
                assertThat(l[2]).isEqualTo(l[3]).isNotEqualTo(l[0]);
            }
        }
        try (SyntheticIclTask t = SyntheticIclTask.create(SyntheticTaskOptions.defaults().withImbalancedFraction(1))) {
            for (Episode e : t.episodes(Split.TRAIN, 50, 1)) {
                assertThat(e.count(0)).isNotEqualTo(e.count(1));
            }
        }
        try (SyntheticIclTask t = SyntheticIclTask.create(SyntheticTaskOptions.defaults().withZipf(1.5, 0))) {
            int[] seen = new int[32];
            for (Episode e : t.episodes(Split.TRAIN, 2000, 1)) {
                seen[e.classFoo()]++;
                seen[e.classBar()]++;
            }
            assertThat(seen[0]).isGreaterThan(5 * seen[31]);
        }
        assertThat(SyntheticIclTask.shuffledOrder(3, 1, new Random(0))).containsOnlyOnce(1);
        assertThat(SyntheticIclTask.groupedOrder(2, 1, false)).containsExactly(1, 0, 0);
    }

    @Test
    void sameSeedSameEpisodes() {
        List<Episode> a = task.episodes(Split.TRAIN, 20, 9);
        List<Episode> b = task.episodes(Split.TRAIN, 20, 9);
        assertThat(a).extracting(Episode::text).isEqualTo(b.stream().map(Episode::text).toList());
    }

    @Test
    void sentencesOfAClassPairForDownstreamExperiments() {
        List<LabelledText> s = task.sentences(4, 9, 10, 5);
        assertThat(s).hasSize(20);
        assertThat(s).filteredOn(t -> t.label() == 0).hasSize(10);
        for (LabelledText t : s) {
            int cls = t.label() == 0 ? 4 : 9;
            String[] words = t.text().split(" ");
            assertThat(words).hasSize(6);
            assertThat(java.util.Arrays.stream(words).filter(w -> task.classOf(w) == cls).count())
                    .isGreaterThanOrEqualTo(2);
        }
        assertThat(task.sentences(4, 9, 10, 5)).isEqualTo(s);
    }

    @Test
    void badOptionsAndArgumentsAreNamed() {
        assertThatThrownBy(() -> SyntheticTaskOptions.defaults().withClasses(1, 8))
                .hasMessage("number of classes 1 out of range [2, 4096]");
        assertThatThrownBy(() -> SyntheticTaskOptions.defaults().withNoise(1.0)).hasMessage("noise 1.0 out of range [0, 1)");
        assertThatThrownBy(() -> SyntheticTaskOptions.defaults().withShots(3, 2)).hasMessage("maximum shots 2 out of range [3, 64]");
        assertThatThrownBy(() -> SyntheticTaskOptions.defaults().withZipf(-1, 0))
                .hasMessage("class Zipf exponent -1.0 out of range [0, 4]");
        assertThatThrownBy(() -> task.episode(2, 2, new int[] {0}, 0, new Random()))
                .hasMessageContaining("two different classes; got 2 twice");
        assertThatThrownBy(() -> task.episode(0, 40, new int[] {0}, 0, new Random()))
                .hasMessage("class 40 out of range [0, 32)");
        assertThatThrownBy(() -> task.episode(0, 1, new int[] {2}, 0, new Random()))
                .hasMessage("label 2 out of range [0, 1] (0 = foo, 1 = bar)");
        try (SyntheticIclTask none = SyntheticIclTask.create(SyntheticTaskOptions.defaults().withHeldOut(0, 0))) {
            assertThatThrownBy(() -> none.sample(Split.HELD_OUT, new Random()))
                    .hasMessageContaining("no class pair is held out");
        }
    }

    @Test
    void trainingBatchesTargetEveryLabelOrOnlyTheAnswer() {
        TrainingBatch all = task.trainingData(SyntheticIclTask.LossOn.ALL_LABELS).batch(0, 4, new Random(2));
        TrainingBatch query = task.trainingData(SyntheticIclTask.LossOn.QUERY).batch(0, 4, new Random(2));
        for (int i = 0; i < 4; i++) {
            long[] seq = all.sequences()[i];
            assertThat(query.targets()[i]).containsExactly(seq.length - 1);
            for (int p : all.targets()[i]) {
                assertThat(seq[p]).isIn(task.fooId(), task.barId());
            }
            assertThat(all.targets()[i].length).isGreaterThanOrEqualTo(3);
        }
        TrainingBatch tokens = task.trainingData(SyntheticIclTask.LossOn.ALL_TOKENS).batch(0, 2, new Random(2));
        assertThat(tokens.targets()[0]).hasSize(tokens.sequences()[0].length - 1).startsWith(1);
    }

    @Test
    void curriculumGrowsTheShots() {
        TrainingData data = task.trainingData(SyntheticIclTask.LossOn.QUERY, 100);
        // step 0: at most minShots (1) per label, so 2 demonstrations of 11 tokens + the query's 10 + the answer
        for (long[] seq : data.batch(0, 16, new Random(1)).sequences()) {
            assertThat(seq.length).isEqualTo(2 * 11 + 10 + 1);
        }
        int longest = 0;
        for (long[] seq : data.batch(100, 64, new Random(1)).sequences()) {
            longest = Math.max(longest, seq.length);
        }
        assertThat(longest).isGreaterThan(2 * 11 + 10 + 1);
        assertThatThrownBy(() -> task.trainingData(SyntheticIclTask.LossOn.QUERY, -1))
                .hasMessageContaining("curriculum steps -1");
    }

    @Test
    void aLabelVocabularyWritesTrainingLabelsWithOtherWordsButEvaluationWithFooAndBar() {
        SyntheticTaskOptions o = SyntheticTaskOptions.defaults().withLabelWords(8);
        try (SyntheticIclTask t = SyntheticIclTask.create(o)) {
            assertThat(t.labelWords()).hasSize(8).startsWith(" foo", " bar").doesNotHaveDuplicates();
            assertThat(t.labelWords().subList(2, 8)).allMatch(w -> w.matches(" [a-z]{3}"));
            // the made-up words follow the class words; the class words keep their ids
            assertThat(t.vocabSize()).isEqualTo(task.vocabSize() + 6);
            assertThat(t.vocabulary().subList(0, task.vocabulary().size())).isEqualTo(task.vocabulary());
            Set<Long> labelIds = new HashSet<>();
            t.labelWords().forEach(w -> labelIds.add(t.tokenizer().singleTokenId(w)));
            Set<Long> written = new HashSet<>();
            TrainingBatch b = t.trainingData(SyntheticIclTask.LossOn.ALL_LABELS).batch(0, 200, new Random(4));
            for (int i = 0; i < 200; i++) {
                long[] seq = b.sequences()[i];
                Set<Long> inEpisode = new HashSet<>();
                for (int p : b.targets()[i]) {
                    assertThat(labelIds).contains(seq[p]);
                    inEpisode.add(seq[p]);
                }
                assertThat(inEpisode).hasSize(2); // two distinct words per episode, both used
                written.addAll(inEpisode);
            }
            assertThat(written).hasSize(8);
            for (Episode e : t.balancedEpisodes(Split.HELD_OUT, 20, 2, 1)) {
                assertThat(e.fooId()).isEqualTo(t.fooId());
                assertThat(e.barId()).isEqualTo(t.barId());
            }
            for (Episode e : t.episodes(Split.TRAIN, 20, 1)) {
                assertThat(e.text()).doesNotContainPattern("Label: (?!foo|bar)[a-z]{3}\\n");
            }
        }
        assertThatThrownBy(() -> SyntheticTaskOptions.defaults().withLabelWords(1)).hasMessage("label words 1 out of range [2, 64]");
        assertThatThrownBy(() -> SyntheticTaskOptions.defaults().withLabelWords(65)).hasMessage("label words 65 out of range [2, 64]");
    }

    @Test
    void twoLabelWordsDrawTheSameTrainingDataAsBeforeTheOptionExisted() {
        // a 2-word vocabulary must not consume random numbers: the shipped recipe stays reproducible
        TrainingBatch a = task.trainingData(SyntheticIclTask.LossOn.ALL_LABELS).batch(0, 8, new Random(11));
        try (SyntheticIclTask t = SyntheticIclTask.create(SyntheticTaskOptions.defaults().withLabelWords(2))) {
            TrainingBatch b = t.trainingData(SyntheticIclTask.LossOn.ALL_LABELS).batch(0, 8, new Random(11));
            assertThat(b.sequences()).isDeepEqualTo(a.sequences());
        }
    }

    @Test
    void informedLabelsSkipTheFirstLabelOfEachClass() {
        TrainingBatch all = task.trainingData(SyntheticIclTask.LossOn.ALL_LABELS).batch(0, 50, new Random(6));
        TrainingBatch informed = task.trainingData(SyntheticIclTask.LossOn.INFORMED_LABELS).batch(0, 50, new Random(6));
        for (int i = 0; i < 50; i++) {
            long[] seq = all.sequences()[i];
            assertThat(informed.sequences()[i]).isEqualTo(seq);
            int[] t = all.targets()[i]; // every label position, then the answer
            List<Integer> expected = new java.util.ArrayList<>();
            boolean foo = false;
            boolean bar = false;
            for (int j = 0; j < t.length - 1; j++) {
                boolean isFoo = seq[t[j]] == task.fooId();
                if (isFoo ? foo : bar) {
                    expected.add(t[j]);
                }
                foo |= isFoo;
                bar |= !isFoo;
            }
            expected.add(seq.length - 1);
            assertThat(informed.targets()[i]).containsExactly(expected.stream().mapToInt(x -> x).toArray());
            assertThat(informed.targets()[i].length).isEqualTo(t.length - 2); // two first-of-class labels dropped
        }
    }

    @Test
    void optionsRoundTripThroughJsonAndBadFilesAreNamed(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        SyntheticTaskOptions o = SyntheticTaskOptions.defaults().withClasses(16, 3).withNoise(0.05).withLabelWords(6)
                .withShots(1, 3).withClassesPerEpisode(3).withQueryCopyFraction(0.25).withFusedTemplate(true);
        assertThat(SyntheticTaskOptions.fromJson(o.toJson())).isEqualTo(o);
        // the built-in checkpoint's file, written before Jackson wrote the record, reads and writes back byte for byte
        String builtin = new String(SyntheticIclTask.class.getResourceAsStream("/io/github/icl4j/builtin/"
                + SyntheticIclTask.OPTIONS_FILE).readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(SyntheticTaskOptions.fromJson(builtin).toJson()).isEqualTo(builtin);
        assertThat(SyntheticTaskOptions.fromJson("{}").fusedTemplate()).isFalse();
        assertThatThrownBy(() -> SyntheticTaskOptions.fromJson("{\"fusedTemplate\": 1}"))
                .hasMessage("synthetic task option 'fusedTemplate' must be true or false; got 1");
        assertThat(SyntheticTaskOptions.fromJson("{\"classes\": 16}")).isEqualTo(SyntheticTaskOptions.defaults().withClasses(16, 8));
        assertThatThrownBy(() -> SyntheticTaskOptions.fromJson("{\"classes\": \"x\"}"))
                .hasMessage("synthetic task option 'classes' must be an integer; got \"x\"");
        assertThatThrownBy(() -> SyntheticTaskOptions.fromJson("{\"clases\": 3}")).hasMessageContaining("unknown synthetic task "
                + "option 'clases'");
        assertThatThrownBy(() -> SyntheticTaskOptions.fromJson("[1]")).hasMessageContaining("must be a JSON object");
        assertThatThrownBy(() -> SyntheticTaskOptions.fromJson("{\"noise\": 2}")).hasMessage("noise 2.0 out of range [0, 1)");
        assertThatThrownBy(() -> SyntheticTaskOptions.fromJson("{")).hasMessageContaining("not valid JSON");

        assertThat(SyntheticIclTask.forCheckpoint(dir)).isEmpty();
        java.nio.file.Files.writeString(dir.resolve(SyntheticIclTask.OPTIONS_FILE), o.toJson());
        try (SyntheticIclTask t = SyntheticIclTask.forCheckpoint(dir).orElseThrow()) {
            assertThat(t.options()).isEqualTo(o);
        }
        java.nio.file.Files.writeString(dir.resolve(SyntheticIclTask.OPTIONS_FILE), "{\"classes\": 1}");
        assertThatThrownBy(() -> SyntheticIclTask.forCheckpoint(dir))
                .hasMessageContaining(SyntheticIclTask.OPTIONS_FILE).hasMessageContaining("number of classes 1");
    }

    @Test
    void trainingEpisodesOfSeveralClassesGiveEachClassItsOwnLabelWordAndUseOnlyTrainingPairs() {
        SyntheticTaskOptions o = SyntheticTaskOptions.defaults().withLabelWords(8).withClassesPerEpisode(4);
        try (SyntheticIclTask t = SyntheticIclTask.create(o)) {
            Set<Long> labelIds = new HashSet<>();
            t.labelWords().forEach(w -> labelIds.add(t.tokenizer().singleTokenId(w)));
            TrainingBatch b = t.trainingData(SyntheticIclTask.LossOn.ALL_LABELS).batch(0, 300, new Random(8));
            int[] seenClasses = new int[5];
            for (int i = 0; i < 300; i++) {
                long[] seq = b.sequences()[i];
                int[] tg = b.targets()[i];
                Set<Long> words = new HashSet<>();
                for (int j = 0; j < tg.length - 1; j++) {
                    words.add(seq[tg[j]]);
                }
                assertThat(labelIds).containsAll(words);
                assertThat(words.size()).isBetween(2, 4);
                seenClasses[words.size()]++;
                assertThat(words).contains(seq[seq.length - 1]); // the answer is one of the episode's labels
                // every sentence's class pairs with every other's as a training pair
                String text = t.tokenizer().decode(seq);
                Set<Integer> classes = new HashSet<>();
                for (String sentence : text.split("Sentence :")) {
                    int[] votes = new int[32];
                    for (String w : sentence.trim().split(" ")) {
                        int c = t.classOf(w);
                        if (c >= 0) {
                            votes[c]++;
                        }
                    }
                    int best = 0;
                    for (int c = 1; c < 32; c++) {
                        best = votes[c] > votes[best] ? c : best;
                    }
                    if (votes[best] >= 4) {
                        classes.add(best);
                    }
                }
                for (int x : classes) {
                    for (int y : classes) {
                        assertThat(x == y || !t.isHeldOut(x, y)).as("pair %d, %d", x, y).isTrue();
                    }
                }
            }
            assertThat(seenClasses[2]).isPositive();
            assertThat(seenClasses[3]).isPositive();
            assertThat(seenClasses[4]).isPositive();
        }
        assertThatThrownBy(() -> SyntheticTaskOptions.defaults().withLabelWords(16).withClassesPerEpisode(9))
                .hasMessage("classes per episode 9 out of range [2, 8]");
        assertThatThrownBy(() -> SyntheticTaskOptions.defaults().withClasses(3, 8).withClassesPerEpisode(4))
                .hasMessage("classes per episode 4 out of range [2, 3] (the number of classes)");
    }

    @Test
    void withMoreClassesThanLabelWordsALabelCoversSeveralClasses() {
        SyntheticTaskOptions o = SyntheticTaskOptions.defaults().withClassesPerEpisode(4).withShots(1, 1).withImbalancedFraction(0);
        try (SyntheticIclTask t = SyntheticIclTask.create(o)) {
            TrainingBatch b = t.trainingData(SyntheticIclTask.LossOn.ALL_LABELS).batch(0, 200, new Random(5));
            int four = 0;
            for (int i = 0; i < 200; i++) {
                long[] seq = b.sequences()[i];
                int[] tg = b.targets()[i];
                int foo = 0;
                int bar = 0;
                for (int j = 0; j < tg.length - 1; j++) {
                    assertThat(seq[tg[j]]).isIn(t.fooId(), t.barId());
                    foo += seq[tg[j]] == t.fooId() ? 1 : 0;
                    bar += seq[tg[j]] == t.barId() ? 1 : 0;
                }
                // one demonstration per class: C classes split as evenly as the two words allow
                assertThat(Math.abs(foo - bar)).isLessThanOrEqualTo(1);
                assertThat(foo).isPositive();
                assertThat(bar).isPositive();
                four += foo + bar == 4 ? 1 : 0;
            }
            assertThat(four).isPositive();
        }
    }

    @Test
    void copiedQueriesRepeatADemonstrationOfTheirClassWordForWord() {
        SyntheticTaskOptions o = SyntheticTaskOptions.defaults().withQueryCopyFraction(1.0);
        try (SyntheticIclTask t = SyntheticIclTask.create(o)) {
            TrainingBatch b = t.trainingData(SyntheticIclTask.LossOn.ALL_LABELS).batch(0, 50, new Random(9));
            for (int i = 0; i < 50; i++) {
                String text = t.tokenizer().decode(java.util.Arrays.copyOf(b.sequences()[i],
                        b.sequences()[i].length - 1));
                String[] parts = text.split("Sentence :");
                String last = parts[parts.length - 1];
                String query = last.substring(0, last.indexOf("Label")).trim();
                long answer = b.sequences()[i][b.sequences()[i].length - 1];
                boolean found = false;
                for (int j = 1; j < parts.length - 1; j++) {
                    String demo = parts[j].substring(0, parts[j].indexOf("Label")).trim();
                    long label = t.tokenizer().singleTokenId(" " + parts[j].substring(parts[j].lastIndexOf(':') + 1)
                            .trim());
                    found |= demo.equals(query) && label == answer;
                }
                assertThat(found).as("episode %d: query '%s' repeats a demonstration of its label", i, query).isTrue();
            }
        }
        assertThatThrownBy(() -> SyntheticTaskOptions.defaults().withQueryCopyFraction(1.5))
                .hasMessage("query copy fraction 1.5 out of range [0, 1]");
    }
}
