package io.github.icl4j.examples;

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
     * Begins a job of {@code steps} steps (call once before the steps).
     *
     * @throws IllegalArgumentException for fewer than one step
     */
    public void start(String taskName, int steps) {
        if (steps < 1) {
            throw new IllegalArgumentException("steps " + steps + " out of range [1, ...)");
        }
        this.task = taskName;
        this.steps = steps;
        this.done = 0;
        if (mode == Mode.BAR) {
            bar = new ProgressBarBuilder().setTaskName(taskName).setInitialMax(steps).setUnit(" steps", 1)
                    .setStyle(ProgressBarStyle.COLORFUL_UNICODE_BLOCK).setUpdateIntervalMillis(250)
                    .setMaxRenderedLength(110).setConsumer(new ConsoleProgressBarConsumer(out, 110))
                    .continuousUpdate().build();
        } else if (mode == Mode.PLAIN) {
            out.println(taskName + ": " + steps + " steps");
        }
    }

    /** Begins one step; closing the step marks it done. */
    public Step step(String name) {
        if (bar != null) {
            bar.setExtraMessage(name);
            bar.refresh();
        }
        return new Step(name, System.nanoTime());
    }

    /** One step of the job. */
    public final class Step implements AutoCloseable {
        private final String name;
        private final long t0;
        private String note = "";
        private boolean closed;

        private Step(String name, long t0) {
            this.name = name;
            this.t0 = t0;
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
            if (bar != null) {
                bar.step();
            } else if (mode == Mode.PLAIN) {
                String line = String.format(Locale.ROOT, "[%d/%d] %-38s %6.1f s%s", done, Math.max(steps, done), name,
                        secs, note.isEmpty() ? "" : "  " + note);
                out.println(line);
            }
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
