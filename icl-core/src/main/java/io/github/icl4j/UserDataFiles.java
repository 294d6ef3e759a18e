package io.github.icl4j;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.csv.CSVFormat;

/** A user's own data file ({@link Datasets#fromFile(Path, Datasets.Columns)}): CSV, TSV or JSON lines. */
final class UserDataFiles {

    private UserDataFiles() {
    }

    /** See {@link Datasets#fromFile(Path, Datasets.Columns)}. */
    static Dataset read(Path file, Datasets.Columns columns) {
        String fileName = file.getFileName().toString();
        String ext = fileName.contains(".") ? fileName.substring(fileName.lastIndexOf('.') + 1)
                .toLowerCase(java.util.Locale.ROOT) : "";
        List<String[]> rows = switch (ext) {
            case "csv" -> tableRows(file, CSVFormat.RFC4180, columns);
            case "tsv", "tab" -> tableRows(file, CSVFormat.TDF, columns);
            case "jsonl", "ndjson" -> jsonRows(file, columns);
            default -> throw new IllegalArgumentException(file + ": unknown data file extension '." + ext
                    + "'; expected .csv, .tsv, .tab, .jsonl or .ndjson");
        };
        // rows: {line, text, label}
        List<String> classes = columns.labels().isEmpty() ? sortedValues(rows) : columns.labels();
        List<Example> out = new ArrayList<>(rows.size());
        for (String[] r : rows) {
            int cls = classes.indexOf(r[2]);
            if (cls < 0) {
                throw new IllegalArgumentException(file + ":" + r[0] + ": expected a " + columns.label()
                        + " in " + classes + ", found \"" + r[2] + "\"");
            }
            out.add(new Example(r[1], cls));
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException(file + ": no examples (only a header or blank lines)");
        }
        return Dataset.of(fileName, classes, out);
    }

   private static List<String> sortedValues(List<String[]> rows) {
        java.util.TreeSet<String> values = new java.util.TreeSet<>();
        rows.forEach(r -> values.add(r[2]));
        boolean numeric = values.stream().allMatch(v -> v.matches("-?\\d{1,9}"));
        List<String> sorted = new ArrayList<>(values);
        if (numeric) {
            sorted.sort(java.util.Comparator.comparingInt(Integer::parseInt));
        }
        return sorted;
    }

    private static List<String[]> tableRows(Path file, CSVFormat format, Datasets.Columns columns) {
        List<String[]> rows = new ArrayList<>();
        List<String> header = new ArrayList<>();
        DataFiles.forEachRecord(file, format.builder().setIgnoreEmptyLines(true).get(), (row, line) -> {
            if (row.getRecordNumber() == 1) {
                row.forEach(h -> header.add(h.strip()));
                List<String> missing = new ArrayList<>(columns.text());
                missing.add(columns.label());
                missing.removeAll(header);
                if (!missing.isEmpty()) {
                    throw new IllegalArgumentException(file + ": no column " + missing + " in the header row; "
                            + "its columns are " + header);
                }
                return;
            }
            if (row.size() != header.size()) {
                throw DataFiles.malformed(file, line, header.size() + " fields " + header + ", one per header column",
                        String.join(format.getDelimiterString(), row.values()));
            }
            List<String> text = new ArrayList<>();
            for (String c : columns.text()) {
                text.add(row.get(header.indexOf(c)));
            }
            rows.add(new String[] {String.valueOf(line), String.join(" ", text).strip(),
                row.get(header.indexOf(columns.label())).strip()});
        });
        return rows;
    }

    private static List<String[]> jsonRows(Path file, Datasets.Columns columns) {
        List<String[]> rows = new ArrayList<>();
        DataFiles.forEachJsonLine(file, "a JSON object", (node, i, line) -> {
            List<String> text = new ArrayList<>();
            for (String c : columns.text()) {
                JsonNode t = node == null ? null : node.get(c);
                if (t == null || !t.isTextual()) {
                    throw DataFiles.malformed(file, i, "a JSON object with a text \"" + c + "\"", line);
                }
                text.add(t.asText());
            }
            JsonNode label = node.get(columns.label());
            if (label == null || !label.isValueNode() || label.isNull()) {
                throw DataFiles.malformed(file, i, "a JSON object with a \"" + columns.label() + "\" value", line);
            }
            rows.add(new String[] {String.valueOf(i), String.join(" ", text).strip(), label.asText().strip()});
        });
        return rows;
    }
}
