package io.github.icl4j.spark;

import io.github.icl4j.heads.AblationRanking;
import io.github.icl4j.heads.HeadScores;
import io.github.icl4j.heads.PromptAblations;
import io.github.icl4j.heads.PromptScores;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;

/**
 * The driver's side of a sweep: tidy rows, in any order, put back into per-prompt arrays for each cell, then combined
 * per model and seed by the library's own averaging. Every expected value must arrive exactly once.
 */
final class SweepTables {
    private final SparkHeads.Plan plan;
    private final Map<String, Integer> cellOf = new HashMap<>();
    private final CellValues[] cells;

    SweepTables(SparkHeads.Plan plan) {
        this.plan = plan;
        this.cells = new CellValues[plan.cells().size()];
        for (int c = 0; c < cells.length; c++) {
            Cell cell = plan.cells().get(c);
            cellOf.put(key(cell.model().path(), cell.prompts().data(), cell.prompts().seed()), c);
            cells[c] = new CellValues(plan.facts().get(c), plan.ablation());
        }
    }

    private static String key(String model, String data, long seed) {
        return model + "\u0000" + data + "\u0000" + seed;
    }

    /** Files one row. */
    void add(Row r) {
        String k = key(r.getString(0), r.getString(1), r.getLong(2));
        Integer c = cellOf.get(k);
        if (c == null) {
            throw new IllegalStateException("row " + r + " belongs to no cell of the sweep");
        }
        cells[c].add(r);
    }

    /** The combined results, one per model and seed, in order of first appearance. */
    List<SweepResult> results() {
        Map<String, List<Integer>> groups = new LinkedHashMap<>();
        for (int c = 0; c < cells.length; c++) {
            Cell cell = plan.cells().get(c);
            groups.computeIfAbsent(cell.model().path() + "\u0000" + cell.prompts().seed(), k -> new ArrayList<>())
                    .add(c);
        }
        List<SweepResult> out = new ArrayList<>();
        for (List<Integer> group : groups.values()) {
            CellFacts f = plan.facts().get(group.get(0));
            Map<String, PromptScores> scores = new LinkedHashMap<>();
            Map<String, PromptAblations> ablations = new LinkedHashMap<>();
            List<String> names = new ArrayList<>();
            for (int c : group) {
                CellValues v = cells[c];
                v.checkComplete(plan.cells().get(c));
                String name = plan.cells().get(c).prompts().data();
                names.add(name);
                scores.put(name, v.scores());
                if (plan.ablation()) {
                    ablations.put(name, v.ablations());
                }
            }
            Cell first = plan.cells().get(group.get(0));
            HeadScores s = IclBackend.combineScores(f.labelWords(), f.nLayers(), f.nHeads(), plan.spec(), scores);
            AblationRanking a = plan.ablation()
                    ? IclBackend.combineAblations(f.nLayers(), f.nHeads(), plan.spec(), ablations) : null;
            out.add(new SweepResult(first.model().path(), first.prompts().seed(), names, s, a));
        }
        return out;
    }

    /** One cell's values, indexed by prompt, layer and head. */
    private static final class CellValues {
        private final CellFacts f;
        private final int[] gold;
        private final float[][][][] scores;
        private final boolean[] seenScore;
        private final PromptAblations.Outcome[] clean;
        private final PromptAblations.Outcome[][][] ablated;
        private final double[][] cleanParts;
        private final double[][][][] ablatedParts;
        private int arrived;
        private final int expected;

        CellValues(CellFacts f, boolean ablation) {
            this.f = f;
            int n = f.prompts();
            int nA = f.ablationTo() - f.ablationFrom();
            gold = new int[n];
            scores = new float[n][2][f.nLayers()][f.nHeads()];
            seenScore = new boolean[n * 2 * f.nLayers() * f.nHeads() + n];
            clean = new PromptAblations.Outcome[n];
            ablated = new PromptAblations.Outcome[nA][f.nHeads()][n];
            cleanParts = ablation ? filled(n) : new double[0][];
            ablatedParts = new double[ablation ? nA : 0][f.nHeads()][][];
            for (double[][][] layer : ablatedParts) {
                for (int h = 0; h < layer.length; h++) {
                    layer[h] = filled(n);
                }
            }
            expected = n + 2 * n * f.nLayers() * f.nHeads() + (ablation ? 3 * n + 3 * nA * f.nHeads() * n : 0);
        }

