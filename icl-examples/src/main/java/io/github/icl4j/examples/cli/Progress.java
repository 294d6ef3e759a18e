package io.github.icl4j.examples.cli;

import java.io.PrintStream;
import java.time.Duration;
import java.util.Locale;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * What the main job says while it works: a terminal progress bar (me.tongfei progressbar, with elapsed time, ETA
 * and the current step's name) when a person is watching, plain lines ({@code [3/9] intervention  1.4 s}) when
 * the output goes to a file, a pipe or a test, or nothing at all.
 *
 * <pre>{@code
 * try (Progress p = Progress.auto(System.err)) {
 *     p.start("report", 2);
 *     try (Progress.Step s = p.step("scoring heads")) { ... }
 *     try (Progress.Step s = p.step("ablation ranking")) { ... }
 * }
 * }</pre>
 */
public final class Progress implements AutoCloseable {
    private enum Mode { BAR, PLAIN, SILENT }

    private final Mode mode;
    private final PrintStream out;
    private ProgressBar bar;
    private int steps;
    private int done;
    /** Bar units (per mille of the job's expected cost) done so far. */
    private long units;
    private double totalWeight;
    /** Bar resolution: the whole job is this many units. */
    static final int UNITS = 1000;
    private String task = "";

    private Progress(Mode mode, PrintStream out) {
        this.mode = mode;
        this.out = out;
    }

    /** A progress bar on a terminal (a console is attached and {@code TERM} is not {@code dumb}), else plain lines. */
    public static Progress auto(PrintStream out) {
        return interactive() ? new Progress(Mode.BAR, out) : plain(out);
    }

    /** A terminal progress bar on {@code out}, whether or not a terminal is attached. */
    public static Progress bar(PrintStream out) {
        return new Progress(Mode.BAR, out);
    }

    /** Plain lines, one per finished step. */
    public static Progress plain(PrintStream out) {
        return new Progress(Mode.PLAIN, out);
    }

    /** Says nothing. */
    public static Progress silent() {
        return new Progress(Mode.SILENT, null);
    }

    /** True when a person is probably watching a terminal. */
    static boolean interactive() {
        String term = System.getenv("TERM");
        return System.console() != null && term != null && !term.isBlank() && !"dumb".equals(term);
    }

    /** True when this shows a terminal progress bar. */
    public boolean isBar() {
        return mode == Mode.BAR;
    }

    /**
     * Begins a job of {@code steps} steps of equal expected cost (call once before the steps).
     *
     * @throws IllegalArgumentException for fewer than one step
     */
    public void start(String taskName, int steps) {
        start(taskName, steps, steps);
    }

    /**
     * Begins a job of {@code steps} steps whose expected costs ({@link #step(String, double)}) add up to
     * {@code totalWeight}: the bar advances by each step's share of the cost, so its ETA reflects the long steps
     * instead of counting a 90-second step like a 1-second one.
     *
     * @throws IllegalArgumentException for fewer than one step or a total weight that is not positive
     */
    public void start(String taskName, int steps, double totalWeight) {
        if (steps < 1) {
            throw new IllegalArgumentException("steps " + steps + " out of range [1, +inf)");
        }
        if (!(totalWeight > 0) || Double.isInfinite(totalWeight)) {
            throw new IllegalArgumentException("totalWeight " + totalWeight + " out of range (0, +inf)");
        }
        this.task = taskName;
        this.steps = steps;
        this.done = 0;
        this.units = 0;
        this.totalWeight = totalWeight;
        if (mode == Mode.BAR) {
            // shown as a percentage of the expected cost (UNITS per mille, 10 units a percent)
            bar = new ProgressBarBuilder().setTaskName(taskName).setInitialMax(UNITS).setUnit("%", UNITS / 100)
                    .setStyle(ProgressBarStyle.COLORFUL_UNICODE_BLOCK).setUpdateIntervalMillis(250)
                    .setMaxRenderedLength(110).setConsumer(new ConsoleProgressBarConsumer(out, 110))
                    .continuousUpdate().build();
        } else if (mode == Mode.PLAIN) {
            out.println(taskName + ": " + steps + " steps");
        }
    }

    /** Bar units done so far (per mille of the expected cost), for tests. */
    long units() {
        return units;
    }

    /** Begins one step of expected cost 1; closing the step marks it done. */
    public Step step(String name) {
        return step(name, 1);
    }

    /**
     * Begins one step of expected cost {@code weight} (in the units of {@link #start(String, int, double)}'s total);
     * closing the step marks it done.
     */
    public Step step(String name, double weight) {
        if (bar != null) {
            bar.setExtraMessage(name);
            bar.refresh();
        }
        return new Step(name, System.nanoTime(), weight);
    }

    /** One step of the job. */
    public final class Step implements AutoCloseable {
        private final String name;
        private final long t0;
        private final double weight;
        private String note = "";
        private boolean closed;

        private Step(String name, long t0, double weight) {
            this.name = name;
            this.t0 = t0;
            this.weight = weight;
        }

        /** Adds a short result to the step's line, e.g. {@code "4 heads"}. */
        public void note(String text) {
            note = text == null ? "" : text;
        }

        /** Marks the step done. */
        @Override
        public void close() {
            if (closed) {
                return;
            }
            closed = true;
            done++;
            double secs = (System.nanoTime() - t0) / 1e9;
            // the step's share of the expected cost; never past the end (a job may run more than it announced)
            long target = done >= steps ? UNITS : Math.min(UNITS, units + Math.round(UNITS * weight / totalWeight));
            long advance = Math.max(0, target - units);
            units += advance;
            if (bar != null) {
                bar.stepBy(advance);
            } else if (mode == Mode.PLAIN) {
                String line = String.format(Locale.ROOT, "[%d/%d] %-38s %6.1f s%s", done, Math.max(steps, done), name,
                        secs, note.isEmpty() ? "" : "  " + note);
                out.println(line);
            }
        }
    }

    /**
     * Says one line between jobs (e.g. which seed of a sweep comes next): printed as it is in plain and bar mode,
     * nothing when silent. Call it while no job's bar is drawn.
     */
    public void message(String line) {
        if (mode != Mode.SILENT) {
            out.println(line);
        }
    }

    /** Ends the job (the bar shows its final state). */
    @Override
    public void close() {
        if (bar != null) {
            Duration d = bar.getTotalElapsed();
            bar.setExtraMessage("done");
            bar.close();
            bar = null;
            out.printf(Locale.ROOT, "%s finished in %.1f s%n", task, d.toMillis() / 1000.0);
        }
    }
}
