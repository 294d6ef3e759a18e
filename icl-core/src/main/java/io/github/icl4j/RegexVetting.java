package io.github.icl4j;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Refuses regular expressions that could backtrack catastrophically in the Rust {@code tokenizers} library's
 * Oniguruma (which gives up after 10 million steps, and the library then panics and aborts the JVM): first a
 * structural safe subset (no back-references; no repeated group whose body holds an alternation or a quantifier
 * unless the repetition is possessive or the group atomic), then a bounded backtracking run on adversarial inputs
 * whose work per match attempt must grow at most linearly and stay under a fixed step budget.
 * {@link TokenizerVetting} applies it to every {@code pattern.Regex} of a {@code tokenizer.json}.
 */
final class RegexVetting {
    /** Steps (characters read) one match attempt may take on the probes. */
    private static final long BUDGET = 200_000;
    private static final int SHORT = 32;
    private static final int LONG = 64;
    private static final String BREAKERS = "!\u0000\nx ";
    private static final String COMMON = "a A0 \n\r\t.!'_é中한\u00a0";

    private RegexVetting() {
    }

    /**
     * Refuses a regular expression that could backtrack catastrophically.
     *
     * @param where names the file and the part in the message
     * @throws IllegalArgumentException naming the pattern and the problem
     */
    static void check(String regex, String where) {
        String problem = Structure.problem(regex);
        if (problem == null) {
            problem = boundedRun(regex);
        }
        if (problem != null) {
            throw new IllegalArgumentException(where + ": regular expression /" + regex + "/ refused: " + problem
                    + " (it could make the native tokenizer give up mid-encode and abort the JVM)");
        }
    }

    /** The structural safe subset: a one-pass scan that tracks, per open group, what its body holds. */
    private static final class Structure {
        private final String re;
        private int i;

        private Structure(String re) {
            this.re = re;
        }

        /** Why the pattern is outside the subset, or null. */
        static String problem(String re) {
            return new Structure(re).scan();
        }

        private record Group(int start, boolean atomic, boolean[] risky) {
        }

        private String scan() {
            List<Group> open = new ArrayList<>();
            // what the last atom was: -1 none, 0 a plain atom, 1 a group whose body alternates or repeats
            int lastAtom = -1;
            boolean lastAtomic = false;
            int lastStart = 0;
            boolean[] top = new boolean[1];
            while (i < re.length()) {
                char c = re.charAt(i);
                int start = i;
                switch (c) {
                    case '\\' -> {
                        String bad = escape();
                        if (bad != null) {
                            return bad;
                        }
                        lastAtom = 0;
                        lastStart = start;
                    }
                    case '[' -> {
                        skipClass();
                        lastAtom = 0;
                        lastStart = start;
                    }
                    case '(' -> {
                        i++;
                        boolean atomic = false;
                        if (re.startsWith("?", i)) {
                            int close = re.indexOf(')', i);
                            int colon = re.indexOf(':', i);
                            if (re.startsWith("?>", i)) {
                                atomic = true;
                                i += 2;
                            } else if (re.startsWith("?=", i) || re.startsWith("?!", i)) {
                                i += 2;
                            } else if (re.startsWith("?<=", i) || re.startsWith("?<!", i)) {
                                i += 3;
                            } else if (re.startsWith("?<", i) || re.startsWith("?P<", i) || re.startsWith("?'", i)) {
                                int end = re.indexOf(re.startsWith("?'", i) ? '\'' : '>', i + 2);
                                i = end < 0 ? re.length() : end + 1;
                            } else if (close >= 0 && (colon < 0 || close < colon)) {
                                // inline flags such as (?i): not a group
                                i = close + 1;
                                lastAtom = -1;
                                continue;
                            } else if (colon >= 0) {
                                i = colon + 1;
                            }
                        }
                        open.add(new Group(start, atomic, new boolean[1]));
                        lastAtom = -1;
                        continue;
                    }
                    case ')' -> {
                        if (open.isEmpty()) {
                            return "unbalanced ')' at " + i;
                        }
                        Group g = open.remove(open.size() - 1);
                        i++;
                        lastAtom = g.risky[0] ? 1 : 0;
                        lastAtomic = g.atomic;
                        lastStart = g.start;
                        // a group holding risky parts makes its parent's body risky too
                        if (g.risky[0]) {
                            (open.isEmpty() ? top : open.get(open.size() - 1).risky)[0] = true;
                        }
                        continue;
                    }
                    case '|' -> {
                        (open.isEmpty() ? top : open.get(open.size() - 1).risky)[0] = true;
                        i++;
                        lastAtom = -1;
                        continue;
                    }
                    case '*', '+', '?', '{' -> {
                        int[] q = quantifier();
                        if (q == null) { // a literal '{'
                            i = start + 1;
                            lastAtom = 0;
                            lastStart = start;
                            continue;
                        }
                        boolean possessive = re.startsWith("+", i);
                        if (possessive || re.startsWith("?", i)) {
                            i++;
                        }
                        if (lastAtom == 1 && q[1] > 1 && !possessive && !lastAtomic) {
                            return "the group at " + lastStart + " (" + excerpt(lastStart, i) + ") is repeated and "
                                    + "holds an alternation or a repetition: such nesting can backtrack exponentially; "
                                    + "use a possessive quantifier, an atomic group (?>…) or a flat pattern";
                        }
                        (open.isEmpty() ? top : open.get(open.size() - 1).risky)[0] = true;
                        lastAtom = -1;
                        continue;
                    }
                    default -> {
                        i++;
                        lastAtom = 0;
                        lastStart = start;
                        continue;
                    }
                }
            }
            return open.isEmpty() ? null : "unbalanced '(' at " + open.get(open.size() - 1).start;
        }

