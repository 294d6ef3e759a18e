package io.github.icl4j.train;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

/** The made-up words of a {@link SyntheticIclTask}: class words and label words, the same on every machine. */
final class SyntheticWords {
    private static final String CONSONANTS = "bdfgklmnprstvz";
    private static final String VOWELS = "aeiou";

    private SyntheticWords() {
    }

    /**
     * {@code n} distinct pronounceable words (consonant-vowel pairs), the same list on every machine: four
     * letters while that gives enough, six beyond.
     */
    static List<String> classWords(int n) {
        int pairs = n <= 2000 ? 2 : 3;
        Random rng = new Random(0x1C14L);
        Set<String> out = new LinkedHashSet<>();
        Set<String> reserved = Set.of("foo", "bar", "sentence", "label");
        StringBuilder sb = new StringBuilder();
        while (out.size() < n) {
            sb.setLength(0);
            for (int i = 0; i < pairs; i++) {
                sb.append(CONSONANTS.charAt(rng.nextInt(CONSONANTS.length())));
                sb.append(VOWELS.charAt(rng.nextInt(VOWELS.length())));
            }
            String w = sb.toString();
            if (!reserved.contains(w)) {
                out.add(w);
            }
        }
        return List.copyOf(out);
    }

    /**
     * {@code n} distinct made-up label words of three letters (consonant, vowel, consonant), the same list on
     * every machine; three letters never collide with the four- or six-letter class words.
     */
    static List<String> labelWords(int n) {
        Random rng = new Random(0x1ABE1L);
        Set<String> out = new LinkedHashSet<>();
        Set<String> reserved = Set.of("foo", "bar");
        while (out.size() < n) {
            String w = "" + CONSONANTS.charAt(rng.nextInt(CONSONANTS.length()))
                    + VOWELS.charAt(rng.nextInt(VOWELS.length())) + CONSONANTS.charAt(rng.nextInt(CONSONANTS.length()));
            if (!reserved.contains(w)) {
                out.add(w);
            }
        }
        return List.copyOf(out);
    }
}
