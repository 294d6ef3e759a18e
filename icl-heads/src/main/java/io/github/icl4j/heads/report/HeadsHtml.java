package io.github.icl4j.heads.report;

import io.github.icl4j.heads.HeadsJson;
import io.github.icl4j.heads.HeadsReport;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * The self-contained HTML page of a {@link HeadsReport}: inline CSS, JavaScript and SVG, no network resources, opens
 * offline. The page's script draws from the report's data, which is embedded as JSON.
 *
 * <pre>{@code
 * String page = HeadsHtml.page(InContextHeads.of(model).report(set, prompts));
 * }</pre>
 */
public final class HeadsHtml {
    private HeadsHtml() {
    }

    /**
     * The page.
     *
     * @param report the report
     * @return the HTML text
     * @throws IllegalStateException when the page template is missing from the jar
     */
    public static String page(HeadsReport report) {
        String template;
        try (InputStream in = HeadsHtml.class.getResourceAsStream("report.html")) {
            if (in == null) {
                throw new IllegalStateException("report.html template missing from the icl-heads jar");
            }
            template = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the report template", e);
        }
        String data = HeadsJson.write(ReportView.of(report)).replace("</", "<\\/");
        return template.replace("{{TITLE}}", escape(report.title())).replace("/*{{DATA}}*/", data);
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
