package io.github.icl4j.examples.cli;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import io.github.icl4j.HeadId;
import io.github.icl4j.bias.BiasComparison;
import io.github.icl4j.bias.BiasKind;
import io.github.icl4j.bias.Correction;
import io.github.icl4j.bias.Interval;
import io.github.icl4j.bias.MajorityResult;
import io.github.icl4j.bias.RecencyFixVariant;
import io.github.icl4j.bias.RecencyResult;
import io.github.icl4j.heads.AttentionAnalysis;
import io.github.icl4j.heads.HeadsJson;
import io.github.icl4j.heads.InContextHeadSet;
import io.github.icl4j.heads.InterventionControl;
import io.github.icl4j.heads.InterventionResult;
import io.github.icl4j.heads.LabelGroup;
import io.github.icl4j.heads.TwoTowersAnalysis;
import io.github.icl4j.heads.ReadingAnalysis;
import io.github.icl4j.heads.ValueOutputAnalysis;
import io.github.icl4j.ReadoutMetric;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * The numbers a reader looks for first, taken from one run of the main job: how much accuracy falls when the
 * in-context heads are removed (against removing random heads), what their value-output vectors say at foo and
 * bar positions, how their attention moves with the prediction, how well query · key tracks sentence similarity,
 * and each bias metric with and without each correction.
 *
 * @param heads             in-context heads found
 * @param totalHeads        heads in the model
 * @param fooHeads          the foo heads
 * @param barHeads          the bar heads
 * @param prompts           test prompts
 * @param baseline          accuracy of the clean model (label argmax)
 * @param ablated           accuracy with the in-context heads zeroed
 * @param controlMean       mean accuracy with as many random heads zeroed
 * @param controlStd        its standard deviation over draws
 * @param controlDraws      control draws
 * @param controlDistinct   distinct random head sets the control could draw
 * @param valueOutputs      mean logit-minus M = log p(foo) − log p(bar) of the weighted value-output vectors, per
 *                          head group and position type
 * @param attention         summed attention of each head group on its own label's positions, in examples predicted
 *                          foo and predicted bar
 * @param twoTowerR         mean over the heads of the within-prompt Pearson correlation of q·k with the cosine
 *                          similarity of query and demonstration sentences
 * @param twoTowerPooledR   the same, pooled over prompts
 * @param swapBefore        fraction of prompts predicting the label of the demonstration whose sentence the swap test
 *                          copies into the query, before the swap
 * @param swapAfter         the same after the swap
 * @param bias              one row per bias and correction
 * @param ac                a_c of the majority-label fix (NaN without the majority study)
 * @param acTuned           whether a_c was tuned on tasks disjoint from the test tasks
 * @param labelWords        the label words of class 0 and class 1 (" foo" and " bar", or natural words: the
 *                          notes still call their heads and positions foo and bar, as the paper does)
 * @param reading           where each in-context head's attention from the last position goes
 * @param readout           the readout of the intervention's and the bias study's numbers (METHOD §8); with
 *                          {@code calibrated} or {@code auroc} the bias rows' accuracy is that readout
 * @param baselineReadout   the readout of the clean model (equals {@code baseline} with {@code argmax})
 * @param ablatedReadout    the readout with the in-context heads zeroed
 * @param controlReadoutMean the mean readout with as many random heads zeroed
 * @param controlReadoutStd its standard deviation over draws
 * @param baselineFullVocab  accuracy of the clean model over the whole vocabulary (METHOD §1 protocol (b): the
 *                           argmax over every token is the gold label word); NaN when read from a headline written
 *                           before this number was recorded
 * @param ablatedFullVocab   the same with the in-context heads zeroed (a model that stops answering with a label
 *                           word at all shows here, not in the label-word accuracy)
 * @param controlFullVocabMean the same, mean over the random-head control draws (NaN without draws)
 */
