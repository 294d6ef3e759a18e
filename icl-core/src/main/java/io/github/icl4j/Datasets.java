package io.github.icl4j;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.csv.CSVFormat;

/**
 * Readers for the sentence-classification sets in the shared data directory (see its {@code README.md}), by
 * name ({@link #load(String, String)}) or by layout ({@link #readLabelLines}, {@link #readJsonl},
 * {@link #readCsv}).
 *
 * <p>Every reader is strict: a line it cannot read is an {@link IllegalArgumentException} that names the file,
 * the line number, what was expected and what was found, because a silently skipped line changes every count
 * downstream.
 * <pre>{@code
 * Dataset train = Datasets.load("sst2", "train");     // 6920 examples
 * Dataset news = Datasets.load("agnews", "test");     // 7600 examples, 4 classes
 * Dataset binary = news.pair();                       // World vs Sports, relabelled 0/1
 * }</pre>
 */
public final class Datasets {
    /** System property naming the shared data directory. */
    public static final String DATA_DIR_PROPERTY = "icl.data.dir";
    /** Environment variable naming the shared data directory when the property is unset. */
    public static final String DATA_DIR_ENV = "ICL_DATA_DIR";


    private static final List<String> POLARITY = List.of("negative", "positive");
    private static final List<String> SST5 = List.of("very negative", "negative", "neutral", "positive",
            "very positive");
    private static final List<String> SUBJ = List.of("subjective", "objective");
    private static final List<String> TREC = List.of("DESC", "ENTY", "ABBR", "HUM", "LOC", "NUM");
    private static final List<String> AGNEWS = List.of("World", "Sports", "Business", "Sci/Tech");
    private static final List<String> DBPEDIA = List.of("Company", "EducationalInstitution", "Artist", "Athlete",
            "OfficeHolder", "MeanOfTransportation", "Building", "NaturalPlace", "Village", "Animal", "Plant",
            "Album", "Film", "WrittenWork");

    /** Known sets: name → split → where and how to read it. Insertion order is the order shown in messages. */
    private static final Map<String, Map<String, Source>> KNOWN = known0();

    private Datasets() {
    }

    private enum Layout { LABEL_LINES, JSONL, CSV_HEADER, CSV }

    private record Source(String file, Layout layout, List<String> classes, int firstLabel) {
    }

    private static Map<String, Map<String, Source>> known0() {
        Map<String, Map<String, Source>> m = new LinkedHashMap<>();
        m.put("sst2", splits(
                "train", lines("sst2/stsa.binary.train", POLARITY),
                "dev", lines("sst2/stsa.binary.dev", POLARITY),
                "test", lines("sst2/stsa.binary.test", POLARITY)));
        m.put("sst5", splits(
                "train", lines("sst5/stsa.fine.train", SST5),
                "dev", lines("sst5/stsa.fine.dev", SST5),
                "test", lines("sst5/stsa.fine.test", SST5)));
        m.put("mr", allTrainTest("mr", "rt-polarity.all", POLARITY));
        m.put("subj", allTrainTest("subj", "subj.all", SUBJ));
        m.put("cr", allTrainTest("cr", "custrev.all", POLARITY));
        m.put("mpqa", allTrainTest("mpqa", "mpqa.all", POLARITY));
        m.put("trec", splits(
                "train", lines("trec/TREC.train.all", TREC),
                "test", lines("trec/TREC.test.all", TREC)));
        Map<String, Source> ag = new LinkedHashMap<>();
        ag.put("test", new Source("agnews/test.csv", Layout.CSV_HEADER, AGNEWS, 1));
        ag.put("train64", new Source("agnews/jsonl_lu/train.jsonl", Layout.JSONL, AGNEWS, 1));
        ag.put("subset-train", new Source("agnews/subset_DeepTextClustering/train.csv", Layout.CSV, AGNEWS, 0));
        ag.put("subset-test", new Source("agnews/subset_DeepTextClustering/test.csv", Layout.CSV, AGNEWS, 0));
        m.put("agnews", Collections.unmodifiableMap(ag));
        m.put("dbpedia", Map.of("subset",
                new Source("dbpedia/subset_DeepTextClustering/train.csv", Layout.CSV, DBPEDIA, 0)));
        return Collections.unmodifiableMap(m);
    }

    private static Source lines(String file, List<String> classes) {
        return new Source(file, Layout.LABEL_LINES, classes, 0);
    }

