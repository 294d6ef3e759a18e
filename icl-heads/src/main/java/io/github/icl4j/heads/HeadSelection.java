package io.github.icl4j.heads;

import io.github.icl4j.HeadId;
import io.github.icl4j.model.ModelConfig;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The in-context head set from the rankings (METHOD §3.3): the top lists merged by the options' rule, or heads given
 * by hand; each head a foo head when its foo score is at least its bar score. {@link InContextHeads#select} and
 * {@link InContextHeads#given} are the public entry points.
 */
final class HeadSelection {
    private HeadSelection() {
    }

    /** See {@link InContextHeads#given(HeadScores, List)}. */
    static InContextHeadSet given(String model, ModelConfig c, HeadOptions options, HeadScores scores,
            List<HeadId> given) {
        List<HeadId> hs = new ArrayList<>(new TreeSet<>(given));
        hs.forEach(h -> h.checkIn(c.nLayers(), c.nHeads()));
        List<HeadId> foo = hs.stream().filter(h -> scores.score(0, h) >= scores.score(1, h)).toList();
        List<HeadId> bar = hs.stream().filter(h -> scores.score(0, h) < scores.score(1, h)).toList();
        int total = c.totalHeads();
        return new InContextHeadSet(model, hs, foo, bar, scores.top(0, Math.min(options.topFoo(), total)),
                scores.top(1, Math.min(options.topBar(), total)), List.of(), scores, null, options);
    }

    /** See {@link InContextHeads#select(HeadScores, AblationRanking)}. */
    static InContextHeadSet select(String model, ModelConfig c, HeadOptions options, HeadScores scores,
            AblationRanking ablation) {
        if (scores == null) {
            throw new IllegalArgumentException("scores must not be null");
        }
        if (scores.nLayers() != c.nLayers() || scores.nHeads() != c.nHeads()) {
            throw new IllegalArgumentException("scores of a " + scores.nLayers() + " × " + scores.nHeads()
                    + " model do not fit this " + c.nLayers() + " × " + c.nHeads() + " model");
        }
        if (ablation == null && options.merge() != HeadOptions.Merge.SCORES_ONLY) {
            throw new IllegalArgumentException("merge " + options.merge() + " needs an ablation ranking; got none "
                    + "(use Merge.SCORES_ONLY to select on scores alone)");
        }
        int[] range = options.scoreLayers() == HeadOptions.ScoreLayers.ABLATION_LAYERS
                ? options.ablationLayers(c.nLayers()) : new int[] {0, c.nLayers()};
        List<HeadId> fooTop = scores.top(0, options.topFoo(), range[0], range[1]);
        List<HeadId> barTop = scores.top(1, options.topBar(), range[0], range[1]);
        List<HeadId> ablTop = ablation == null ? List.of() : ablation.top(options.topAblation());
        Set<HeadId> chosen = new TreeSet<>();
        switch (options.merge()) {
            case UNION -> {
                chosen.addAll(fooTop);
                chosen.addAll(barTop);
                chosen.addAll(ablTop);
            }
            case SCORES_ONLY -> {
                chosen.addAll(fooTop);
                chosen.addAll(barTop);
            }
            case SCORES_AND_ABLATION -> {
                chosen.addAll(fooTop);
                chosen.addAll(barTop);
                chosen.retainAll(new LinkedHashSet<>(ablTop));
            }
            default -> throw new IllegalStateException("unknown merge " + options.merge());
        }
        List<HeadId> foo = new ArrayList<>();
        List<HeadId> bar = new ArrayList<>();
        for (HeadId h : chosen) {
            (scores.score(0, h) >= scores.score(1, h) ? foo : bar).add(h);
        }
        return new InContextHeadSet(model, new ArrayList<>(chosen), foo, bar, fooTop, barTop, ablTop, scores,
                ablation, options);
    }
}
