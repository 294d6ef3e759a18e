package io.github.icl4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.icl4j.testing.TestData;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Prompts built from real SST-2 sentences with the real GPT-2 tokenizer; skipped when the shared data is absent. */
class PromptTest {
    private static Tokenizer tok;
    private static Dataset train;
    private static Dataset test;

    @BeforeAll
    static void open() {
        TestData.requireData("datasets/sst2/stsa.binary.train");
        TestData.requireData("datasets/sst2/stsa.binary.test");
        tok = Tokenizer.fromFile(TestData.gpt2Tokenizer());
        train = Datasets.load("sst2", "train");
        test = Datasets.load("sst2", "test");
    }

    @AfterAll
    static void close() {
        if (tok != null) {
            tok.close();
        }
    }

    /** Every located position holds what it claims: label words, the final ':', the sentences, the ids. */
    private static void assertWellLocated(IclPrompt p, Demonstrations demos, Example query, LabelWords words,
            int shift) {
        long[] ids = p.ids();
        assertThat(Arrays.copyOfRange(ids, shift, ids.length)).containsExactly(tok.encode(p.text()).ids());
        assertThat(p.demoLabels()).containsExactly(demos.labels());
        assertThat(p.numDemos()).isEqualTo(demos.size());
        for (int i = 0; i < p.numDemos(); i++) {
            int pos = p.labelPosition(i);
            int cls = p.demoLabels()[i];
            assertThat(tok.decode(ids[pos])).as("demo %d label token", i).isEqualTo(words.word(cls));
            assertThat(ids[pos]).isEqualTo(p.labelTokenIds()[cls]);
            // the demonstration's sentence tokens decode to its text, and come before its label
            IclPrompt.Span s = p.demoSpans().get(i);
            assertThat(tok.decode(Arrays.copyOfRange(ids, s.start(), s.end())).strip())
                    .isEqualTo(demos.get(i).text());
            assertThat(s.end()).isLessThan(pos);
        }
        assertThat(p.lastPosition()).isEqualTo(ids.length - 1);
        assertThat(tok.decode(ids[p.lastPosition()])).isEqualTo(":");
        assertThat(tok.decode(Arrays.copyOfRange(ids, p.querySpan().start(), p.querySpan().end())).strip())
                .isEqualTo(query.text());
        assertThat(p.queryLabel()).isEqualTo(query.label());
        assertThat(p.text()).endsWith("Sentence: " + query.text() + "\nLabel:");
    }

    @Test
    void labelPositionsAreExactlyTheLabelTokens() {
        IclPrompt.Builder b = IclPrompt.builder(tok);
        for (int i = 0; i < 25; i++) {
            Example q = test.get(i);
            Demonstrations demos = Demonstrations.sample(train, new int[] {2, 2}, i, q);
            IclPrompt p = b.build(demos, q);
            assertWellLocated(p, demos, q, LabelWords.FOO_BAR, 0);
            assertThat(p.labelTokenIds()).containsExactly(22944, 2318);
            assertThat(p.toString()).matches("IclPrompt\\[\\d+ tokens, 4 demos \\((foo|bar)(,(foo|bar)){3}\\), query"
                    + " label (foo|bar), label positions \\[\\d+, \\d+, \\d+, \\d+], last \\d+]");
        }
    }

    @Test
    void toStringAndDescribeShowThePositions() {
        Example q = test.get(0);
        Demonstrations demos = Demonstrations.sample(train, new int[] {2, 2}, 42, q).interleaved();
        IclPrompt p = IclPrompt.builder(tok).build(demos, q);
        int[] lp = p.labelPositions();
        assertThat(p.toString()).isEqualTo("IclPrompt[" + p.length() + " tokens, 4 demos (foo,bar,foo,bar), query label "
                + (q.label() == 0 ? "foo" : "bar") + ", label positions " + Arrays.toString(lp) + ", last "
                + (p.length() - 1) + "]");
        String d = p.describe(tok);
        assertThat(d).startsWith(p.toString() + "\n")
                .contains("Label|:|[" + lp[0] + ": foo]|\\n|")
                .contains("[" + lp[1] + ": bar]")
                .contains("-- shared prefix: " + p.prefixLength() + " tokens --")
                .contains("Label|[" + p.lastPosition() + ":':' -> next]");
    }

