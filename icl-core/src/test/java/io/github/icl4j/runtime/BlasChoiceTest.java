package io.github.icl4j.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;

/**
 * The BLAS choice of issue 18: MKL by default where its natives are on the class path (this project's cpu build on
 * linux-x86_64), the library the process really mapped agrees with {@link Natives#blas()}, and LibTorch's matmul gives
 * the product computed in Java.
 */
class BlasChoiceTest {

    @Test
    void theReportedBlasIsTheOneLoadedAndMultipliesCorrectly() throws Exception {
        String blas = Natives.blas();
        boolean linux = System.getProperty("os.name").toLowerCase().startsWith("linux");
        if (linux && System.getProperty("os.arch").equals("amd64")
                && Natives.class.getResource("/org/bytedeco/mkl/linux-x86_64/libmkl_rt.so.2") != null
                && System.getProperty(Natives.BLAS_PROPERTY, "").startsWith("mkl")) {
            assertThat(blas).isEqualTo("mkl_rt");
        }
        int m = 37;
        int k = 53;
        int n = 29;
        Random rnd = new Random(3);
        float[] a = new float[m * k];
        float[] b = new float[n * k];
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) rnd.nextGaussian();
        }
        for (int i = 0; i < b.length; i++) {
            b[i] = (float) rnd.nextGaussian();
        }
        try (PointerScope scope = new PointerScope()) {
            // x · Wᵀ as in nn.Linear: the call that reaches sgemm_
            float[] got = Tensors.toFloats(torch.linear(Tensors.fromFloats(a, m, k), Tensors.fromFloats(b, n, k)));
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    double want = 0;
                    for (int t = 0; t < k; t++) {
                        want += (double) a[i * k + t] * b[j * k + t];
                    }
                    assertThat((double) got[i * n + j]).isCloseTo(want, within(1e-4));
                }
            }
        }
        if (linux) {
            String maps = Files.readString(Path.of("/proc/self/maps"));
            assertThat(maps.contains("libmkl_rt")).as("MKL mapped iff Natives.blas() says mkl_rt")
                    .isEqualTo(blas.equals("mkl_rt"));
        }
    }
}
