package io.github.icl4j;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.icl4j.testing.TestData;
import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A generator of small regular expressions (nested groups, alternations, quantifiers, anchors) used as a
 * {@code Split} pre-tokenizer: each is either refused at load by the vetting or encodes adversarial texts without
 * the native library giving up (which would abort this JVM). Seeded; a bounded number of patterns.
 */
class TokenizerRegexFuzzTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int PATTERNS = Integer.getInteger("icl4j.fuzz.patterns", 150);
    private static final List<String> TEXTS = List.of("a".repeat(40) + "!", "ab".repeat(20) + "!",
            "b".repeat(40) + "c", " ".repeat(40) + "x", "aab".repeat(15) + "\n", "xy".repeat(20) + "!");

    private static String atom(Random r, int depth) {
        return switch (r.nextInt(depth > 2 ? 6 : 8)) {
            case 0 -> "a";
            case 1 -> "b";
            case 2 -> "[ab]";
            case 3 -> "\\s";
            case 4 -> ".";
            case 5 -> "xy";
            case 6 -> "(?:" + sequence(r, depth + 1) + ")";
            default -> "(?:" + sequence(r, depth + 1) + "|" + sequence(r, depth + 1) + ")";
        };
    }

    private static String sequence(Random r, int depth) {
        StringBuilder b = new StringBuilder();
        int n = 1 + r.nextInt(4);
        for (int i = 0; i < n; i++) {
            b.append(atom(r, depth));
            b.append(switch (r.nextInt(7)) {
                case 0 -> "*";
                case 1 -> "+";
                case 2 -> "?";
                case 3 -> "{1,3}";
                default -> "";
            });
        }
        return b.toString();
    }

    @Test
    void everyGeneratedPatternIsRefusedOrSafeToRun() throws IOException {
        ObjectNode base = (ObjectNode) JSON.readTree(
                Files.readString(TestData.resource("parity/llama/tokenizer.json")));
        Random r = new Random(2);
        int refused = 0;
        int ran = 0;
        for (int i = 0; i < PATTERNS; i++) {
            String re = sequence(r, 0) + (r.nextBoolean() ? "$" : "");
            ObjectNode root = base.deepCopy();
            ObjectNode split = root.putObject("pre_tokenizer");
            split.put("type", "Split");
            split.putObject("pattern").put("Regex", re);
            split.put("behavior", "Isolated");
            split.put("invert", false);
            Tokenizer t;
            try {
                t = Tokenizer.fromJson(JSON.writeValueAsString(root), "fuzz.json");
            } catch (IllegalArgumentException e) {
                assertThat(e).hasMessageContaining("fuzz.json");
                refused++;
                continue;
            }
            try (t) {
                for (String text : TEXTS) {
                    t.encode(text);
                }
                ran++;
            }
        }
        assertThat(refused).as("some generated patterns are catastrophic").isPositive();
        assertThat(ran).as("most are fine").isPositive();
    }
}
