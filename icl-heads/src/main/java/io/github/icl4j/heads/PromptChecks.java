package io.github.icl4j.heads;

import io.github.icl4j.Model;
import io.github.icl4j.PromptTokens;
import io.github.icl4j.TokenTexts;
import io.github.icl4j.model.ModelConfig;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Validation of the prompts an analysis is given, with messages naming the prompt, the value and the range. */
final class PromptChecks {
    private PromptChecks() {
    }

    /**
     * Checks the prompts and returns their common label token ids {foo, bar}.
     *
     * @param needGold   every query must have a gold class 0 or 1
     * @param needLabels every prompt must have at least one label position
     * @throws IllegalArgumentException naming the first bad prompt and what is wrong
     */
    static long[] check(Model model, String what, List<? extends PromptTokens> prompts, boolean needGold,
            boolean needLabels) {
        if (prompts == null || prompts.isEmpty()) {
            throw new IllegalArgumentException(what + " needs at least one prompt; got none");
        }
        ModelConfig c = model.config();
        long[] ids = null;
        for (int i = 0; i < prompts.size(); i++) {
            PromptTokens p = prompts.get(i);
            if (p == null) {
                throw new IllegalArgumentException(what + ": prompt " + i + " is null");
            }
            long[] l = p.labelTokenIds();
            if (l.length != 2) {
                throw new IllegalArgumentException(what + ": prompt " + i + " carries " + l.length + " label token ids "
                        + Arrays.toString(l) + "; the in-context head analysis needs exactly 2 (foo, bar)");
            }
            for (long id : l) {
                if (id < 0 || id >= c.vocabSize()) {
                    throw new IllegalArgumentException(what + ": prompt " + i + ": label token id " + id
                            + " out of range [0, " + c.vocabSize() + ")");
                }
            }
            if (ids == null) {
                ids = l;
            } else if (!Arrays.equals(ids, l)) {
                throw new IllegalArgumentException(what + ": prompt " + i + " has label token ids " + Arrays.toString(l)
                        + " but prompt 0 has " + Arrays.toString(ids) + "; all prompts must share their label words");
            }
            int n = p.tokenIds().length;
            if (n == 0 || n > c.maxPositions()) {
                throw new IllegalArgumentException(what + ": prompt " + i + " has " + n + " tokens; allowed [1, "
                        + c.maxPositions() + "] (the model's context)");
            }
            int last = p.lastPosition();
            if (last < 0 || last >= n) {
                throw new IllegalArgumentException(what + ": prompt " + i + ": last position " + last
                        + " out of range [0, " + n + ")");
            }
            if (needGold && p.queryLabel() != 0 && p.queryLabel() != 1) {
                throw new IllegalArgumentException(what + ": prompt " + i + " has gold label " + p.queryLabel()
                        + "; allowed {0 (foo), 1 (bar)} (an unlabelled query cannot be scored)");
            }
            if (needLabels) {
                int[] pos = p.labelPositions();
                int[] labels = p.demoLabels();
                if (pos.length == 0) {
                    throw new IllegalArgumentException(what + ": prompt " + i + " has no label positions (no "
                            + "demonstrations); the analysis reads the heads at label positions");
                }
                if (labels.length != pos.length) {
                    throw new IllegalArgumentException(what + ": prompt " + i + " has " + pos.length
                            + " label positions but " + labels.length + " demonstration labels");
                }
                for (int j = 0; j < pos.length; j++) {
                    if (pos[j] < 0 || pos[j] > last) {
                        throw new IllegalArgumentException(what + ": prompt " + i + ": label position " + pos[j]
                                + " out of range [0, " + (last + 1) + ") (before the last position)");
                    }
                    if (labels[j] != 0 && labels[j] != 1) {
                        throw new IllegalArgumentException(what + ": prompt " + i + ": demonstration " + j
                                + " has label " + labels[j] + "; allowed {0 (foo), 1 (bar)}");
                    }
                }
            }
        }
        return ids;
    }

    /** A copy of the map with validated names and lists, in the map's order. */
    static Map<String, List<PromptTokens>> byDataset(Map<String, ? extends List<? extends PromptTokens>> sets) {
        if (sets == null || sets.isEmpty()) {
            throw new IllegalArgumentException("need at least one data set of prompts; got none");
        }
        Map<String, List<PromptTokens>> out = new LinkedHashMap<>();
        sets.forEach((name, list) -> {
            if (name == null || name.isBlank()) {
                throw new IllegalArgumentException("a data set name must not be blank");
            }
            if (list == null || list.isEmpty()) {
                throw new IllegalArgumentException("data set '" + name + "' has no prompts; need at least one prompt");
            }
            out.put(name, new ArrayList<>(list));
        });
        return out;
    }

    /** The label words as the tokenizer writes them, or {@code #id} without a tokenizer. */
    static List<String> words(Model model, long[] ids) {
        List<String> out = new ArrayList<>();
        for (long id : ids) {
            out.add(TokenTexts.decode(model, id));
        }
        return List.copyOf(out);
    }
}
