package io.github.icl4j.examples.cli;

import io.github.icl4j.bias.BiasComparison;
import io.github.icl4j.bias.report.BiasCsv;
import io.github.icl4j.heads.HeadsJson;
import io.github.icl4j.heads.HeadsReport;
import io.github.icl4j.heads.report.HeadsReportFiles;
import io.github.icl4j.model.ModelConfig;
import io.github.icl4j.runtime.AtomicFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The main job's report folder: {@code report.html} (the in-context heads and the bias comparison on one
 * self-contained page), {@code report.json}, {@code headline.json}, {@code summary.md} and the CSV files of every
 * analysis. {@link MainJob#report} runs the steps; this writes what they found, each file atomically.
 */
final class ReportFiles {
    /** The report page's file name. */
    static final String PAGE = "report.html";

    private ReportFiles() {
    }

    /** The report's title: the model and its shape. */
    static String title(JobOptions o, ModelConfig c) {
        return "In-context heads and biases of " + (o.builtinModel() ? "the built-in model" : o.model().getFileName())
                + " (" + c.modelType() + ", " + c.nLayers() + " × " + c.nHeads() + " heads)";
    }

    /**
     * Writes every file of the report into {@link JobOptions#out()}.
     *
     * @param heads    the in-context heads' report (its own HTML, JSON and CSV files)
     * @param bias     the bias comparison
     * @param headline the headline numbers
     * @param o        the job's settings, every automatic value resolved
     * @param data     the workload in words
     * @param model    the model as it prints
     * @return the files written, sorted, the page ({@link #PAGE}) included
     */
    static List<Path> write(HeadsReport heads, BiasComparison bias, Headline headline, JobOptions o, String data,
            String model) {
        Path out = o.out();
        List<Path> files = new ArrayList<>();
        HeadsReportFiles.write(heads, out);
        try (var list = Files.list(out)) {
            list.filter(p -> !p.getFileName().toString().startsWith(".")).forEach(files::add);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + out, e);
        }
        BiasCsv.writeComparison(bias, out.resolve("bias.csv"));
        BiasCsv.writeMeasurements(bias, out.resolve("bias_measurements.csv"));
        AtomicFiles.writeString(out.resolve("headline.json"), HeadsJson.write(headline));
        AtomicFiles.writeString(out.resolve("summary.md"), headline.markdown(o, data, model));
        AtomicFiles.writeString(out.resolve(PAGE), ReportPage.html(heads, bias, headline, o, data, model));
        for (String f : List.of("bias.csv", "bias_measurements.csv", "headline.json", "summary.md")) {
            files.add(out.resolve(f));
        }
        files.sort(null);
        return files;
    }
}
