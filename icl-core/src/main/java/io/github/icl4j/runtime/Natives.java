package io.github.icl4j.runtime;

import org.bytedeco.pytorch.global.torch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One-time process set-up before LibTorch or the DJL tokenizer is touched.
 *
 * <ul>
 *   <li>Switches off DJL's usage tracking ({@code OPT_OUT_TRACKING=true}), which otherwise tries to reach a
 *       cloud metadata address each time a tokenizer is made: nothing may leave the machine.</li>
 *   <li>Sets the thread count from {@code -Dicl4j.threads=N} (or {@code ICL4J_THREADS}) when given, for both
 *       LibTorch's intra-op pool and the bundled OpenBLAS, which LibTorch does not control
 *       ({@link #setThreads}); without it, OpenBLAS gets one thread so that it does not oversubscribe the cores
 *       LibTorch's own pool already uses.</li>
 * </ul>
 * Every entry point of the library calls {@link #init()}; it is cheap after the first call.
 */
public final class Natives {
    private static final Logger LOG = LoggerFactory.getLogger(Natives.class);
    private static volatile boolean done;
    /** The bytedeco OpenBLAS loader's choice of library: {@code mkl_rt} for MKL, {@code openblas} for OpenBLAS. */
    public static final String BLAS_PROPERTY = "org.bytedeco.openblas.load";

    private Natives() {
    }

    /** Idempotent; thread-safe. */
    public static void init() {
        if (done) {
            return;
        }
        synchronized (Natives.class) {
            if (done) {
                return;
            }
            if (System.getProperty("OPT_OUT_TRACKING") == null) {
                System.setProperty("OPT_OUT_TRACKING", "true");
            }
            // before LibTorch loads: the OpenBLAS loader then hands LibTorch's sgemm_ to MKL (faster here, issue 18)
            if (System.getProperty(BLAS_PROPERTY) == null && mklNativesPresent()) {
                System.setProperty(BLAS_PROPERTY, "mkl_rt");
            }
            String threads = System.getProperty("icl4j.threads", System.getenv("ICL4J_THREADS"));
            if (threads != null && !threads.isBlank()) {
                int n;
                try {
                    n = Integer.parseInt(threads.trim());
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("icl4j.threads='" + threads + "' is not an integer >= 1", e);
                }
                if (n < 1) {
                    throw new IllegalArgumentException("icl4j.threads=" + n + " must be >= 1");
                }
                applyThreads(n);
            } else {
                // LibTorch keeps its own pool; the bundled OpenBLAS would start a second one of the same size and
                // oversubscribe the cores (STACK.md), so it gets one thread unless icl4j.threads says otherwise.
                setBlasThreads(1);
            }
            LOG.debug("LibTorch ready: {} intra-op threads, BLAS {}, CUDA available: {}", torch.get_num_threads(),
                    System.getProperty(BLAS_PROPERTY, "openblas"), torch.cuda_is_available());
            done = true;
        }
    }

    /**
     * Sets LibTorch's intra-op threads and the bundled OpenBLAS's threads to {@code n}. Two pools of n threads
     * on n cores oversubscribe (measured: up to 20× slower on a busy 2-core machine), so both are set together.
     *
     * @throws IllegalArgumentException for {@code n < 1}
     */
    public static void setThreads(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("thread count " + n + " must be >= 1");
        }
        init(); // first, so that init's defaults do not overwrite this later
        applyThreads(n);
    }

    private static void applyThreads(int n) {
        torch.set_num_threads(n);
        setBlasThreads(n);
    }

    private static void setBlasThreads(int n) {
        try {
            org.bytedeco.openblas.global.openblas_nolapack.blas_set_num_threads(n);
        } catch (UnsatisfiedLinkError | NoClassDefFoundError e) {
            LOG.debug("OpenBLAS thread count not set: {}", e.toString());
        }
    }

    /**
     * The BLAS library LibTorch's matmuls use: {@code mkl_rt} (Intel MKL, the default when {@code org.bytedeco:mkl}'s
     * {@code linux-x86_64-redist} natives are on the class path, as in this project's cpu build) or {@code openblas}
     * (the bundled OpenBLAS). {@code -Dorg.bytedeco.openblas.load=openblas} keeps OpenBLAS; the property must be set
     * before LibTorch loads.
     */
    public static String blas() {
        init();
        String v = System.getProperty(BLAS_PROPERTY, "openblas");
        return v.startsWith("mkl") ? "mkl_rt" : v;
    }

    /** MKL's runtime library for this platform is on the class path (the mkl preset's redist natives). */
    private static boolean mklNativesPresent() {
        String platform = System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT).startsWith("linux")
                && System.getProperty("os.arch", "").equals("amd64") ? "linux-x86_64" : null;
        return platform != null && Natives.class.getResource("/org/bytedeco/mkl/" + platform + "/libmkl_rt.so.2") != null
                && Natives.class.getResource("/org/bytedeco/mkl/global/mkl_rt.class") != null;
    }

    /** True when LibTorch sees a usable CUDA device (always false with the CPU natives). */
    public static boolean cudaAvailable() {
        init();
        return torch.cuda_is_available();
    }

    /** The number of CUDA devices LibTorch sees (0 with the CPU natives). */
    public static long cudaDeviceCount() {
        init();
        return torch.cuda_is_available() ? torch.cuda_device_count() : 0;
    }
}
