package io.github.icl4j.bench;

import io.github.icl4j.Model;
import io.github.icl4j.TokenBatch;
import io.github.icl4j.runtime.Natives;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Soak test of the model lifecycle: {@code cycles} rounds of load → one forward → close, with the process's
 * resident memory (VmRSS) and its number of mapped regions ({@code /proc/self/maps} lines) sampled along the way.
 * Flat is the target: before issue 14 each safetensors load leaked its mappings (+0.45 MB and ~30 mappings per
 * cycle of the built-in model). Linux only.
 *
 * <p>Usage: {@code LoadCloseSoakBenchmark <model dir or .gguf> [cycles] [samples] [threads]}; the first
 * {@code cycles / 20} cycles warm up (allocator pools, JIT) before the baseline sample.
 */
public final class LoadCloseSoakBenchmark {
    private LoadCloseSoakBenchmark() {
    }

    public static void main(String[] args) throws IOException {
        Path model = Path.of(args[0]);
        int cycles = args.length > 1 ? Integer.parseInt(args[1]) : 1000;
        int samples = args.length > 2 ? Integer.parseInt(args[2]) : 10;
        Natives.setThreads(args.length > 3 ? Integer.parseInt(args[3]) : 1);
        int warmup = Math.max(1, cycles / 20);
        long[] ids = {1, 2, 3, 4, 5, 6, 7, 8};
        for (int i = 0; i < warmup; i++) {
            cycle(model, ids);
        }
        List<long[]> points = new ArrayList<>(); // {cycle, rss kB, maps}
        points.add(sample(0));
        long t0 = System.nanoTime();
        for (int c = 1; c <= cycles; c++) {
            cycle(model, ids);
            if (c % Math.max(1, cycles / samples) == 0 || c == cycles) {
                points.add(sample(c));
            }
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        System.out.printf(Locale.ROOT, "model %s, %d cycles after %d warm-up, %.1f s (%.1f ms per cycle)%n", model,
                cycles, warmup, seconds, 1000 * seconds / cycles);
        System.out.println("cycle\tRSS MB\tmapped regions");
        for (long[] p : points) {
            System.out.printf(Locale.ROOT, "%d\t%.1f\t%d%n", p[0], p[1] / 1024.0, p[2]);
        }
        long[] first = points.get(0);
        long[] last = points.get(points.size() - 1);
        System.out.printf(Locale.ROOT, "RSS %+.1f MB (%+.1f kB per cycle, least-squares slope %+.2f kB per cycle), "
                + "mapped regions %+d%n", (last[1] - first[1]) / 1024.0, (last[1] - first[1]) / (double) cycles,
                slope(points), last[2] - first[2]);
    }

    private static void cycle(Path model, long[] ids) {
        try (Model m = Model.load(model)) {
            float[] logits = m.lastLogits(TokenBatch.of(ids))[0];
            if (Float.isNaN(logits[0])) {
                throw new IllegalStateException("NaN logits from " + model);
            }
        }
    }

    private static long[] sample(int cycle) throws IOException {
        System.gc(); // heap garbage is not what this measures
        long rss = 0;
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                rss = Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        long maps;
        try (var lines = Files.lines(Path.of("/proc/self/maps"))) {
            maps = lines.count();
        }
        return new long[] {cycle, rss, maps};
    }

    /** Least-squares slope of RSS (kB) over cycles. */
    private static double slope(List<long[]> points) {
        double n = points.size();
        double mx = points.stream().mapToDouble(p -> p[0]).sum() / n;
        double my = points.stream().mapToDouble(p -> p[1]).sum() / n;
        double num = 0;
        double den = 0;
        for (long[] p : points) {
            num += (p[0] - mx) * (p[1] - my);
            den += (p[0] - mx) * (p[0] - mx);
        }
        return den == 0 ? 0 : num / den;
    }
}
