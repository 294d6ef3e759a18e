package io.github.icl4j.heads;

import io.github.icl4j.HeadId;
import java.util.List;

/**
 * Everything found about a model's in-context heads, ready to write as a self-contained HTML report (inline CSS,
 * JavaScript and SVG; no network resources, opens offline), JSON and CSV by
 * {@link io.github.icl4j.heads.report.HeadsReportFiles}. Made by
 * {@link InContextHeads#report(InContextHeadSet, List)}; the analyses other than the head set may be null when
 * they were not run.
 *
 * <pre>{@code
 * HeadsReport report = InContextHeads.of(model).report(set, prompts);
 * Path html = HeadsReportFiles.write(report, Path.of("heads-report"));   // report.html, report.json, *.csv
 * }</pre>
 *
 * @param title        the report's title
 * @param set          the in-context heads with their evidence
 * @param intervention the intervention experiment, or null
 * @param valueOutputs the value-output analysis, or null
 * @param attention    the attention analysis, or null
 * @param twoTowers    the two-tower analysis, or null
 * @param reading      where the heads read (attention by token role), or null
 * @param examples     example prompts with the heads' attention over their tokens
 */
public record HeadsReport(String title, InContextHeadSet set, InterventionResult intervention,
        ValueOutputAnalysis valueOutputs, AttentionAnalysis attention, TwoTowersAnalysis twoTowers,
        ReadingAnalysis reading, List<ExamplePrompt> examples) {

    /**
     * One prompt shown token by token.
     *
     * @param prompt         its index among the analysed prompts
     * @param tokens         each token as the tokenizer writes it
     * @param labelPositions token index of each demonstration's label
     * @param demoLabels     each demonstration's label (0 foo, 1 bar)
     * @param queryLabel     the gold label of the query, or -1
     * @param predicted      the model's prediction (0 foo, 1 bar)
     * @param heads          each in-context head's attention from the last position over the tokens
     */
    public record ExamplePrompt(int prompt, List<String> tokens, int[] labelPositions, int[] demoLabels, int queryLabel,
            int predicted, List<HeadRow> heads) {
        /** Copies the arrays and lists. */
        public ExamplePrompt {
            tokens = List.copyOf(tokens);
            labelPositions = Arr.copy(labelPositions);
            demoLabels = Arr.copy(demoLabels);
            heads = List.copyOf(heads);
        }

        @Override
        public int[] labelPositions() {
            return Arr.copy(labelPositions);
        }

        @Override
        public int[] demoLabels() {
            return Arr.copy(demoLabels);
        }

        /** {@code ExamplePrompt[prompt 0, 57 tokens, label positions [12, 25], predicted 1, 5 heads]}. */
        @Override
        public String toString() {
            return "ExamplePrompt[prompt " + prompt + ", " + tokens.size() + " tokens, label positions "
                    + java.util.Arrays.toString(labelPositions) + ", predicted " + predicted + ", " + heads.size()
                    + " heads]";
        }
    }

    /**
     * One head's attention from the last position.
     *
     * @param head      the head
     * @param attention attention to each token {@code 0..last}
     */
    public record HeadRow(HeadId head, float[] attention) {
        /** Copies the array. */
        public HeadRow {
            attention = attention.clone();
        }

        @Override
        public float[] attention() {
            return attention.clone();
        }

        /** {@code HeadRow[L2H1 over 57 tokens, max 0.412 at 25]}. */
        @Override
        public String toString() {
            int arg = 0;
            for (int i = 1; i < attention.length; i++) {
                arg = attention[i] > attention[arg] ? i : arg;
            }
            return "HeadRow[" + head + " over " + attention.length + " tokens"
                    + (attention.length == 0 ? "" : ", max " + Arr.f3(attention[arg]) + " at " + arg) + "]";
        }
    }

    /**
     * Checks the parts.
     *
     * @throws IllegalArgumentException without a head set
     */
    public HeadsReport {
        if (set == null) {
            throw new IllegalArgumentException("a report needs the head set; got null");
        }
        title = title == null || title.isBlank() ? "In-context heads" : title;
        examples = examples == null ? List.of() : List.copyOf(examples);
    }

    /** {@code HeadsReport[In-context heads: 12 heads, intervention, value outputs, attention, two towers]}. */
    @Override
    public String toString() {
        return "HeadsReport[" + title + ": " + set.size() + " heads" + (intervention == null ? "" : ", intervention")
                + (valueOutputs == null ? "" : ", value outputs") + (attention == null ? "" : ", attention")
                + (twoTowers == null ? "" : ", two towers") + (reading == null ? "" : ", reading") + ", "
                + examples.size() + " example prompts]";
    }
}