    private static Map<String, Source> splits(Object... nameThenSource) {
        Map<String, Source> m = new LinkedHashMap<>();
        for (int i = 0; i < nameThenSource.length; i += 2) {
            m.put((String) nameThenSource[i], (Source) nameThenSource[i + 1]);
        }
        return Collections.unmodifiableMap(m);
    }

    private static Map<String, Source> allTrainTest(String dir, String allFile, List<String> classes) {
        return splits(
                "all", lines(dir + "/" + allFile, classes),
                "train", new Source(dir + "/jsonl_lu/train_full.jsonl", Layout.JSONL, classes, 0),
                "test", new Source(dir + "/jsonl_lu/test.jsonl", Layout.JSONL, classes, 0));
    }

    /**
     * The shared data directory: system property {@value #DATA_DIR_PROPERTY}, else environment variable
     * {@value #DATA_DIR_ENV}, else {@code ../shared/data} (beside the project). Data sets are under its
     * {@code datasets/} folder.
     */
    public static Path dataDir() {
        String p = System.getProperty(DATA_DIR_PROPERTY);
        if (p == null || p.isBlank()) {
            p = System.getenv(DATA_DIR_ENV);
        }
        return Path.of(p == null || p.isBlank() ? "../shared/data" : p).toAbsolutePath().normalize();
    }

    /**
     * The named data sets and their splits, e.g. {@code sst2 → [train, dev, test]}. {@code all} is a whole
     * SentEval file; for MR, SUBJ, CR and MPQA {@code train}/{@code test} are the standard split (test 2000
     * sentences); AG News has the full {@code test} set, a 64-sentence {@code train64} sample and the
     * tokenised, lower-cased 4000-row {@code subset-train}/{@code subset-test} (the only larger training pool).
     */
    public static Map<String, List<String>> known() {
        Map<String, List<String>> m = new LinkedHashMap<>();
        KNOWN.forEach((name, splits) -> m.put(name, List.copyOf(splits.keySet())));
        return Collections.unmodifiableMap(m);
    }

