package io.github.icl4j.heads;

import io.github.icl4j.HeadId;
import java.util.List;

/**
 * The in-context heads of a model (METHOD §3.3) with the evidence they were selected on: the top lists of the
 * foo-score, bar-score and ablation rankings, merged by {@link HeadOptions#merge()}. Each selected head is a
 * <em>foo head</em> when its foo score is at least its bar score, else a <em>bar head</em>.
 *
 * @param model       the model, as {@code Model.toString()} wrote it
 * @param heads       the selected heads, in head order
 * @param fooHeads    selected heads whose foo score is at least their bar score
 * @param barHeads    the other selected heads
 * @param fooTop      the top of the foo-score ranking, best first
 * @param barTop      the top of the bar-score ranking, best first
 * @param ablationTop the top of the ablation ranking, largest drop first (empty without an ablation ranking)
 * @param scores      the log-probability increase of every head
 * @param ablation    the ablation ranking, or null when the selection did not use one
 * @param options     the options the set was found with
 */
public record InContextHeadSet(String model, List<HeadId> heads, List<HeadId> fooHeads, List<HeadId> barHeads,
        List<HeadId> fooTop, List<HeadId> barTop, List<HeadId> ablationTop, HeadScores scores, AblationRanking ablation,
        HeadOptions options) {

    /** Copies the lists. */
    public InContextHeadSet {
        heads = List.copyOf(heads);
        fooHeads = List.copyOf(fooHeads);
        barHeads = List.copyOf(barHeads);
        fooTop = List.copyOf(fooTop);
        barTop = List.copyOf(barTop);
        ablationTop = List.copyOf(ablationTop);
    }

    /** Number of selected heads. */
    public int size() {
        return heads.size();
    }

    /** True when {@code head} was selected. */
    public boolean contains(HeadId head) {
        return heads.contains(head);
    }

    /**
     * The group of a selected head.
     *
     * @param head a head of the set
     * @return {@link LabelGroup#FOO} for a foo head, {@link LabelGroup#BAR} for a bar head
     * @throws IllegalArgumentException for a head not in the set
     */
    public LabelGroup groupOf(HeadId head) {
        if (fooHeads.contains(head)) {
            return LabelGroup.FOO;
        }
        if (barHeads.contains(head)) {
            return LabelGroup.BAR;
        }
        throw new IllegalArgumentException("head " + head + " is not in the set " + heads);
    }

    /** {@code InContextHeadSet[12 of 1024 heads (UNION): foo [L14H3, ...], bar [...]; baseline accuracy 0.876]}. */
    @Override
    public String toString() {
        int total = scores.nLayers() * scores.nHeads();
        return "InContextHeadSet[" + heads.size() + " of " + total + " heads (" + options.merge() + "): foo " + fooHeads
                + ", bar " + barHeads + "; scores on " + scores.prompts() + " prompts"
                + (ablation == null ? "" : ", ablation of layers [" + ablation.fromLayer() + ", " + ablation.toLayer()
                        + ") from baseline accuracy " + Arr.f3(ablation.baselineAccuracy())) + "]";
    }
}