public record Headline(int heads, int totalHeads, List<HeadId> fooHeads, List<HeadId> barHeads, int prompts,
        double baseline, double ablated, double controlMean, double controlStd, int controlDraws, long controlDistinct,
        List<ValueOutputM> valueOutputs, List<AttentionShift> attention, double twoTowerR, double twoTowerPooledR,
        double swapBefore, double swapAfter, List<BiasRow> bias, double ac, boolean acTuned, List<String> labelWords,
        List<ReadingAnalysis.HeadReading> reading, ReadoutMetric readout, double baselineReadout,
        double ablatedReadout, double controlReadoutMean, double controlReadoutStd, Double baselineFullVocab,
        Double ablatedFullVocab, Double controlFullVocabMean) {

    /**
     * One mean logit-minus.
     *
     * @param heads     the group of heads (in JSON {@code "foo heads"} or {@code "bar heads"})
     * @param positions the kind of label position (in JSON {@code "foo positions"} or {@code "bar positions"})
     * @param meanM     mean M
     * @param n         vectors averaged
     */
    public record ValueOutputM(
            @JsonSerialize(using = HeadsJson.GroupAsHeads.class)
            @JsonDeserialize(using = HeadsJson.GroupAsHeadsReader.class) LabelGroup heads,
            @JsonSerialize(using = HeadsJson.GroupAsPositions.class)
            @JsonDeserialize(using = HeadsJson.GroupAsPositionsReader.class) LabelGroup positions,
            double meanM, int n) {
    }

    /**
     * How one head group's attention on its own label's positions moves with the prediction (summed over the
     * group's heads, so a head with almost no attention cannot blow up the relative change).
     *
     * @param group        foo heads (attention on foo positions) or bar heads (on bar positions); in JSON
     *                     {@code "foo heads"} or {@code "bar heads"}
     * @param fooPredicted summed attention in examples predicted foo
     * @param barPredicted the same in examples predicted bar
     * @param change       relative change from foo-predicted to bar-predicted
     */
    public record AttentionShift(
            @JsonSerialize(using = HeadsJson.GroupAsHeads.class)
            @JsonDeserialize(using = HeadsJson.GroupAsHeadsReader.class) LabelGroup group, double fooPredicted,
            double barPredicted, double change) {
    }

    /**
     * One correction of one bias.
     *
     * @param bias               the bias
     * @param correction         what was done; in JSON its label, e.g. {@code "fix + batch calibration"}
     * @param variant            the recency fix variant of a row of a fix variant other than the study's first
     *                           (whose rows carry the plain names); null for every other row, and then absent from
     *                           JSON; in JSON its key, e.g. {@code "label-keys"}
     * @param accuracy           accuracy (majority: with one demonstration fewer; recency: mean over orders)
     * @param metric             the bias metric: fluctuation of accuracy (majority) or its std across orders
     *                           (recency)
     * @param metricReduction    relative reduction of the metric against no correction (NaN for none)
     * @param attentionStd       recency only: std across orders of the heads' attention at label positions
     * @param attentionReduction its relative reduction against no correction
     */
    public record BiasRow(BiasKind bias,
            @JsonSerialize(using = CorrectionAsLabel.class)
            @JsonDeserialize(using = CorrectionFromLabel.class) Correction correction,
            @JsonInclude(JsonInclude.Include.NON_NULL)
            @JsonSerialize(using = VariantAsKey.class)
            @JsonDeserialize(using = VariantFromKey.class) RecencyFixVariant variant,
            double accuracy, double metric, double metricReduction, double attentionStd, double attentionReduction) {

        /** Checks that the row names its bias and correction. */
        public BiasRow {
            Objects.requireNonNull(bias, "bias");
            Objects.requireNonNull(correction, "correction");
        }

        /**
         * The row's name: the correction's label, with the variant for a further fix variant, e.g.
         * {@code fix + batch calibration [label keys]} (as {@code RecencyResult.label(row)}).
         */
        public String label() {
            return correction.label() + (variant == null ? "" : " [" + variant.label() + "]");
        }
    }

    /** Writes a value as the text {@code text} gives it (a correction's label, a fix variant's key). */
    abstract static class AsText<T> extends StdSerializer<T> {
        private final transient Function<T, String> text;

        AsText(Class<T> type, Function<T, String> text) {
            super(type);
            this.text = text;
        }

        @Override
        public void serialize(T v, JsonGenerator g, SerializerProvider p) throws IOException {
            g.writeString(text.apply(v));
        }
    }

    /** Reads what an {@link AsText} writes; the parser's refusal becomes a {@link JsonParseException}, same message. */
    abstract static class FromText<T> extends StdDeserializer<T> {
        private final transient Function<String, T> parse;

        FromText(Class<T> type, Function<String, T> parse) {
            super(type);
            this.parse = parse;
        }

        @Override
        public T deserialize(JsonParser p, DeserializationContext c) throws IOException {
            try {
                return parse.apply(p.getValueAsString());
            } catch (IllegalArgumentException e) {
                throw new JsonParseException(p, e.getMessage());
            }
        }
    }

    /** Writes a correction as its label. */
    static final class CorrectionAsLabel extends AsText<Correction> {
        CorrectionAsLabel() {
            super(Correction.class, Correction::label);
        }
    }

    /** Reads what {@link CorrectionAsLabel} writes. */
    static final class CorrectionFromLabel extends FromText<Correction> {
        CorrectionFromLabel() {
            super(Correction.class, label -> Arrays.stream(Correction.values()).filter(x -> x.label().equals(label))
                    .findFirst().orElseThrow(() -> new IllegalArgumentException("correction '" + label
                            + "' unknown; one of "
                            + Arrays.stream(Correction.values()).map(Correction::label).toList())));
        }
    }

    /** Writes a recency fix variant as its key. */
    static final class VariantAsKey extends AsText<RecencyFixVariant> {
        VariantAsKey() {
            super(RecencyFixVariant.class, RecencyFixVariant::key);
        }
    }

    /** Reads what {@link VariantAsKey} writes. */
    static final class VariantFromKey extends FromText<RecencyFixVariant> {
        VariantFromKey() {
            super(RecencyFixVariant.class, RecencyFixVariant::parse);
        }
    }

    /** Copies the lists. */
    public Headline {
        fooHeads = List.copyOf(fooHeads);
        barHeads = List.copyOf(barHeads);
        labelWords = labelWords == null ? List.of(" foo", " bar") : List.copyOf(labelWords);
        reading = reading == null ? List.of() : List.copyOf(reading);
        valueOutputs = List.copyOf(valueOutputs);
        attention = List.copyOf(attention);
        bias = List.copyOf(bias);
        readout = readout == null ? ReadoutMetric.ARGMAX : readout;
        // boxed so that a headline.json written before these numbers existed reads as NaN ("not recorded"), not 0
        baselineFullVocab = baselineFullVocab == null ? Double.NaN : baselineFullVocab;
        ablatedFullVocab = ablatedFullVocab == null ? Double.NaN : ablatedFullVocab;
        controlFullVocabMean = controlFullVocabMean == null ? Double.NaN : controlFullVocabMean;
    }

    /** Gathers the headline numbers from the job's results. */
    public static Headline of(InContextHeadSet set, InterventionControl control, InterventionResult iv,
            MainJob.Analysis a, BiasComparison bias) {
        List<ValueOutputM> vo = new ArrayList<>();
        for (ValueOutputAnalysis.GroupMean g : a.valueOutputs().groups()) {
            vo.add(new ValueOutputM(g.heads(), g.positions(), g.meanM(), g.n()));
        }
        List<AttentionShift> att = new ArrayList<>();
        for (LabelGroup group : LabelGroup.values()) {
            double f = 0;
            double b = 0;
            int n = 0;
            for (AttentionAnalysis.HeadAttention h : a.attention().heads()) {
                if (h.group() == group) {
                    f += group == LabelGroup.FOO ? h.fooPosFooGroup() : h.barPosFooGroup();
                    b += group == LabelGroup.FOO ? h.fooPosBarGroup() : h.barPosBarGroup();
                    n++;
                }
            }
            if (n > 0) {
                att.add(new AttentionShift(group, f, b, (b - f) / f));
            }
        }
        TwoTowersAnalysis t = a.twoTowers();
        double within = t.heads().stream().mapToDouble(h -> h.scoreVsCosine().withinPromptPearson())
                .filter(Double::isFinite).average().orElse(Double.NaN);
        double pooled = t.heads().stream().mapToDouble(h -> h.scoreVsCosine().pearson()).filter(Double::isFinite)
                .average().orElse(Double.NaN);
        List<BiasRow> rows = new ArrayList<>();
        MajorityResult m = bias.majority();
        if (m != null) {
            for (MajorityResult.Row r : m.rows()) {
                rows.add(new BiasRow(BiasKind.MAJORITY, r.correction(), null, mean(r.accuracy()), mean(r.fluctuation()),
                        r.correction() == Correction.NONE ? Double.NaN : mean(r.fluctuationReduction()), Double.NaN,
                        Double.NaN));
            }
        }
        RecencyResult rc = bias.recency();
        if (rc != null) {
            for (RecencyResult.Row r : rc.rows()) {
                boolean none = r.correction() == Correction.NONE;
                // the first variant's rows carry the plain names, as in RecencyResult.label(row)
                RecencyFixVariant further = r.variant() == rc.variants().get(0) ? null : r.variant();
                rows.add(new BiasRow(BiasKind.RECENCY, r.correction(), further, mean(r.accuracy()), mean(r.accuracyStd()),
                        none ? Double.NaN : mean(r.accuracyStdReduction()), mean(r.attentionStd()),
                        none ? Double.NaN : mean(r.attentionStdReduction())));
            }
        }
        return new Headline(set.size(), set.scores().nLayers() * set.scores().nHeads(), set.fooHeads(),
                set.barHeads(), iv.prompts(), iv.baseline().accuracy(), iv.ablated().accuracy(), iv.controlMean(),
                iv.controlStd(), control.draws(), control.distinct(), vo, att, within, pooled, t.baseAgreement(),
                t.swapAgreement(), rows, m == null ? Double.NaN : m.options().ac(), bias.tuning() != null,
                a.valueOutputs().labelWords(), a.reading().heads(), iv.readout(), iv.baseline().readout(),
                iv.ablated().readout(), iv.controlReadoutMean(), iv.controlReadoutStd(),
                iv.baseline().fullVocabAccuracy(), iv.ablated().fullVocabAccuracy(),
                control.draws() == 0 ? Double.NaN : iv.controlFullVocabMean());
    }

    private static double mean(Interval i) {
        return i == null ? Double.NaN : i.mean();
    }

    /**
     * The row of one bias and correction, e.g. {@code (RECENCY, FIX)} (with several recency fix variants, the first
     * variant's row, which carries the plain name).
     */
    public BiasRow biasRow(BiasKind which, Correction correction) {
        return bias.stream().filter(r -> r.bias() == which && r.correction() == correction && r.variant() == null)
                .findFirst().orElseThrow(() -> new IllegalArgumentException("no bias row " + which + " / "
                        + correction.label() + "; rows: " + bias.stream().map(r -> r.bias() + " / " + r.label())
                        .toList()));
    }

    /** The mean M of one head group at one position type (NaN when absent). */
    public double meanM(LabelGroup headGroup, LabelGroup positions) {
        return valueOutputs.stream().filter(v -> v.heads() == headGroup && v.positions() == positions)
                .mapToDouble(ValueOutputM::meanM).findFirst().orElse(Double.NaN);
    }

    /** The tables ({@link HeadlineText#table}). */
    @Override
    public String toString() {
        return HeadlineText.table(this);
    }
}
