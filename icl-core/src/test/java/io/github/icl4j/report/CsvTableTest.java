package io.github.icl4j.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.List;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.Test;

/** RFC 4180 minimal quoting that keeps " foo" tokens bare, the two number formats, and Commons CSV reading it back. */
class CsvTableTest {

    @Test
    void quotesOnlyCommasQuotesAndLineBreaksAndWritesNumbersInTheTablesFormat() {
        String csv = CsvTable.sig6("token", "value", "note").row(" foo", 0.1234567, null).row("a,b", Double.NaN, "x\"y")
                .row("#1", 1.5f, "two\nlines").toString();
        assertThat(csv).isEqualTo("token,value,note\n foo,0.123457,\n\"a,b\",,\"x\"\"y\"\n#1,1.50000,\"two\nlines\"\n");
        assertThat(CsvTable.exact("v").row(0.1).row(Double.NaN).toString()).isEqualTo("v\n0.1\n\n");
        assertThat(Numbers.sig6(-9.41344e-05)).isEqualTo("-9.41344e-05");
        assertThat(Numbers.exact(1.0 / 3)).isEqualTo("0.3333333333333333");
    }

    @Test
    void commonsCsvReadsTheTableBackCellForCell() throws IOException {
        String csv = CsvTable.sig6("a", "b").row(" foo", "x,\"y\"").row("", "line\nbreak").toString();
        try (CSVParser p = CSVParser.parse(csv, CSVFormat.RFC4180)) {
            List<CSVRecord> rows = p.getRecords();
            assertThat(rows.get(1).values()).containsExactly(" foo", "x,\"y\"");
            assertThat(rows.get(2).values()).containsExactly("", "line\nbreak");
        }
    }
}
