package io.github.icl4j.spark;

import java.io.Serializable;

/**
 * One cell of a sweep: a model and a prompt set (a data set and a seed). Its rows in the tidy table carry the model
 * path, the data set name and the seed. The prompts are the main job's for the data set and seed
 * ({@link PromptSpec}), or a user's own ({@link #custom}).
 *
 * @param model   the model
 * @param prompts the prompt set: its data name and seed label the rows; it builds the prompts unless {@code source}
 *                is given
 * @param source  the user's own prompts, or null
 */
public record Cell(ModelSpec model, PromptSpec prompts, PromptSource source) implements Serializable {
    private static final long serialVersionUID = 1L;

    /** @throws IllegalArgumentException for a null model or prompt set */
    public Cell {
        if (model == null || prompts == null) {
            throw new IllegalArgumentException("a cell needs a model and a prompt set; got " + model + ", " + prompts);
        }
    }

    /** The main job's prompts of {@code prompts} on {@code model}. */
    public static Cell of(ModelSpec model, PromptSpec prompts) {
        return new Cell(model, prompts, null);
    }

    /** A user's own prompts, labelled {@code data} and {@code seed} in the table. */
    public static Cell custom(ModelSpec model, String data, long seed, PromptSource source) {
        if (source == null) {
            throw new IllegalArgumentException("prompt source of " + data + " must not be null");
        }
        return new Cell(model, PromptSpec.of(data, seed, 1), source);
    }

    /** What identifies the cell's prompts in caches and in the table (the source is not compared: names are). */
    Cell key() {
        return source == null ? this : new Cell(model, prompts, null);
    }

    /** {@code builtin (cpu, fp32) × synthetic seed 1: 40 prompts, k = 2}. */
    @Override
    public String toString() {
        return model + " × " + (source == null ? prompts.toString() : prompts.data() + " seed " + prompts.seed()
                + " (own prompts)");
    }
}
