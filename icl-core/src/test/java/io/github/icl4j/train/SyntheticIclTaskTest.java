package io.github.icl4j.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.icl4j.train.SyntheticIclTask.Episode;
import io.github.icl4j.train.SyntheticIclTask.LabelledText;
import io.github.icl4j.train.SyntheticIclTask.Options;
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
        task = SyntheticIclTask.create(Options.defaults());
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
        Options o = Options.defaults().withShots(2, 2).withImbalancedFraction(0).withGroupedFraction(1);
        try (SyntheticIclTask t = SyntheticIclTask.create(o)) {
            for (Episode e : t.episodes(Split.TRAIN, 50, 1)) {
                int[] l = e.demoLabels();
                assertThat(l).hasSize(4);
                assertThat(l[0]).isEqualTo(l[1]);
                assertThat(l[2]).isEqualTo(l[3]).isNotEqualTo(l[0]);
            }
        }
        try (SyntheticIclTask t = SyntheticIclTask.create(Options.defaults().withImbalancedFraction(1))) {
            for (Episode e : t.episodes(Split.TRAIN, 50, 1)) {
                assertThat(e.count(0)).isNotEqualTo(e.count(1));
            }
        }
        try (SyntheticIclTask t = SyntheticIclTask.create(Options.defaults().withZipf(1.5, 0))) {
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
        assertThatThrownBy(() -> Options.defaults().withClasses(1, 8))
                .hasMessage("number of classes 1 out of range [2, 4096]");
        assertThatThrownBy(() -> Options.defaults().withNoise(1.0)).hasMessage("noise 1.0 out of range [0, 1)");
        assertThatThrownBy(() -> Options.defaults().withShots(3, 2)).hasMessage("maximum shots 2 out of range [3, 64]");
        assertThatThrownBy(() -> Options.defaults().withZipf(-1, 0))
                .hasMessage("class Zipf exponent -1.0 out of range [0, 4]");
        assertThatThrownBy(() -> task.episode(2, 2, new int[] {0}, 0, new Random()))
                .hasMessageContaining("two different classes; got 2 twice");
        assertThatThrownBy(() -> task.episode(0, 40, new int[] {0}, 0, new Random()))
                .hasMessage("class 40 out of range [0, 32)");
        assertThatThrownBy(() -> task.episode(0, 1, new int[] {2}, 0, new Random()))
                .hasMessage("label 2 out of range [0, 1] (0 = foo, 1 = bar)");
        try (SyntheticIclTask none = SyntheticIclTask.create(Options.defaults().withHeldOut(0, 0))) {
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
}
