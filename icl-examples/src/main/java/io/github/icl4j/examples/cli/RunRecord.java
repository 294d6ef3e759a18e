package io.github.icl4j.examples.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.icl4j.heads.HeadsJson;
import io.github.icl4j.runtime.AtomicFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * What made one seed's report in a {@link SeedSweep}: the seed and every option that decides the report's numbers,
 * written as {@code run.json} into the seed's folder after the report's last file. Its presence therefore marks the
 * report complete (a run killed midway leaves none), and comparing it with the options of a later sweep tells
 * whether the report can be read back instead of rerun.
 *
 * @param seed     the job's seed
 * @param options  every option of {@link JobOptions} as it was given, flattened to {@code name → value}
 *                 ({@code heads.controlDraws → 5}); {@link #IGNORED} left out
 * @param settings the resolved settings in words ({@link JobOptions#describe()})
 * @param seconds  wall time of the job
 */
record RunRecord(long seed, Map<String, String> options, String settings, double seconds) {
    /** The file name. */
    static final String FILE = "run.json";

    /**
     * Options that do not decide what a report says: where it is written, the seed (one folder per seed) and the
     * thread count (a resumed sweep may run on another machine).
     */
    static final Set<String> IGNORED = Set.of("out", "seed", "threads");

    /** Copies the map, sorted by name. */
    RunRecord {
        options = options == null ? Map.of() : new TreeMap<>(options);
    }

    /** The options of {@code o} that decide a report, flattened. */
    static Map<String, String> optionsOf(JobOptions o) {
        Map<String, String> out = new TreeMap<>();
        flatten("", HeadsJson.mapper().valueToTree(o), out);
        IGNORED.forEach(out::remove);
        return out;
    }

    private static void flatten(String prefix, JsonNode n, Map<String, String> out) {
        if (n.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                flatten(prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey(), e.getValue(), out);
            }
        } else {
            out.put(prefix, n.isValueNode() && !n.isNull() ? n.asText() : n.toString());
        }
    }

    /**
     * How the options {@code now} differ from the recorded ones, one phrase per option ({@code "prompts was 40,
     * now 60"}). An option the record lacks (added to the library after the run) counts as equal when {@code now}
     * holds its default value.
     */
    List<String> differences(long seedNow, Map<String, String> now) {
        List<String> out = new ArrayList<>();
        if (seed != seedNow) {
            out.add("seed was " + seed + ", now " + seedNow);
        }
        Map<String, String> defaults = optionsOf(JobOptions.defaults());
        for (Map.Entry<String, String> e : now.entrySet()) {
            String was = options.get(e.getKey());
            if (was == null) {
                if (!e.getValue().equals(defaults.get(e.getKey()))) {
                    out.add(e.getKey() + " was not recorded, now " + e.getValue());
                }
            } else if (!was.equals(e.getValue())) {
                out.add(e.getKey() + " was " + was + ", now " + e.getValue());
            }
        }
        for (String k : options.keySet()) {
            if (!now.containsKey(k)) {
                out.add(k + " was " + options.get(k) + ", now no such option");
            }
        }
        return out;
    }

    /**
     * The record in {@code dir}, or null when there is none.
     *
     * @throws IllegalArgumentException naming the file when it is not a run record
     */
    static RunRecord read(Path dir) {
        Path f = dir.resolve(FILE);
        if (!Files.isRegularFile(f)) {
            return null;
        }
        try {
            return HeadsJson.read(Files.readString(f), RunRecord.class);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + f, e);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(f + " is not a run record of icl4j (" + e.getMessage() + "); delete "
                    + "it to rerun that seed", e);
        }
    }

    /** Writes the record into {@code dir} atomically: the last file of a seed's report. */
    void write(Path dir) {
        AtomicFiles.writeString(dir.resolve(FILE), HeadsJson.write(this));
    }
}
