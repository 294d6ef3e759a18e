package io.github.icl4j.examples;

import io.github.icl4j.examples.builtin.BuiltinModel;
import io.github.icl4j.examples.builtin.SyntheticPrompts;
import io.github.icl4j.AttentionMap;
import io.github.icl4j.HeadId;
import io.github.icl4j.IclPrompt;
import io.github.icl4j.Model;
import io.github.icl4j.Patch;
import io.github.icl4j.Probe;
import io.github.icl4j.train.SyntheticIclTask;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Example: the fluent {@link Probe} API. Read every head's attention from the last token to the label words, then
 * zero the head that reads the labels most and read it again:
 *
 * <pre>{@code
 * Probe.on(model).prompt(p).patchHeads(heads, Patch.zero()).attentionAt(p.labelPositions())
 * }</pre>
 *
 * Zeroing a head removes what it writes, so its own layer attends as before and only later layers change.
 *
 * <pre>
 * mvn -q -pl icl-examples exec:java -Dexec.mainClass=io.github.icl4j.examples.AttentionAtLabels
 * </pre>
 */
public final class AttentionAtLabels {
    private AttentionAtLabels() {
    }

    /**
     * One head's attention from the last token to each label position.
     *
     * @param head    the head
     * @param clean   attention of the clean model, one value per label position
     * @param patched the same with {@code zeroed} zeroed
     */
    public record HeadRow(HeadId head, float[] clean, float[] patched) {
        /** Total attention on the labels, clean. */
        public double cleanTotal() {
            return sum(clean);
        }

        /** Total attention on the labels, patched. */
        public double patchedTotal() {
            return sum(patched);
        }

        private static double sum(float[] v) {
            double s = 0;
            for (float x : v) {
                s += x;
            }
            return s;
        }
    }

    /**
     * What the example found.
     *
     * @param prompt the prompt's tokens with the label positions marked
     * @param zeroed the head that was zeroed (the one with the most attention on the labels)
     * @param rows   every head, clean and patched
     */
    public record Result(String prompt, HeadId zeroed, List<HeadRow> rows) {
        /** The row of one head. */
        public HeadRow row(HeadId h) {
            return rows.stream().filter(r -> r.head().equals(h)).findFirst().orElseThrow();
        }

        /** A table: attention on each label position, clean → with the head zeroed. */
        @Override
        public String toString() {
            StringBuilder sb = new StringBuilder(prompt).append("\nAttention from the last token to the label words "
                    + "(clean → with ").append(zeroed).append(" zeroed):\n");
            for (HeadRow r : rows) {
                sb.append(String.format(Locale.ROOT, "  %-5s", r.head()));
                for (int j = 0; j < r.clean().length; j++) {
                    sb.append(String.format(Locale.ROOT, "  %.3f → %.3f", r.clean()[j], r.patched()[j]));
                }
                sb.append(String.format(Locale.ROOT, "   total %.3f → %.3f%n", r.cleanTotal(), r.patchedTotal()));
            }
            return sb.toString();
        }
    }

    /** Runs the example. */
    public static Result run() {
        try (Model model = BuiltinModel.load(); SyntheticIclTask task = BuiltinModel.task()) {
            IclPrompt p = SyntheticPrompts.prompts(IclPrompt.builder(model.tokenizer()), task, 1, 2, 11).get(0);

            AttentionMap clean = Probe.on(model).prompt(p).attentionAt(p.labelPositions());
            HeadId reader = null;
            for (int l = 0; l < model.config().nLayers(); l++) {
                for (int h = 0; h < model.config().nHeads(); h++) {
                    HeadId id = HeadId.of(l, h);
                    if (reader == null || clean.total(0, id) > clean.total(0, reader)) {
                        reader = id;
                    }
                }
            }
            AttentionMap patched = Probe.on(model).prompt(p)
                    .patchHeads(List.of(reader), Patch.zero())
                    .attentionAt(p.labelPositions());

            List<HeadRow> rows = new ArrayList<>();
            for (int l = 0; l < model.config().nLayers(); l++) {
                for (int h = 0; h < model.config().nHeads(); h++) {
                    HeadId id = HeadId.of(l, h);
                    rows.add(new HeadRow(id, clean.of(0, id), patched.of(0, id)));
                }
            }
            return new Result(p.describe(model.tokenizer()), reader, rows);
        }
    }

    /** Prints the example's result. */
    public static void main(String[] args) {
        System.out.println(run());
    }
}
