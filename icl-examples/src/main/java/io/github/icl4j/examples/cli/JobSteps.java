package io.github.icl4j.examples.cli;

import java.util.Map;

/**
 * The main job's steps as the progress bar counts them: how many each part of {@link MainJob} runs and what each step
 * is expected to cost, so the bar's ETA weighs a long step more than a short one.
 */
final class JobSteps {
    private JobSteps() {
    }

    /**
     * Expected cost of each step: seconds measured on the built-in model with the default options (2 cores, report
     * of 161.7 s, December 2026). Only ratios matter; on a large model the ablation ranking weighs more, but the bias
     * study still dominates.
     */
    static final Map<String, Double> COST = Map.ofEntries(
            Map.entry("loading the model", 9.0), Map.entry("building prompts", 1.0),
            Map.entry("scoring every head", 2.0), Map.entry("ablation ranking", 6.0),
            Map.entry("intervention (heads zeroed)", 5.0), Map.entry("value-output vectors", 2.0),
            Map.entry("attention by prediction", 2.0), Map.entry("two towers (query · key)", 3.0),
            Map.entry("where the heads read", 1.5),
            Map.entry("token attention of example prompts", 0.2),
            Map.entry("tuning a_c (majority-label fix)", 13.0),
            Map.entry("majority-label bias", 28.0), Map.entry("recency bias", 88.0),
            Map.entry("writing the report", 3.0));

    /** Steps of {@link MainJob#open}: loading the model and building the prompts. */
    static final int OPEN_STEPS = 2;
    /** Steps of {@link MainJob#discover()}. */
    static final int DISCOVER_STEPS = 2;
    /** Steps of {@link MainJob#analyse}. */
    static final int ANALYSE_STEPS = 4;
    /** Steps of {@link MainJob#debias}. */
    static final int DEBIAS_STEPS = 3;
    /** Steps of a whole report: the parts above, the intervention, the example prompts and writing the report. */
    static final int REPORT_STEPS = OPEN_STEPS + DISCOVER_STEPS + 1 + ANALYSE_STEPS + 1 + DEBIAS_STEPS + 1;

    /** Expected costs of {@link MainJob#open}, {@link MainJob#discover()}, the intervention, analyse, debias. */
    static final double OPEN_COST = cost("loading the model", "building prompts");
    static final double DISCOVER_COST = cost("scoring every head", "ablation ranking");
    static final double INTERVENE_COST = cost("intervention (heads zeroed)");
    static final double ANALYSE_COST = cost("value-output vectors", "attention by prediction",
            "two towers (query · key)", "where the heads read");
    static final double DEBIAS_COST = cost("tuning a_c (majority-label fix)", "majority-label bias", "recency bias");

    /** The expected cost of every step together. */
    static double total() {
        return COST.values().stream().mapToDouble(Double::doubleValue).sum();
    }

    /** The expected cost of the named steps ({@link #COST}). */
    static double cost(String... stepNames) {
        double c = 0;
        for (String n : stepNames) {
            c += COST.get(n);
        }
        return c;
    }

    /** Starts the named step of the job with its expected cost. */
    static Progress.Step step(Progress p, String name) {
        Double c = COST.get(name);
        if (c == null) {
            throw new IllegalStateException("step '" + name + "' has no expected cost in JobSteps.COST");
        }
        return p.step(name, c);
    }
}