        private String excerpt(int from, int to) {
            String s = re.substring(from, Math.min(to, re.length()));
            return s.length() > 40 ? s.substring(0, 37) + "..." : s;
        }

        /** Consumes an escape at {@code i}; returns a problem for back-references. */
        private String escape() {
            if (i + 1 >= re.length()) {
                i++;
                return null;
            }
            char n = re.charAt(i + 1);
            boolean named = (n == 'k' || n == 'g') && re.startsWith("<", i + 2);
            if (n >= '1' && n <= '9' || named) {
                return "back-references and subexpression calls (\\" + n + ") are not allowed";
            }
            i += 2;
            if ((n == 'p' || n == 'P' || n == 'x' || n == 'u' || n == 'o') && re.startsWith("{", i)) {
                int end = re.indexOf('}', i);
                i = end < 0 ? re.length() : end + 1;
            }
            return null;
        }

        /** Skips a character class, nested classes included, from its '['. */
        private void skipClass() {
            int depth = 0;
            boolean first = true;
            while (i < re.length()) {
                char c = re.charAt(i);
                if (c == '\\') {
                    i += 2;
                    first = false;
                    continue;
                }
                if (c == '[') {
                    depth++;
                    i++;
                    if (re.startsWith("^", i)) {
                        i++;
                    }
                    first = true;
                    continue;
                }
                if (c == ']' && !first) {
                    depth--;
                    i++;
                    if (depth == 0) {
                        return;
                    }
                    continue;
                }
                first = false;
                i++;
            }
        }

        /** {min, max} of the quantifier at {@code i} (max = MAX_VALUE: unbounded), consumed; null for a literal '{'. */
        private int[] quantifier() {
            char c = re.charAt(i);
            if (c != '{') {
                i++;
                return switch (c) {
                    case '*' -> new int[] {0, Integer.MAX_VALUE};
                    case '+' -> new int[] {1, Integer.MAX_VALUE};
                    default -> new int[] {0, 1};
                };
            }
            int end = re.indexOf('}', i);
            if (end < 0) {
                return null;
            }
            String body = re.substring(i + 1, end);
            if (!body.matches("\\d*(,\\d*)?") || body.isEmpty() || body.equals(",")) {
                return null;
            }
            i = end + 1;
            String[] parts = body.split(",", -1);
            int min = parts[0].isEmpty() ? 0 : parse(parts[0]);
            int max = parts.length == 1 ? min : parts[1].isEmpty() ? Integer.MAX_VALUE : parse(parts[1]);
            return new int[] {min, max};
        }

        private static int parse(String digits) {
            return digits.length() > 9 ? Integer.MAX_VALUE : Integer.parseInt(digits);
        }
    }

