package io.github.icl4j;

import java.util.Arrays;

/**
 * {@link IclPrompt#describe}: a prompt's tokens for a human to read, each token between {@code |}, lines broken where
 * the text breaks, label positions and the last position marked, and the end of the reusable prefix shown.
 */
final class PromptDescription {
    private PromptDescription() {
    }

    /** The description of {@code p}'s tokens, decoded one at a time by {@code tokenizer}. */
    static String of(IclPrompt p, Tokenizer tokenizer) {
        long[] ids = p.ids();
        int[] labelPositions = p.labelPositions();
        int prefixLength = p.prefixLength();
        int lastPosition = p.lastPosition();
        StringBuilder sb = new StringBuilder(p.toString()).append('\n');
        int[] demoOf = new int[ids.length];
        Arrays.fill(demoOf, -1);
        for (int i = 0; i < labelPositions.length; i++) {
            demoOf[labelPositions[i]] = i;
        }
        StringBuilder line = new StringBuilder();
        for (int t = 0; t < ids.length; t++) {
            if (t == prefixLength && t > 0) {
                flush(sb, line);
                sb.append("  -- shared prefix: ").append(prefixLength).append(" tokens --\n");
            }
            String piece = tokenizer.decode(ids[t]);
            String shown = piece.replace("\n", "\\n");
            if (demoOf[t] >= 0) {
                line.append('[').append(t).append(':').append(shown).append("]|");
            } else if (t == lastPosition) {
                line.append('[').append(t).append(":'").append(shown).append("' -> next]");
            } else {
                line.append(shown).append('|');
            }
            if (piece.contains("\n")) {
                flush(sb, line);
            }
        }
        flush(sb, line);
        return sb.toString();
    }

    private static void flush(StringBuilder sb, StringBuilder line) {
        if (line.length() > 0) {
            sb.append("  ").append(line).append('\n');
            line.setLength(0);
        }
    }
}
