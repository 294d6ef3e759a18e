package io.github.icl4j;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.core.JsonProcessingException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * Reading a data file: its text (UTF-8, else windows-1252), delimited records through Commons CSV, and the one
 * wording of a malformed line (file, line number, what was expected, what was found).
 */
final class DataFiles {
    private static final Charset WINDOWS_1252 = Charset.forName("windows-1252");
    private static final int SHOWN_CHARS = 80;
    private static final ObjectMapper JSON = new ObjectMapper();

    private DataFiles() {
    }

     /** What to do with each record of a delimited file and the line it ends on. */
    interface RecordReader {
        void accept(CSVRecord record, long line);
    }

    /** Parses a delimited file with Commons CSV, turning its parse errors into messages with file and line. */
    static void forEachRecord(Path file, CSVFormat format, RecordReader reader) {
        String text = readText(file);
        if (text.startsWith("\uFEFF")) {
            text = text.substring(1);
        }
        try (CSVParser parser = CSVParser.parse(text, format)) {
            java.util.Iterator<CSVRecord> it = parser.iterator();
            while (true) {
                long before = parser.getCurrentLineNumber() + 1;
                CSVRecord row;
                try {
                    if (!it.hasNext()) {
                        break;
                    }
                    row = it.next();
                } catch (UncheckedIOException | IllegalStateException e) {
                    throw malformed(file, before, "a closing quote '\"' for a quoted field (" + rootMessage(e) + ")",
                            text.lines().skip(before - 1).findFirst().orElse(""));
                }
                reader.accept(row, before);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot parse " + file, e);
        }
    }

    static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null) {
            t = t.getCause();
        }
        return t.getMessage();
    }

    static String stripCr(String line) {
        return line.endsWith("\r") ? line.substring(0, line.length() - 1) : line;
    }

    static IllegalArgumentException malformed(Path file, long line, String expected, String found) {
        String shown = found.length() <= SHOWN_CHARS ? found : found.substring(0, SHOWN_CHARS) + "…";
        return new IllegalArgumentException(file + ":" + line + ": expected " + expected + ", found \"" + shown
                + "\"");
    }

    /** UTF-8 when valid, else windows-1252 (a superset of Latin-1's printable characters). */
    static String readText(Path file) {
        Objects.requireNonNull(file, "file");
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (java.nio.file.NoSuchFileException e) {
            throw new IllegalArgumentException("data file " + file + " does not exist", e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            return new String(bytes, WINDOWS_1252);
        }
    }

    /** What to do with each JSON line of a file: the object, its line number and its text. */
    interface JsonLineReader {
        void accept(JsonNode node, int line, String text);
    }

    /**
     * Parses each non-blank line of a JSON-lines file with Jackson; a line that is not JSON is a malformed line
     * expecting {@code expected}.
     */
    static void forEachJsonLine(Path file, String expected, JsonLineReader reader) {
        String[] lines = readText(file).split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = stripCr(lines[i]);
            if (line.isBlank()) {
                continue;
            }
            JsonNode node;
            try {
                node = JSON.readTree(line);
            } catch (JsonProcessingException e) {
                throw malformed(file, i + 1, expected + " (" + e.getOriginalMessage() + ")", line);
            }
            reader.accept(node, i + 1, line);
        }
    }
}