    /** Why the pattern's work per match attempt explodes on some probe, or null (also when Java cannot compile it). */
    private static String boundedRun(String regex) {
        Pattern p = compileForJava(regex);
        if (p == null) {
            return null; // Oniguruma-only syntax: the structural check above is all we can do
        }
        Set<Character> chars = new LinkedHashSet<>();
        for (char c : COMMON.toCharArray()) {
            chars.add(c);
        }
        for (char c : regex.toCharArray()) {
            if (c >= ' ' && !Character.isSurrogate(c) && chars.size() < 40) {
                chars.add(c);
            }
        }
        List<String> units = new ArrayList<>();
        for (char c : chars) {
            units.add(String.valueOf(c));
            units.add(" " + c);
            units.add("a" + c);
        }
        // pairs of letters or digits the pattern spells, for repeated sequences such as (?:xy)*(?:xy)*
        for (int i = 0; i + 1 < regex.length() && units.size() < 200; i++) {
            char a = regex.charAt(i);
            char b = regex.charAt(i + 1);
            boolean escaped = i > 0 && regex.charAt(i - 1) == '\\';
            if (Character.isLetterOrDigit(a) && Character.isLetterOrDigit(b) && !escaped) {
                units.add("" + a + b);
            }
        }
        for (String unit : units) {
            for (char breaker : BREAKERS.toCharArray()) {
                long shortSteps = worstAttempt(p, unit.repeat(SHORT / unit.length()) + breaker);
                long longSteps = shortSteps < 0 ? -1 : worstAttempt(p, unit.repeat(LONG / unit.length()) + breaker);
                String probe = "'" + printable(unit) + "' × n + '" + printable(String.valueOf(breaker)) + "'";
                if (shortSteps < 0 || longSteps < 0) {
                    return "on " + probe + " one match attempt takes over " + BUDGET + " steps at n = "
                            + (shortSteps < 0 ? SHORT : LONG) / unit.length() + " (catastrophic backtracking)";
                }
                if (longSteps > 3 * shortSteps + 2_000) {
                    return "on " + probe + " the work per match attempt grows faster than the input (" + shortSteps
                            + " steps at n = " + SHORT / unit.length() + ", " + longSteps + " at n = "
                            + LONG / unit.length() + "): polynomial backtracking";
                }
            }
        }
        return null;
    }

    /**
     * The pattern for Java's backtracking engine, which counts steps much as Oniguruma does; Oniguruma spellings Java
     * lacks are translated ({@code \p{Han}} is {@code \p{IsHan}}, {@code \h} a hex digit). Null when Java cannot
     * compile it.
     */
    private static Pattern compileForJava(String regex) {
        try {
            return Pattern.compile(regex);
        } catch (PatternSyntaxException | StackOverflowError e) {
            String translated = regex.replaceAll("\\\\([pP])\\{([A-Za-z_]+)\\}", "\\\\$1{Is$2}")
                    .replace("\\h", "[0-9a-fA-F]");
            try {
                return Pattern.compile(translated);
            } catch (PatternSyntaxException | StackOverflowError e2) {
                return null;
            }
        }
    }

    private static String printable(String s) {
        StringBuilder b = new StringBuilder();
        for (char c : s.toCharArray()) {
            b.append(c < ' ' ? String.format("\\u%04x", (int) c) : String.valueOf(c));
        }
        return b.toString();
    }

    /**
     * The most characters one match attempt reads from the first few start positions (the probes are periodic, so
     * the first positions, with the most text ahead, are the worst); -1 past the budget.
     */
    private static long worstAttempt(Pattern p, String text) {
        long worst = 0;
        for (int start = 0; start < Math.min(3, text.length()); start++) {
            Counting cs = new Counting(text);
            try {
                p.matcher(cs).region(start, text.length()).lookingAt();
            } catch (Counting.Exhausted | StackOverflowError e) {
                return -1;
            }
            worst = Math.max(worst, cs.steps);
        }
        return worst;
    }

    /** A text that counts the characters a matcher reads and stops it past the budget. */
    private static final class Counting implements CharSequence {
        private final String text;
        private long steps;

        Counting(String text) {
            this.text = text;
        }

        @Override
        public char charAt(int index) {
            if (++steps > BUDGET) {
                throw new Exhausted();
            }
            return text.charAt(index);
        }

        @Override
        public int length() {
            return text.length();
        }

        @Override
        public CharSequence subSequence(int start, int end) {
            return text.subSequence(start, end);
        }

        @Override
        public String toString() {
            return text;
        }

        private static final class Exhausted extends RuntimeException {
            Exhausted() {
                super(null, null, false, false);
            }
        }
    }
}