    /**
     * Loads a named split from {@link #dataDir()}, e.g. {@code load("sst2", "train")},
     * {@code load("agnews", "test")}, with the class names of the data README. The set is named
     * {@code name/split}.
     *
     * @throws IllegalArgumentException for an unknown name or split (listing the known ones), a missing file
     *                                  (naming it and how to point at the data), or a malformed line
     */
    public static Dataset load(String name, String split) {
        Map<String, Source> splits = KNOWN.get(name);
        if (splits == null) {
            throw new IllegalArgumentException("unknown data set '" + name + "'; known: " + known());
        }
        Source s = splits.get(split);
        if (s == null) {
            throw new IllegalArgumentException("unknown split '" + split + "' of data set " + name + "; known: "
                    + splits.keySet());
        }
        Path file = dataDir().resolve("datasets").resolve(s.file());
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("data file " + file + " for " + name + "/" + split
                    + " is absent; point -D" + DATA_DIR_PROPERTY + " or " + DATA_DIR_ENV
                    + " at the shared data directory");
        }
        String setName = name + "/" + split;
        return switch (s.layout()) {
            case LABEL_LINES -> readLabelLines(file, setName, s.classes());
            case JSONL -> readJsonl(file, setName, s.classes(), labelValues(s));
            case CSV_HEADER -> readCsv(file, setName, s.classes(), s.firstLabel(), true);
            case CSV -> readCsv(file, setName, s.classes(), s.firstLabel(), false);
        };
    }

    /**
     * Sentences the built-in model ({@link Model#builtin()}) can read: two classes of made-up words from its
     * task's first held-out class pair (never seen together in training), {@code perClass} sentences each,
     * alternating class 0 and class 1 (so {@code get(0)} is class 0, {@code get(1)} class 1). Class 0 is named
     * {@code foo} and class 1 {@code bar}, the label words {@link IclPrompt} writes by default.
     * <pre>{@code
     * Dataset data = Datasets.builtin(3, 7);
     * IclPrompt p = IclPrompt.builder(model.tokenizer())
     *         .build(Demonstrations.of(2, List.of(data.get(0), data.get(1), data.get(3), data.get(2))), data.get(5));
     * }</pre>
     *
     * @throws IllegalArgumentException for {@code perClass < 1}
     */
    public static Dataset builtin(int perClass, long seed) {
        if (perClass < 1) {
            throw new IllegalArgumentException("perClass " + perClass + " out of range [1, +inf)");
        }
        try (io.github.icl4j.train.SyntheticIclTask task = io.github.icl4j.train.SyntheticIclTask.builtin()) {
            int[] pair = task.pairs(io.github.icl4j.train.SyntheticIclTask.Split.HELD_OUT).get(0);
            java.util.Random rng = new java.util.Random(seed);
            List<Example> out = new ArrayList<>();
            for (int i = 0; i < perClass; i++) {
                out.add(new Example(task.sentence(pair[0], rng), 0));
                out.add(new Example(task.sentence(pair[1], rng), 1));
            }
            return Dataset.of("builtin/held-out", List.of("foo", "bar"), out);
        }
    }

    private static List<String> labelValues(Source s) {
        List<String> values = new ArrayList<>();
        for (int i = 0; i < s.classes().size(); i++) {
            values.add(String.valueOf(i + s.firstLabel()));
        }
        return values;
    }

    /**
     * Reads SentEval-style {@code "LABEL sentence"} lines (a class index, one space, the sentence; the sentence
     * is stripped of surrounding whitespace and may be empty, as on a few CR and MPQA lines, so that counts match
     * the published ones). Blank lines are skipped. The file is read as UTF-8 when it is
     * valid UTF-8, otherwise as windows-1252 (MR, SUBJ and TREC train hold a few Latin-1/windows-1252 bytes).
     *
     * @throws IllegalArgumentException naming file and line for a line without the space after the label or with
     *                                  a label that is not an integer in {@code [0, classNames.size())}
     */
    public static Dataset readLabelLines(Path file, String name, List<String> classNames) {
        String[] lines = DataFiles.readText(file).split("\n", -1);
        List<Example> out = new ArrayList<>();
        for (int i = 0; i < lines.length; i++) {
            String line = DataFiles.stripCr(lines[i]);
            if (line.isBlank()) {
                continue;
            }
            int sp = line.indexOf(' ');
            String text = sp < 0 ? "" : line.substring(sp + 1).strip();
            Integer label = sp < 0 ? null : parseLabel(line.substring(0, sp), 0, classNames.size());
            if (label == null) {
                throw DataFiles.malformed(file, i + 1, "\"LABEL sentence\" with LABEL an integer in [0, "
                        + classNames.size() + ") " + classNames, line);
            }
            out.add(new Example(text, label));
        }
        return Dataset.of(name, classNames, out);
    }

    /**
     * Reads JSON lines {@code {"sentence": ..., "label": ...}}; {@code labelValues.get(i)} is the label text
     * that means class {@code i} (labels may be JSON strings or numbers, compared as text). Blank lines are
     * skipped.
     *
     * @throws IllegalArgumentException naming file and line for a line that is not a JSON object, lacks a
     *                                  text {@code sentence} or a {@code label}, or has a label not in
     *                                  {@code labelValues}
     */
    public static Dataset readJsonl(Path file, String name, List<String> classNames, List<String> labelValues) {
        if (labelValues.size() != classNames.size()) {
            throw new IllegalArgumentException(labelValues.size() + " label values " + labelValues + " for "
                    + classNames.size() + " classes " + classNames + "; need one per class");
        }
        List<Example> out = new ArrayList<>();
        DataFiles.forEachJsonLine(file, "a JSON object {\"sentence\": ..., \"label\": ...}", (node, i, line) -> {
            JsonNode sentence = node == null ? null : node.get("sentence");
            JsonNode label = node == null ? null : node.get("label");
            if (sentence == null || !sentence.isTextual() || label == null || !label.isValueNode()
                    || label.isNull()) {
                throw DataFiles.malformed(file, i, "a JSON object with a text \"sentence\" and a \"label\"", line);
            }
            int cls = labelValues.indexOf(label.asText());
            if (cls < 0) {
                throw DataFiles.malformed(file, i, "a label in " + labelValues + " (classes " + classNames + ")",
                        line);
            }
            out.add(new Example(sentence.asText(), cls));
        });
        return Dataset.of(name, classNames, out);
    }

    /**
     * Reads comma-separated rows (RFC 4180 quoting: {@code "..."}, {@code ""} for a quote; parsed by Apache
     * Commons CSV): the first column is the label, an integer from {@code firstLabel} (AG News counts from 1), and
     * the text is the remaining columns joined by one space (AG News: title + " " + description), stripped. With
     * {@code hasHeader} the first row is skipped. For a file with named columns use {@link #fromFile}.
     *
     * @throws IllegalArgumentException naming file and line for a row with fewer than two columns, an unclosed
     *                                  quote, or a label outside {@code [firstLabel, firstLabel + classes)}
     */
    public static Dataset readCsv(Path file, String name, List<String> classNames, int firstLabel,
            boolean hasHeader) {
        List<Example> out = new ArrayList<>();
        DataFiles.forEachRecord(file, CSVFormat.RFC4180.builder().setIgnoreEmptyLines(true).get(), (row, line) -> {
            if (hasHeader && row.getRecordNumber() == 1) {
                return;
            }
            Integer label = row.size() < 2 ? null : parseLabel(row.get(0).strip(), firstLabel, classNames.size());
            if (label == null) {
                throw DataFiles.malformed(file, line, "\"LABEL,text...\" with LABEL an integer in [" + firstLabel + ", "
                        + (firstLabel + classNames.size()) + ") " + classNames, String.join(",", row.values()));
            }
            List<String> cells = row.toList();
            out.add(new Example(String.join(" ", cells.subList(1, cells.size())).strip(), label));
        });
        return Dataset.of(name, classNames, out);
    }

    /**
     * Which fields of a user's file hold the text and the label ({@link #fromFile(Path, Columns)}), and which label
     * values are the classes.
     * <pre>{@code
     * Datasets.Columns.of("review", "sentiment")                            // classes: the values found, sorted
     * Datasets.Columns.of("review", "sentiment").withLabels("neg", "pos")   // class 0 is "neg", class 1 "pos"
     * Datasets.Columns.of(List.of("title", "body"), "topic")                // text: title + " " + body
     * }</pre>
     *
     * @param text   the text columns (JSONL: fields), joined by one space when more than one
     * @param label  the label column (JSONL: field); its values are compared as text, stripped
     * @param labels the label values in class order (class {@code i} is {@code labels.get(i)}, which is also its
     *               class name), or empty for every value found, sorted (numerically when all are integers)
     */
    public record Columns(List<String> text, String label, List<String> labels) {
        /** Validates: at least one text column, no blank names, no label value twice. */
        public Columns {
            text = List.copyOf(text);
            labels = List.copyOf(labels);
            if (text.isEmpty() || text.stream().anyMatch(String::isBlank)) {
                throw new IllegalArgumentException("text columns " + text + ": need at least one, none blank");
            }
            if (label == null || label.isBlank()) {
                throw new IllegalArgumentException("label column '" + label + "': need a column name");
            }
            if (new java.util.HashSet<>(labels).size() != labels.size()) {
                throw new IllegalArgumentException("label values " + labels + " name a value twice");
            }
        }

        /** One text column and one label column; the classes are the label values found. */
        public static Columns of(String text, String label) {
            return new Columns(List.of(text), label, List.of());
        }

        /** Several text columns, joined by one space; the classes are the label values found. */
        public static Columns of(List<String> text, String label) {
            return new Columns(text, label, List.of());
        }

        /** The label values in class order (any other value in the file is an error). */
        public Columns withLabels(String... values) {
            return new Columns(text, label, List.of(values));
        }
    }

    /** As {@link #fromFile(Path, Columns)} with one text and one label column. */
    public static Dataset fromFile(Path file, String textColumn, String labelColumn) {
        return fromFile(file, Columns.of(textColumn, labelColumn));
    }

    /**
     * Reads a user's own data set. The layout comes from the extension: {@code .csv} (comma-separated, RFC 4180
     * quoting), {@code .tsv} or {@code .tab} (tab-separated), each with a header row naming the columns; or
     * {@code .jsonl} / {@code .ndjson} (one JSON object per line). Blank lines are skipped; a UTF-8 byte-order mark
     * is ignored; the file is read as UTF-8, or as windows-1252 when it is not valid UTF-8. The data set is named
     * after the file.
     * <pre>{@code
     * Dataset reviews = Datasets.fromFile(Path.of("reviews.csv"), "text", "label");
     * Dataset topics = Datasets.fromFile(Path.of("news.jsonl"),
     *         Datasets.Columns.of("headline", "topic").withLabels("sport", "politics"));
     * }</pre>
     *
     * @throws IllegalArgumentException for an unknown extension, a missing column (naming the columns found), or
     *                                  a row without the text or label or with a label not in
     *                                  {@link Columns#labels()}, naming file and line
     */
    public static Dataset fromFile(Path file, Columns columns) {
        return UserDataFiles.read(file, columns);
    }

    /** The label as a class index, or null when it is not an integer in {@code [first, first + n)}. */
    private static Integer parseLabel(String s, int first, int n) {
        try {
            int v = Integer.parseInt(s);
            return v >= first && v < first + n ? v - first : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
