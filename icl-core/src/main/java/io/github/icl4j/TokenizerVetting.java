package io.github.icl4j;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Checks a {@code tokenizer.json} before the Rust {@code tokenizers} library sees it: a Rust panic cannot cross the
 * JNI boundary and aborts the JVM, so whatever could panic at encode time is refused at load with a message naming the
 * file and the offending part.
 *
 * <ul>
 * <li><b>Regular expressions</b> (every {@code pattern.Regex} of the normalizer, pre-tokenizer and decoder) must be in
 *     a safe subset: no back-references, and no repeated group ({@code (…)*}, {@code (…)+}, {@code (…){2,}})
 *     whose body holds an alternation or a quantifier unless the repetition is possessive or the group atomic (the
 *     shape of every exponential backtracking pattern, e.g. {@code (a|aa)+$}). Each pattern is then run under a bounded
 *     backtracking matcher on adversarial inputs (runs of the characters it names, broken by a character that makes
 *     it fail); one whose work per match attempt grows faster than linearly with the input, or beyond a fixed step
 *     budget, is refused: Oniguruma gives up after 10 million steps and the library panics.</li>
 * <li><b>Post-processor templates</b> ({@code TemplateProcessing}, also inside a {@code Sequence}): every
 *     {@code SpecialToken} a template uses must be declared in {@code special_tokens}, and every declared id must be in
 *     the vocabulary; {@code BertProcessing}/{@code RobertaProcessing} ids likewise.</li>
 * </ul>
 */
final class TokenizerVetting {
    private TokenizerVetting() {
    }

    /**
     * Throws when the tokenizer could abort the JVM.
     *
     * @param root      the parsed {@code tokenizer.json}
     * @param source    names the file in messages
     * @param vocabSize the vocabulary size (largest id + 1)
     * @param ids       every id the vocabulary and added tokens define
     * @throws IllegalArgumentException naming the file, the part and why
     */
    static void check(JsonNode root, String source, Set<Integer> ids) {
        for (String part : List.of("normalizer", "pre_tokenizer", "decoder")) {
            checkPatterns(root.path(part), source, part);
        }
        checkPostProcessor(root.path("post_processor"), source, "post_processor", ids);
    }

    // -------------------------------------------------------------------- regular expressions

    private static void checkPatterns(JsonNode node, String source, String where) {
        if (node.isObject()) {
            JsonNode regex = node.path("pattern").path("Regex");
            if (regex.isTextual()) {
                RegexVetting.check(regex.asText(), source + ": " + where + " (" + node.path("type").asText("?") + ")");
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext();) {
                Map.Entry<String, JsonNode> f = it.next();
                if (!f.getKey().equals("pattern")) {
                    checkPatterns(f.getValue(), source, where + "." + f.getKey());
                }
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                checkPatterns(node.get(i), source, where + "[" + i + "]");
            }
        }
    }

    // -------------------------------------------------------------------- post-processors

    private static void checkPostProcessor(JsonNode pp, String source, String where, Set<Integer> ids) {
        if (!pp.isObject()) {
            return;
        }
        String type = pp.path("type").asText("");
        switch (type) {
            case "Sequence" -> {
                JsonNode list = pp.path("processors");
                for (int i = 0; i < list.size(); i++) {
                    checkPostProcessor(list.get(i), source, where + ".processors[" + i + "]", ids);
                }
            }
            case "TemplateProcessing" -> checkTemplate(pp, source, where, ids);
            case "BertProcessing", "RobertaProcessing" -> {
                for (String k : List.of("sep", "cls")) {
                    JsonNode pair = pp.path(k);
                    if (pair.isArray() && pair.size() == 2) {
                        checkId(pair.get(1), source, where + "." + k + " ('" + pair.get(0).asText() + "')", ids);
                    }
                }
            }
            default -> {
                // ByteLevel and others add no tokens
            }
        }
    }

    private static void checkTemplate(JsonNode pp, String source, String where, Set<Integer> ids) {
        JsonNode specials = pp.path("special_tokens");
        Set<String> declared = new HashSet<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = specials.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> e = it.next();
            String at = where + ".special_tokens['" + e.getKey() + "']";
            JsonNode idList = e.getValue().path("ids");
            JsonNode tokens = e.getValue().path("tokens");
            if (!idList.isArray() || !tokens.isArray() || idList.size() != tokens.size()) {
                throw new IllegalArgumentException(source + ": " + at + " needs 'ids' and 'tokens' arrays of one "
                        + "length; found " + e.getValue());
            }
            for (JsonNode id : idList) {
                checkId(id, source, at, ids);
            }
            declared.add(e.getValue().path("id").asText(e.getKey()));
            declared.add(e.getKey());
        }
        for (String kind : List.of("single", "pair")) {
            JsonNode pieces = pp.path(kind);
            for (int i = 0; i < pieces.size(); i++) {
                JsonNode special = pieces.get(i).path("SpecialToken");
                if (special.isObject()) {
                    String id = special.path("id").asText();
                    if (!declared.contains(id)) {
                        throw new IllegalArgumentException(source + ": " + where + "." + kind + "[" + i
                                + "] adds the special token '" + id + "' but special_tokens does not declare it; "
                                + "declared: " + declared);
                    }
                }
            }
        }
    }

    private static void checkId(JsonNode id, String source, String where, Set<Integer> ids) {
        if (!id.canConvertToInt() || !ids.contains(id.asInt())) {
            throw new IllegalArgumentException(source + ": " + where + " names token id " + id
                    + ", which is not in the vocabulary (" + ids.size() + " ids)");
        }
    }
}
