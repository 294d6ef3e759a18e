package io.github.icl4j.examples;

import io.github.icl4j.runtime.Natives;
import org.bytedeco.pytorch.global.torch;

/**
 * LibTorch's intra-op (OpenMP) threads and the bundled OpenBLAS's threads, which LibTorch does not control. With
 * both pools at 2 on a 2-core machine the built-in model's passes ran about ten times slower than with 1 (measured:
 * the DebiasMajority example 38 s against 9 s), so the examples' exec runs set {@code -Dicl4j.threads=1}.
 */
final class Threads {
    private Threads() {
    }

    /** Sets both pools to {@code n} threads (nothing for {@code n <= 0}). */
    static void set(int n) {
        if (n <= 0) {
            return;
        }
        Natives.init();
        torch.set_num_threads(n);
        try {
            org.bytedeco.openblas.global.openblas_nolapack.blas_set_num_threads(n);
        } catch (UnsatisfiedLinkError | NoClassDefFoundError e) {
            // OpenBLAS not loaded: LibTorch's own threads are set
        }
    }

    /**
     * Applies {@code -Dicl4j.threads=N} to both pools ({@code Natives.init} applies it to LibTorch's only); nothing
     * when the property is absent or not a positive integer (Natives reports the latter).
     */
    static void fromProperty() {
        String v = System.getProperty("icl4j.threads");
        if (v == null) {
            return;
        }
        try {
            set(Integer.parseInt(v.trim()));
        } catch (NumberFormatException e) {
            Natives.init();
        }
    }
}
