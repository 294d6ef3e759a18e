package io.github.icl4j.bench;

import io.github.icl4j.runtime.Natives;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.TreeSet;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * Single-thread fp32 matmul throughput through LibTorch, and which BLAS library the process loaded (read from
 * {@code /proc/self/maps}): the bundled OpenBLAS by default, MKL with {@code -Dorg.bytedeco.openblas.load=mkl_rt}
 * and {@code org.bytedeco:mkl} (+ its {@code linux-x86_64-redist} natives) on the class path. Issue 18 item 3; the
 * peer number (PyTorch's wheel) comes from {@code tools/bench/peer_matmul.py} in the same run.
 *
 * <p>Usage: {@code MatmulBenchmark [threads=1] [repeats=20] [shapes=1024x1024x1024,128x768x768,...]} (m×k×n).
 * One JSON object per shape.
 */
public final class MatmulBenchmark {
    private static final java.lang.management.ThreadMXBean THREADS =
            java.lang.management.ManagementFactory.getThreadMXBean();

    private MatmulBenchmark() {
    }

    public static void main(String[] args) throws IOException {
        int threads = args.length > 0 ? Integer.parseInt(args[0]) : 1;
        int repeats = args.length > 1 ? Integer.parseInt(args[1]) : 20;
        String shapes = args.length > 2 ? args[2]
                : "1024x1024x1024,128x768x768,128x768x3072,128x3072x768,1024x768x768,1024x768x3072,1024x3072x768,"
                        + "512x768x768,512x768x3072,1x768x50257,128x768x50257";
        Natives.setThreads(threads);
        System.out.printf(Locale.ROOT, "{\"blas\": \"%s\", \"threads\": %d}%n", blasLibraries(), threads);
        for (String s : shapes.split(",")) {
            String[] p = s.split("x");
            long m = Long.parseLong(p[0]);
            long k = Long.parseLong(p[1]);
            long n = Long.parseLong(p[2]);
            try (PointerScope scope = new PointerScope()) {
                Tensor a = torch.randn(m, k);
                Tensor b = torch.randn(n, k); // [n, k] as an nn.Linear weight: x · Wᵀ, the forward's case
                for (int i = 0; i < 3; i++) {
                    torch.linear(a, b);
                }
                double[] ms = new double[repeats];
                double[] cpu = new double[repeats];
                for (int i = 0; i < repeats; i++) {
                    try (PointerScope inner = new PointerScope()) {
                        long c0 = THREADS.getCurrentThreadCpuTime();
                        long t0 = System.nanoTime();
                        torch.linear(a, b);
                        ms[i] = (System.nanoTime() - t0) / 1e6;
                        cpu[i] = (THREADS.getCurrentThreadCpuTime() - c0) / 1e6;
                    }
                }
                Arrays.sort(ms);
                Arrays.sort(cpu);
                double med = ms[repeats / 2];
                double medCpu = cpu[repeats / 2];
                // on one thread the matmul runs on the calling thread: its CPU time is the work, whatever the load
                System.out.printf(Locale.ROOT, "{\"impl\": \"icl4j\", \"shape\": \"%s\", \"median_ms\": %.3f, "
                        + "\"gflops\": %.1f, \"cpu_ms\": %.3f, \"gflops_cpu\": %.1f}%n", s, med,
                        2.0 * m * k * n / med / 1e6, medCpu, 2.0 * m * k * n / medCpu / 1e6);
            }
        }
    }

    /** The BLAS shared libraries mapped into this process (file names). */
    static String blasLibraries() throws IOException {
        TreeSet<String> libs = new TreeSet<>();
        for (String line : Files.readAllLines(Path.of("/proc/self/maps"))) {
            int slash = line.lastIndexOf('/');
            String name = slash < 0 ? "" : line.substring(slash + 1);
            if (name.contains("openblas") || name.contains("mkl")) {
                libs.add(name);
            }
        }
        return String.join(" ", libs);
    }
}
