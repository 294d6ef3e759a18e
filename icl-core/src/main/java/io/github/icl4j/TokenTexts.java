package io.github.icl4j;

import java.util.ArrayList;
import java.util.List;

/**
 * Each token of a prompt as the prompt writes it, for token views of a report: the tokens join back into the prompt's
 * text for every tokenizer, word-level ones included, whose single-token decoding drops the spaces and line breaks.
 *
 * <pre>{@code
 * List<String> toks = TokenTexts.of(model, prompt, prompt.lastPosition(), TokenTexts.Spacing.TRAILING);
 * }</pre>
 *
 * The texts come from the character spans of a re-encoding of the prompt's text; tokens in front of it (a BOS the
 * prompt carries) and prompts whose re-encoding does not match their tokens fall back to decoding one token at a time.
 */
public final class TokenTexts {
    private TokenTexts() {
    }

    /** Where the characters between two tokens' spans (the whitespace a word-level tokenizer leaves out) go. */
    public enum Spacing {
        /**
         * To the token after them: {@code "Sentence"}, {@code ":"}, {@code " good"}, {@code "\nLabel"}, as a BPE
         * tokenizer writes {@code " foo"}.
         */
        LEADING,
        /**
         * To the token before them: {@code "Sentence: "}, {@code "good "}, {@code "movie\n"}, so each token reads like
         * the text.
         */
        TRAILING
    }

    /**
     * The texts of tokens {@code 0..upTo} of {@code prompt}, written by the model's tokenizer; without a tokenizer,
     * {@code #id} per token.
     *
     * @param model   the model whose tokenizer wrote the prompt
     * @param prompt  the prompt
     * @param upTo    the last token (inclusive), in {@code [0, prompt.length())}
     * @param spacing where the characters between tokens go
     * @throws IllegalArgumentException for {@code upTo} out of range or a null argument
     */
    public static List<String> of(Model model, IclPrompt prompt, int upTo, Spacing spacing) {
        OptionChecks.nonNull("model", model);
        return of(model.hasTokenizer() ? model.tokenizer() : null, prompt, upTo, spacing);
    }

    /**
     * The texts of tokens {@code 0..upTo} of {@code prompt}, written by {@code tokenizer}; with a null tokenizer,
     * {@code #id} per token.
     *
     * @param tokenizer the tokenizer that wrote the prompt, or null
     * @param prompt    the prompt
     * @param upTo      the last token (inclusive), in {@code [0, prompt.length())}
     * @param spacing   where the characters between tokens go
     * @throws IllegalArgumentException for {@code upTo} out of range or a null prompt or spacing
     */
    public static List<String> of(Tokenizer tokenizer, IclPrompt prompt, int upTo, Spacing spacing) {
        if (prompt == null || spacing == null) {
            throw new IllegalArgumentException("prompt and spacing must not be null; got " + prompt + ", " + spacing);
        }
        long[] ids = prompt.ids();
        if (upTo < 0 || upTo >= ids.length) {
            throw new IllegalArgumentException("upTo " + upTo + " out of range [0, " + ids.length + ") (the prompt's"
                    + " tokens)");
        }
        String text = prompt.text();
        Encoding enc = tokenizer != null ? tokenizer.encode(text, false) : null;
        int shift = enc == null ? -1 : ids.length - enc.length(); // 1 with a BOS token in front
        List<String> out = new ArrayList<>(upTo + 1);
        boolean aligned = enc != null && matches(enc, ids, shift);
        for (int j = 0; j <= upTo; j++) {
            int e = j - shift;
            if (!aligned || e < 0) {
                out.add(decode(tokenizer, ids[j]));
            } else if (spacing == Spacing.LEADING) {
                int from = e == 0 ? 0 : enc.endOf(e - 1);
                out.add(text.substring(Math.min(from, enc.endOf(e)), enc.endOf(e)));
            } else {
                int from = e == 0 ? 0 : enc.startOf(e);
                int to = e + 1 < enc.length() ? enc.startOf(e + 1) : text.length();
                out.add(text.substring(from, Math.max(from, to)));
            }
        }
        return out;
    }

    /** A token as the model's tokenizer decodes it alone, or {@code #id} for a model without a tokenizer. */
    public static String decode(Model model, long id) {
        return decode(model.hasTokenizer() ? model.tokenizer() : null, id);
    }

    private static String decode(Tokenizer tokenizer, long id) {
        return tokenizer != null ? tokenizer.decode(id) : "#" + id;
    }

    /** The encoding's ids are the prompt's last ones and its spans are ordered: their texts can be cut out. */
    private static boolean matches(Encoding enc, long[] ids, int shift) {
        if (shift < 0) {
            return false;
        }
        for (int k = 0; k < enc.length(); k++) {
            if (enc.id(k) != ids[k + shift] || enc.startOf(k) < 0 || enc.endOf(k) < enc.startOf(k)
                    || (k > 0 && (enc.startOf(k) < enc.startOf(k - 1) || enc.endOf(k) < enc.endOf(k - 1)))) {
                return false;
            }
        }
        return true;
    }
}
