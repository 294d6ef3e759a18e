package io.github.icl4j.bias;

import io.github.icl4j.AttentionMap;
import io.github.icl4j.HeadId;
import io.github.icl4j.LabelProbabilities;
import io.github.icl4j.Model;
import io.github.icl4j.OptionChecks;
import io.github.icl4j.Probe;
import io.github.icl4j.PromptTokens;
import io.github.icl4j.model.ModelConfig;
import java.util.Collection;
import java.util.List;
import java.util.TreeSet;

/**
 * The recency-bias fix of METHOD.md §5: in the in-context heads, attention scores are computed from the
 * unrotated queries and keys (no rotary position encoding), those heads' outputs recomputed and the forward pass
 * continued; by default at the last position only (the METHOD's choice), optionally at every position, only at the
 * label keys or with only part of the rotary's relative-position term removed ({@link RecencyFixVariant}). It is
 * {@link Probe.Step#withoutRotary(Collection, io.github.icl4j.RotaryRemoval)} over the chosen heads.
 *
 * <pre>{@code
 * RecencyFix fix = RecencyFix.of(model, heads);                 // throws for absolute-position models
 * LabelProbabilities fixed = fix.labelProbabilities(prompts);
 * AttentionMap att = fix.attentionAtLabels(prompts);            // the heads' attention with the fix on
 * RecencyFix half = fix.variant(RecencyFixVariant.RELATIVE_TERM, 0.5);
 * }</pre>
 * An empty head set is allowed and changes nothing. Immutable.
 */
public final class RecencyFix {
    private final Model model;
    private final List<HeadId> heads;
    private final RecencyFixVariant variant;
    private final double strength;
    private final int batchSize;

    private RecencyFix(Model model, List<HeadId> heads, RecencyFixVariant variant, double strength, int batchSize) {
        this.model = model;
        this.heads = heads;
        this.variant = variant;
        this.strength = strength;
        this.batchSize = batchSize;
    }

    /**
     * The fix over these heads, at the last position.
     *
     * @throws IllegalArgumentException for a model with absolute positions ("not applicable"), a null model or
     *                                  head set, or a head outside the model
     */
    public static RecencyFix of(Model model, Collection<HeadId> heads) {
        OptionChecks.nonNull("model", model);
        checkApplicable(model.config());
        if (heads == null) {
            throw new IllegalArgumentException("heads must not be null (an empty set is allowed)");
        }
        ModelConfig c = model.config();
        for (HeadId h : heads) {
            h.checkIn(c.nLayers(), c.nHeads());
        }
        return new RecencyFix(model, List.copyOf(new TreeSet<>(heads)), RecencyFixVariant.LAST_ROW, 1, 8);
    }

    /**
     * Checks the fix applies to a model.
     *
     * @throws IllegalArgumentException saying the fix is not applicable to a model with absolute positions
     */
    public static void checkApplicable(ModelConfig c) {
        if (!c.hasRotary()) {
            throw new IllegalArgumentException("the recency fix is not applicable to " + c.modelType()
                    + ": the model learns absolute position embeddings, while the fix removes the rotary position"
                    + " encoding from the in-context heads' attention scores (METHOD §5); it needs a rotary model"
                    + " (llama, mistral, qwen2, gptj, gpt_neox)");
        }
    }

    /** At every query position ({@code true}, {@link RecencyFixVariant#ALL_ROWS}) or the last only (the default). */
    public RecencyFix allPositions(boolean on) {
        return variant(on ? RecencyFixVariant.ALL_ROWS : RecencyFixVariant.LAST_ROW, strength);
    }

    /**
     * This variant of the fix.
     *
     * @param strength λ of {@link RecencyFixVariant#RELATIVE_TERM} (kept, unused, by the others), range [0, 1]
     * @throws IllegalArgumentException for a null variant or a strength outside [0, 1]
     */
    public RecencyFix variant(RecencyFixVariant v, double strength) {
        if (v == null) {
            throw new IllegalArgumentException("variant must not be null");
        }
        v.removal(strength); // checks the strength
        return new RecencyFix(model, heads, v, strength, batchSize);
    }

    /** The variant (default {@link RecencyFixVariant#LAST_ROW}). */
    public RecencyFixVariant variant() {
        return variant;
    }

    /**
     * Prompts per forward pass (default 8).
     *
     * @throws IllegalArgumentException for a size below 1
     */
    public RecencyFix batchSize(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("batch size " + n + " out of range [1, +inf)");
        }
        return new RecencyFix(model, heads, variant, strength, n);
    }

    /** The heads, sorted. */
    public List<HeadId> heads() {
        return heads;
    }

    /** True when the fix acts at every query position. */
    public boolean allPositions() {
        return variant == RecencyFixVariant.ALL_ROWS;
    }

    /** Adds the fix to a probe (for any other terminal: logits, caches, head outputs). */
    public Probe.Step applyTo(Probe.Step step) {
        return switch (variant) {
            // the METHOD's two forms keep their original engine call (byte-identical results)
            case LAST_ROW, ALL_ROWS -> step.withoutRotary(heads, variant == RecencyFixVariant.ALL_ROWS);
            default -> step.withoutRotary(heads, variant.removal(strength));
        };
    }

    /** Label-word probabilities with the fix. */
    public LabelProbabilities labelProbabilities(List<? extends PromptTokens> prompts) {
        return applyTo(Probe.on(model).prompts(prompts).batchSize(batchSize)).labelProbabilities();
    }

    /** Attention from the last position to each prompt's label positions, every layer and head, with the fix. */
    public AttentionMap attentionAtLabels(List<? extends PromptTokens> prompts) {
        return applyTo(Probe.on(model).prompts(prompts).batchSize(batchSize)).attentionAtLabels();
    }

    @Override
    public String toString() {
        String where = switch (variant) {
            case LAST_ROW -> ", last position";
            case ALL_ROWS -> ", every position";
            case LABEL_KEYS -> ", last position, label keys";
            case RELATIVE_TERM -> ", last position, relative term × " + (1 - strength);
        };
        return "RecencyFix[heads " + heads + where + "]";
    }
}
