package io.github.icl4j.heads;

import io.github.icl4j.HeadId;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

/**
 * Everything found about a model's in-context heads, ready to write as a self-contained HTML report (inline CSS,
 * JavaScript and SVG; no network resources, opens offline), JSON and CSV. Made by
 * {@link InContextHeads#report(InContextHeadSet, List)}; the analyses other than the head set may be null when
 * they were not run.
 *
 * <pre>{@code
 * HeadsReport report = InContextHeads.of(model).report(set, prompts);
 * Path html = report.write(Path.of("heads-report"));   // report.html, report.json, *.csv
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

    /** The self-contained HTML page. */
    public String html() {
        String template;
        try (InputStream in = HeadsReport.class.getResourceAsStream("report.html")) {
            if (in == null) {
                throw new IllegalStateException("report.html template missing from the icl-heads jar");
            }
            template = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the report template", e);
        }
        String data = HeadsJson.write(ReportView.of(this)).replace("</", "<\\/");
        return template.replace("{{TITLE}}", escape(title)).replace("/*{{DATA}}*/", data);
    }

    static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    /**
     * Writes the report into {@code dir} (created if needed), each file atomically: {@code report.html},
     * {@code report.json} (this record), {@code heads.csv}, {@code scores.csv}, {@code ablation.csv},
     * {@code intervention.csv}, {@code value_outputs.csv}, {@code value_output_examples.csv}, {@code attention.csv},
     * {@code two_towers.csv}, {@code two_towers_summary.csv}, {@code reading.csv} (those whose analysis is present).
     *
     * @return the path of {@code report.html}
     */
    public Path write(Path dir) {
        HeadsJson.writeAtomically(dir.resolve("report.json"), HeadsJson.write(this));
        HeadsJson.writeAtomically(dir.resolve("heads.csv"), set.toCsv());
        HeadsJson.writeAtomically(dir.resolve("scores.csv"), set.scores().toCsv());
        if (set.ablation() != null) {
            HeadsJson.writeAtomically(dir.resolve("ablation.csv"), set.ablation().toCsv());
        }
        if (intervention != null) {
            HeadsJson.writeAtomically(dir.resolve("intervention.csv"), intervention.toCsv());
        }
        if (valueOutputs != null) {
            HeadsJson.writeAtomically(dir.resolve("value_outputs.csv"), valueOutputs.toCsv());
            HeadsJson.writeAtomically(dir.resolve("value_output_examples.csv"), valueOutputs.examplesCsv());
        }
        if (attention != null) {
            HeadsJson.writeAtomically(dir.resolve("attention.csv"), attention.toCsv());
        }
        if (twoTowers != null) {
            HeadsJson.writeAtomically(dir.resolve("two_towers.csv"), twoTowers.toCsv());
            HeadsJson.writeAtomically(dir.resolve("two_towers_summary.csv"), twoTowers.summaryCsv());
        }
        if (reading != null) {
            HeadsJson.writeAtomically(dir.resolve("reading.csv"), reading.toCsv());
        }
        Path html = dir.resolve("report.html");
        HeadsJson.writeAtomically(html, html());
        return html;
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