        private static double[][] filled(int n) {
            double[][] a = new double[n][3];
            for (double[] x : a) {
                java.util.Arrays.fill(x, Double.NaN);
            }
            return a;
        }

        void add(Row r) {
            int i = r.getInt(3);
            if (i < 0 || i >= gold.length) {
                throw new IllegalStateException("row " + r + ": prompt_id out of range [0, " + gold.length + ")");
            }
            String metric = r.getString(6);
            double v = r.getDouble(7);
            switch (metric) {
                case TidyTable.GOLD -> {
                    once(r, i * (2 * f.nLayers() * f.nHeads() + 1));
                    gold[i] = (int) v;
                }
                case TidyTable.SCORE_0, TidyTable.SCORE_1 -> {
                    int c = metric.equals(TidyTable.SCORE_0) ? 0 : 1;
                    int l = r.getInt(4);
                    int h = r.getInt(5);
                    once(r, i * (2 * f.nLayers() * f.nHeads() + 1) + 1 + (c * f.nLayers() + l) * f.nHeads() + h);
                    scores[i][c][l][h] = (float) v;
                }
                case TidyTable.CLEAN_CORRECT -> part(r, cleanParts[i], 0, v);
                case TidyTable.CLEAN_FULL_VOCAB_CORRECT -> part(r, cleanParts[i], 1, v);
                case TidyTable.CLEAN_GOLD_PROB -> part(r, cleanParts[i], 2, v);
                case TidyTable.ABLATED_CORRECT -> part(r, headParts(r)[i], 0, v);
                case TidyTable.ABLATED_FULL_VOCAB_CORRECT -> part(r, headParts(r)[i], 1, v);
                case TidyTable.ABLATED_GOLD_PROB -> part(r, headParts(r)[i], 2, v);
                default -> throw new IllegalStateException("row " + r + ": unknown metric '" + metric + "'; known "
                        + TidyTable.METRICS);
            }
            arrived++;
        }

        private void once(Row r, int slot) {
            if (seenScore[slot]) {
                throw new IllegalStateException("row " + r + " arrived twice");
            }
            seenScore[slot] = true;
        }

        private double[][] headParts(Row r) {
            int l = r.getInt(4) - f.ablationFrom();
            if (l < 0 || l >= ablatedParts.length) {
                throw new IllegalStateException("row " + r + ": layer outside the ablated layers [" + f.ablationFrom()
                        + ", " + f.ablationTo() + ")");
            }
            return ablatedParts[l][r.getInt(5)];
        }

        private static void part(Row r, double[] parts, int k, double v) {
            if (!Double.isNaN(parts[k])) {
                throw new IllegalStateException("row " + r + " arrived twice");
            }
            parts[k] = v;
        }

        void checkComplete(Cell cell) {
            if (arrived != expected) {
                throw new IllegalStateException(cell + ": " + arrived + " values arrived, " + expected + " expected");
            }
        }

        PromptScores scores() {
            return new PromptScores(f.labelIdArray(), gold, scores);
        }

        PromptAblations ablations() {
            for (int i = 0; i < gold.length; i++) {
                clean[i] = outcome(gold[i], cleanParts[i]);
                for (int l = 0; l < ablated.length; l++) {
                    for (int h = 0; h < f.nHeads(); h++) {
                        ablated[l][h][i] = outcome(gold[i], ablatedParts[l][h][i]);
                    }
                }
            }
            return new PromptAblations(f.nHeads(), f.ablationFrom(), f.ablationTo(), clean, ablated);
        }

        private static PromptAblations.Outcome outcome(int gold, double[] p) {
            return new PromptAblations.Outcome(gold, p[0] == 1, p[1] == 1, p[2]);
        }
    }
}
