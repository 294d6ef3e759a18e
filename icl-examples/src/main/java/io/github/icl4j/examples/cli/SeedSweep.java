package io.github.icl4j.examples.cli;

import io.github.icl4j.heads.HeadsJson;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The main job once per demonstration seed, then the headline numbers over the seeds: each seed's complete report
 * goes into {@code <out>/seed-<seed>/} ({@link MainJob#report}), and {@link SeedSummaryReport} writes
 * {@code seeds.csv}, {@code seed_heads.csv}, {@code seeds.json}, {@code seeds.md} and {@code seeds.html} into
 * {@code <out>}.
 *
 * <pre>{@code
 * SeedSweep.Result r = SeedSweep.run(JobOptions.defaults().withOut(Path.of("sweep")), List.of(42L, 43L, 44L),
 *         Progress.silent());
 * System.out.println(r.summary());        // mean and 95% t interval of every headline number
 * }</pre>
 *
 * <p>Resumable: after a seed's report the sweep writes {@code run.json} ({@link RunRecord}: the seed and the options)
 * as that folder's last file. A seed folder holding {@code run.json} with the same options and the report's files is
 * read back, not rerun; a folder without it (a run killed midway) is run again. A folder whose {@code run.json}
 * records other options is an error naming the folder and each differing option, raised before any seed runs.
 */
public final class SeedSweep {
    private SeedSweep() {
    }

    /**
     * What a sweep made.
     *
     * @param summary the headline numbers over the seeds
     * @param files   the summary's files ({@link SeedSummaryReport#FILES})
     * @param seconds wall time of this call (seeds read back cost next to nothing)
     */
    public record Result(SeedSummary summary, List<Path> files, double seconds) {
        /** Copies the list. */
        public Result {
            files = List.copyOf(files);
        }
    }

    /** The folder of one seed's report inside {@code out}. */
    public static Path seedDir(Path out, long seed) {
        return out.resolve("seed-" + seed);
    }

    /**
     * Runs (or reads back) the job for every seed with {@code options} (their {@link JobOptions#seed()} is
     * replaced by each seed and {@link JobOptions#out()} by the seed's folder), then writes the summary into
     * {@link JobOptions#out()}.
     *
     * @throws IllegalArgumentException for no seeds, a seed given twice, a seed folder made with other options (the
     *                                  message names the folder and the options), or an option the job refuses
     */
    public static Result run(JobOptions options, List<Long> seeds, Progress progress) {
        long t0 = System.nanoTime();
        checkSeeds(seeds);
        Path out = options.out();
        MainJob.checkWritable(out);
        Map<String, String> wanted = RunRecord.optionsOf(options);
        // every folder is checked before any seed runs: a mismatch found after hours of work on the first seeds
        // would waste them
        List<RunRecord> found = new ArrayList<>();
        for (long seed : seeds) {
            Path dir = seedDir(out, seed);
            RunRecord r = RunRecord.read(dir);
            if (r != null) {
                List<String> diff = r.differences(seed, wanted);
                if (!diff.isEmpty()) {
                    throw new IllegalArgumentException(dir + " holds a report made with other options (" + String.join(
                            "; ", diff) + "); give the options it was made with, another --out, or delete the folder");
                }
            }
            found.add(r);
        }
        List<SeedSummary.SeedRun> runs = new ArrayList<>();
        List<Headline> headlines = new ArrayList<>();
        String settings = null;
        for (int i = 0; i < seeds.size(); i++) {
            long seed = seeds.get(i);
            Path dir = seedDir(out, seed);
            RunRecord r = found.get(i);
            Headline h;
            boolean resumed = r != null && complete(dir);
            if (resumed) {
                h = readHeadline(dir);
                progress.message("seed " + seed + " (" + (i + 1) + " of " + seeds.size() + "): read back from " + dir);
            } else {
                progress.message("seed " + seed + " (" + (i + 1) + " of " + seeds.size() + ") into " + dir);
                deleteRecord(dir);
                MainJob.Report rep = MainJob.report(options.withSeed(seed).withOut(dir), progress);
                // each seed's job starts the progress anew; end this one's bar first
                progress.close();
                r = new RunRecord(seed, wanted, rep.options().describe(), rep.seconds());
                r.write(dir);
                h = rep.headline();
            }
            if (settings == null) {
                // the seeds' settings differ only in the seed: name them all
                settings = r.settings().replace("seed " + seed + ";", "seeds " + String.join(", ",
                        seeds.stream().map(String::valueOf).toList()) + ";");
            }
            runs.add(new SeedSummary.SeedRun(seed, dir.toString(), resumed, r.seconds(), h.fooHeads(),
                    h.barHeads()));
            headlines.add(h);
        }
        SeedSummary s = SeedSummary.of(runs, headlines, settings);
        List<Path> files = SeedSummaryReport.write(s, out);
        return new Result(s, files, (System.nanoTime() - t0) / 1e9);
    }

    /** Files of a seed's report the summary needs besides {@code run.json}. */
    static final List<String> NEEDED = List.of("headline.json", "report.html");

    private static boolean complete(Path dir) {
        return NEEDED.stream().allMatch(f -> Files.isRegularFile(dir.resolve(f)));
    }

    private static Headline readHeadline(Path dir) {
        Path f = dir.resolve("headline.json");
        try {
            return HeadsJson.read(Files.readString(f), Headline.class);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + f, e);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(f + " is not the headline of an icl4j report (" + e.getMessage()
                    + "); delete " + dir.resolve(RunRecord.FILE) + " to rerun that seed", e);
        }
    }

    /** Removes a stale record before a seed is rerun, so that a run killed midway cannot count as complete. */
    private static void deleteRecord(Path dir) {
        try {
            Files.deleteIfExists(dir.resolve(RunRecord.FILE));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + dir.resolve(RunRecord.FILE), e);
        }
    }

    private static void checkSeeds(List<Long> seeds) {
        if (seeds == null || seeds.isEmpty()) {
            throw new IllegalArgumentException("--seeds is empty; give at least one seed, e.g. 42,43,44");
        }
        Set<Long> seen = new HashSet<>();
        for (Long s : seeds) {
            if (s == null) {
                throw new IllegalArgumentException("--seeds " + seeds + " holds no seed at some position");
            }
            if (!seen.add(s)) {
                throw new IllegalArgumentException("--seeds " + seeds + ": seed " + s + " is given twice; each seed "
                        + "once");
            }
        }
    }
}