    @Test
    void flippedLabelWordsSwapTheWordsAtTheSamePositions() {
        Example q = test.get(3);
        Demonstrations demos = Demonstrations.sample(train, new int[] {2, 2}, 5, q);
        IclPrompt fooBar = IclPrompt.builder(tok).build(demos, q);
        LabelWords flipped = LabelWords.FOO_BAR.flipped();
        IclPrompt barFoo = IclPrompt.builder(tok).labelWords(flipped).build(demos, q);
        assertWellLocated(barFoo, demos, q, flipped, 0);
        assertThat(barFoo.labelPositions()).containsExactly(fooBar.labelPositions());
        assertThat(barFoo.labelTokenIds()).containsExactly(2318, 22944);
        for (int i = 0; i < demos.size(); i++) {
            String word = tok.decode(barFoo.ids()[barFoo.labelPosition(i)]);
            assertThat(word).isEqualTo(demos.get(i).label() == 0 ? " bar" : " foo");
        }
    }

    @Test
    void imbalancedCountsAndPositionsOfLabel() {
        Example q = test.get(7);
        Demonstrations demos = Demonstrations.sample(train, new int[] {3, 2}, 9, q);
        IclPrompt p = IclPrompt.builder(tok).build(demos, q);
        assertWellLocated(p, demos, q, LabelWords.FOO_BAR, 0);
        assertThat(p.positionsOfLabel(0)).hasSize(3);
        assertThat(p.positionsOfLabel(1)).hasSize(2);
        int[] all = new int[5];
        System.arraycopy(p.positionsOfLabel(0), 0, all, 0, 3);
        System.arraycopy(p.positionsOfLabel(1), 0, all, 3, 2);
        Arrays.sort(all);
        assertThat(all).containsExactly(p.labelPositions());
        for (int pos : p.positionsOfLabel(0)) {
            assertThat(tok.decode(p.ids()[pos])).isEqualTo(" foo");
        }
        assertThatThrownBy(() -> p.positionsOfLabel(2)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("class 2 out of range [0, 2)");
    }

    @Test
    void everyOrderIsLocatedCorrectly() {
        Example q = test.get(11);
        Demonstrations d = Demonstrations.sample(train, new int[] {3, 3}, 13, q);
        List<UnaryOperator<Demonstrations>> orders = List.of(Demonstrations::asSampled,
                Demonstrations::reversed, Demonstrations::groupedByLabel, Demonstrations::interleaved,
                x -> x.permuted(1), x -> x.permuted(2), x -> x.withoutOne(0), x -> x.withoutOne(1));
        IclPrompt.Builder b = IclPrompt.builder(tok);
        List<String> texts = new ArrayList<>();
        for (UnaryOperator<Demonstrations> order : orders) {
            Demonstrations arranged = order.apply(d);
            IclPrompt p = b.build(arranged, q);
            assertWellLocated(p, arranged, q, LabelWords.FOO_BAR, 0);
            texts.add(p.text());
        }
        assertThat(texts).doesNotHaveDuplicates();
        IclPrompt grouped = b.build(d.groupedByLabel(), q);
        assertThat(grouped.demoLabels()).containsExactly(0, 0, 0, 1, 1, 1);
        int[] sampledLabels = b.build(d, q).demoLabels();
        int[] reversedLabels = b.build(d.reversed(), q).demoLabels();
        for (int i = 0; i < 6; i++) {
            assertThat(reversedLabels[i]).isEqualTo(sampledLabels[5 - i]);
        }
    }

    @Test
    void episodesNeverContainTheirQueryAndAreFixedBySeed() {
        // queries taken from the pool itself: each must be left out of its own demonstrations
        List<Example> queries = train.sample(40, 3).examples();
        IclPrompt.Builder b = IclPrompt.builder(tok);
        List<IclPrompt> episodes = b.buildEpisodes(train, queries, new int[] {2, 2}, 17);
        assertThat(episodes).hasSize(40);
        for (int i = 0; i < queries.size(); i++) {
            IclPrompt p = episodes.get(i);
            String sentence = "Sentence: " + queries.get(i).text() + "\n";
            assertThat(p.text().indexOf(sentence)).as("query %d appears once, at the end", i)
                    .isEqualTo(p.text().lastIndexOf(sentence));
            assertThat(p.queryLabel()).isEqualTo(queries.get(i).label());
            assertThat(tok.decode(p.ids()[p.lastPosition()])).isEqualTo(":");
        }
        assertThat(b.buildEpisodes(train, queries, new int[] {2, 2}, 17)).isEqualTo(episodes);
        assertThat(b.buildEpisodes(train, queries, new int[] {2, 2}, 18)).isNotEqualTo(episodes);
        // episode i depends on the seed and i only
        assertThat(b.buildEpisodes(train, queries.subList(0, 5), new int[] {2, 2}, 17))
                .isEqualTo(episodes.subList(0, 5));

        Example q = train.get(0);
        Demonstrations containsQuery = Demonstrations.of(2, List.of(train.get(1), q));
        assertThatThrownBy(() -> b.build(containsQuery, q)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("the query is also demonstration 1")
                .hasMessageContaining("never be among its demonstrations");
    }

    @Test
    void sharedDemonstrationsShareAReusablePrefix() {
        List<Example> queries = test.sample(10, 5).examples();
        Demonstrations demos = Demonstrations.sampleExcluding(train, new int[] {2, 2}, 21, queries);
        List<IclPrompt> prompts = IclPrompt.builder(tok).buildAll(demos, queries);
        IclPrompt first = prompts.get(0);
        String prefixText = first.text().substring(0, first.text().length() - ("Sentence: "
                + queries.get(0).text() + "\nLabel:").length());
        assertThat(prefixText).endsWith("\n");
        assertThat(first.prefixIds()).containsExactly(tok.encode(prefixText).ids());
        for (IclPrompt p : prompts) {
            assertThat(p.hasReusablePrefix()).isTrue();
            assertThat(p.prefixLength()).isEqualTo(first.prefixLength());
            assertThat(p.prefixIds()).containsExactly(first.prefixIds());
            assertThat(Arrays.copyOf(p.ids(), p.prefixLength())).containsExactly(p.prefixIds());
            assertThat(tok.decode(p.ids()[p.prefixLength()])).isEqualTo("Sent"); // the query's "Sentence:"
            assertThat(p.labelPositions()).containsExactly(first.labelPositions());
            assertThat(p.prefixLength()).isGreaterThan(p.labelPosition(p.numDemos() - 1))
                    .isLessThanOrEqualTo(p.querySpan().start());
        }
        // a blank-line separator: "\n\n" alone is one GPT-2 token, but two before "Sentence" - no reusable prefix
        IclPrompt blank = IclPrompt.builder(tok).template(PromptTemplate.of("Sentence: {text}\nLabel:{label}", "\n\n"))
                .build(demos, queries.get(0));
        assertWellLocated(blank, demos, queries.get(0), LabelWords.FOO_BAR, 0);
        assertThat(blank.prefixLength()).isZero();
        assertThat(blank.hasReusablePrefix()).isFalse();
        assertThatThrownBy(blank::prefixIds).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("no reusable prefix");
        // zero-shot: an empty prefix
        IclPrompt zeroShot = IclPrompt.builder(tok).build(Demonstrations.of(2, List.of()), queries.get(0));
        assertThat(zeroShot.prefixLength()).isZero();
        assertThatThrownBy(zeroShot::prefixIds).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("no demonstrations");
        assertThat(zeroShot.text()).isEqualTo("Sentence: " + queries.get(0).text() + "\nLabel:");
    }

    @Test
    void aBosTokenShiftsEveryPositionByOne() {
        Example q = test.get(2);
        Demonstrations demos = Demonstrations.sample(train, new int[] {2, 2}, 8, q);
        IclPrompt plain = IclPrompt.builder(tok).build(demos, q);
        IclPrompt bos = IclPrompt.builder(tok).bosTokenId(50256).build(demos, q);
        assertWellLocated(bos, demos, q, LabelWords.FOO_BAR, 1);
        assertThat(bos.ids()[0]).isEqualTo(50256);
        assertThat(bos.tokenIds()).containsExactly(bos.ids());
        assertThat(Arrays.copyOfRange(bos.ids(), 1, bos.length())).containsExactly(plain.ids());
        assertThat(bos.text()).isEqualTo(plain.text());
        assertThat(bos.labelPositions()).containsExactly(Arrays.stream(plain.labelPositions()).map(i -> i + 1).toArray());
        assertThat(bos.lastPosition()).isEqualTo(plain.lastPosition() + 1);
        assertThat(bos.prefixLength()).isEqualTo(plain.prefixLength() + 1);
        assertThat(bos.prefixIds()[0]).isEqualTo(50256);
        assertThat(bos.querySpan()).isEqualTo(new IclPrompt.Span(plain.querySpan().start() + 1,
                plain.querySpan().end() + 1));
        for (int i = 0; i < demos.size(); i++) {
            assertThat(bos.demoSpans().get(i).start()).isEqualTo(plain.demoSpans().get(i).start() + 1);
        }
        assertThatThrownBy(() -> IclPrompt.builder(tok).bosTokenId(50257)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("BOS token id 50257 out of range [0, 50257)");
    }

    @Test
    void offsetsWithoutSpacesStillLocateLabels() {
        // a whitespace-splitting word-level tokenizer leaves the space out of " w1"'s offsets
        try (Tokenizer words = Tokenizer.fromFile(TestData.resource("parity/llama/tokenizer.json"))) {
            Demonstrations demos = Demonstrations.of(2, List.of(Example.of("w5 w6", 0), Example.of("w7", 1)));
            LabelWords w = LabelWords.of(" w1", " w2");
            IclPrompt p = IclPrompt.builder(words).labelWords(w).build(demos, Example.of("w9", 1));
            assertThat(p.labelTokenIds()).containsExactly(1, 2);
            assertThat(p.ids()[p.labelPosition(0)]).isEqualTo(1);
            assertThat(p.ids()[p.labelPosition(1)]).isEqualTo(2);
            assertThat(p.demoSpans()).containsExactly(new IclPrompt.Span(2, 4), new IclPrompt.Span(9, 10));
            assertThat(p.prefixLength()).isEqualTo(p.labelPosition(1) + 1);
        }
    }

    @Test
    void badInputFailsClearly() {
        Example q = test.get(1);
        Demonstrations demos = Demonstrations.sample(train, new int[] {2, 2}, 1, q);
        // a label word of several tokens
        IclPrompt.Builder longWord = IclPrompt.builder(tok).labelWords(LabelWords.of(" foo", " antidisestablishmentarianism"));
        assertThatThrownBy(() -> longWord.build(demos, q)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("label word ' antidisestablishmentarianism' is ")
                .hasMessageContaining("label words must be single tokens");
        // a label word that merges with the text after it
        IclPrompt.Builder merged = IclPrompt.builder(tok).template(PromptTemplate.of("Sentence: {text}\nLabel:{label}s", "\n"));
        assertThatThrownBy(() -> merged.build(demos.interleaved(), q)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("label word ' foo' of demonstration 0")
                .hasMessageContaining("merged with its neighbours into tokens")
                .hasMessageContaining("[' fo', 'os']");
        // a template without a placeholder
        assertThatThrownBy(() -> PromptTemplate.of("Sentence: {text}\nLabel: foo", "\n"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("\"Sentence: {text}\\nLabel: foo\"").hasMessageContaining("{label} 0 times");
        assertThatThrownBy(() -> PromptTemplate.of("Label:{label}", "\n")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("\"Label:{label}\" has {text} 0 times");
        // fewer examples of a class than asked
        assertThatThrownBy(() -> Demonstrations.sample(train, new int[] {2, 4000}, 1, q))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("sst2/train has 3610 examples of class 1 positive")
                .hasMessageContaining("need 4000");
        // a prompt longer than the context
        IclPrompt p = IclPrompt.builder(tok).build(demos, q);
        assertThatThrownBy(() -> IclPrompt.builder(tok).build(demos, q, 40))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("prompt is " + p.length() + " tokens; the context holds 40");
        assertThat(p.checkFits(1024)).isSameAs(p);
        // a query class without a label word
        assertThatThrownBy(() -> IclPrompt.builder(tok).labelWords(LabelWords.of(" foo")).build(demos, q))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("demonstrations of 2 classes");
        // episodes name the failing query
        assertThatThrownBy(() -> IclPrompt.builder(tok).buildEpisodes(train, List.of(q), new int[] {5000, 1}, 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("query 0 Example[")
                .hasMessageContaining("has 3310 examples of class 0");
    }
}
