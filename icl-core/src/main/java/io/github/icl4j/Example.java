package io.github.icl4j;

/**
 * One labelled sentence of a classification data set: a demonstration or a query of an in-context prompt.
 *
 * <p>Labels are class indices from 0 (the position of the class in {@link Dataset#classNames()}); a query
 * whose gold class is unknown (a content-free input for calibration, say) has label {@link #UNLABELLED}.
 *
 * @param text  the sentence, exactly as it is written into a prompt
 * @param label the class index, from 0, or {@link #UNLABELLED}
 */
public record Example(String text, int label) {
    /** The label of an example whose class is unknown: -1. */
    public static final int UNLABELLED = -1;

    private static final int SHOWN_CHARS = 60;

    /**
     * Checks the example.
     *
     * @throws IllegalArgumentException for a null text or a label below -1
     */
    public Example {
        if (text == null) {
            throw new IllegalArgumentException("example text must not be null (label " + label + ")");
        }
        if (label < UNLABELLED) {
            throw new IllegalArgumentException("example label " + label + " out of range: a class index >= 0, or "
                    + UNLABELLED + " for unlabelled");
        }
    }

    /** A labelled example: {@code Example.of("a gripping film", 1)}. */
    public static Example of(String text, int label) {
        return new Example(text, label);
    }

    /** An example without a gold class (label {@link #UNLABELLED}), e.g. a content-free calibration input. */
    public static Example unlabelled(String text) {
        return new Example(text, UNLABELLED);
    }

    /** True when the gold class is known. */
    public boolean isLabelled() {
        return label != UNLABELLED;
    }

    /** {@code Example[1, "a stirring , funny and finally transporting re-imagining of beau…"]}: long texts are cut. */
    @Override
    public String toString() {
        String shown = (text.length() <= SHOWN_CHARS ? text : text.substring(0, SHOWN_CHARS) + "…")
                .replace("\n", "\\n");
        return "Example[" + (isLabelled() ? String.valueOf(label) : "unlabelled") + ", \"" + shown + "\"]";
    }
}
