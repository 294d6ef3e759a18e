package io.github.icl4j.bench;

import io.github.icl4j.ActivationCache;
import io.github.icl4j.HookPoint;
import io.github.icl4j.Hooks;
import io.github.icl4j.Model;
import io.github.icl4j.TokenBatch;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.global.torch;

/**
 * icl4j side of the forward-pass benchmark (tools/bench/run-forward-bench.sh runs both sides in one go):
 * median wall time of a forward pass unembedding only the last positions ({@code Model.lastLogits}, the road every
 * analysis takes), with no hooks and with every hook cached (all positions unembedded), for each (batch, tokens).
 * Prints one JSON object per configuration, and LibTorch load / first-forward latency.
 *
 * <p>Usage: {@code ForwardBenchmark <checkpoint dir> [threads] [repeats] [configs e.g. 1x128,8x512]
 * [modes, default last-only,no-hooks,full-cache]}. {@code cpu_ms} is the calling thread's CPU time (one thread: the
 * pass's work, whatever the machine's load).
 */
public final class ForwardBenchmark {
    private static final java.lang.management.ThreadMXBean THREADS =
            java.lang.management.ManagementFactory.getThreadMXBean();

    private ForwardBenchmark() {
    }

    public static void main(String[] args) {
        long t0 = System.nanoTime();
        Path dir = Path.of(args[0]);
        int threads = args.length > 1 ? Integer.parseInt(args[1]) : 2;
        int repeats = args.length > 2 ? Integer.parseInt(args[2]) : 3;
        String configs = args.length > 3 ? args[3] : "1x128,8x128,1x512,8x512";
        List<String> modes = List.of((args.length > 4 ? args[4] : "last-only,no-hooks,full-cache").split(","));
        io.github.icl4j.runtime.Natives.setThreads(threads);
        long tLib = System.nanoTime();
        try (Model model = Model.load(dir)) {
            long loaded = System.nanoTime();
            Random r = new Random(1);
            boolean first = true;
            for (String c : configs.split(",")) {
                int b = Integer.parseInt(c.split("x")[0]);
                int s = Integer.parseInt(c.split("x")[1]);
                long[][] seqs = new long[b][s];
                for (long[] row : seqs) {
                    Arrays.setAll(row, i -> r.nextInt(50257));
                }
                TokenBatch batch = TokenBatch.of(seqs);
                if (first) {
                    long f0 = System.nanoTime();
                    time(model, batch, "no-hooks");
                    System.out.printf("{\"impl\": \"icl4j\", \"startup_ms\": %.0f, \"load_ms\": %.0f, "
                            + "\"first_forward_ms\": %.0f}%n", (tLib - t0) / 1e6, (loaded - tLib) / 1e6,
                            (System.nanoTime() - f0) / 1e6);
                    first = false;
                }
                for (String mode : modes) {
                    time(model, batch, mode); // warm-up
                    double[] ms = new double[repeats];
                    double[] cpu = new double[repeats];
                    for (int i = 0; i < repeats; i++) {
                        long c0 = THREADS.getCurrentThreadCpuTime();
                        ms[i] = time(model, batch, mode);
                        cpu[i] = (THREADS.getCurrentThreadCpuTime() - c0) / 1e6;
                    }
                    Arrays.sort(ms);
                    Arrays.sort(cpu);
                    // cpu_ms: the calling thread's CPU time, the pass's work on one thread whatever the machine's load
                    System.out.printf("{\"impl\": \"icl4j-%s\", \"batch\": %d, \"tokens\": %d, \"threads\": %d, "
                            + "\"median_ms\": %.1f, \"cpu_ms\": %.1f, \"blas\": \"%s\"}%n", mode, b, s, threads,
                            ms[repeats / 2], cpu[repeats / 2], io.github.icl4j.runtime.Natives.blas());
                }
            }
        }
    }

    /** One timed pass: "last-only" unembeds the last positions only (the engine's road), the others every one. */
    private static double time(Model model, TokenBatch batch, String mode) {
        long t = System.nanoTime();
        if (mode.equals("last-only")) {
            model.lastLogits(batch);
            return (System.nanoTime() - t) / 1e6;
        }
        boolean fullCache = mode.equals("full-cache");
        try (PointerScope scope = new PointerScope(); ActivationCache cache = new ActivationCache()) {
            Hooks hooks = Hooks.none();
            if (fullCache) {
                // every hook point, per-head results included (points a family lacks never fire)
                List<String> all = HookPoint.all(model.config().nLayers());
                hooks = Hooks.builder().cache(cache, all.toArray(String[]::new)).build();
            }
            model.logits(batch, hooks);
        }
        return (System.nanoTime() - t) / 1e6;
    }
}
