package io.github.icl4j;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.icl4j.testing.TestData;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.PointerScope;
import org.junit.jupiter.api.Test;

/** Native memory stays flat over many forwards with caches opened and closed (no leak per iteration). */
class NativeMemoryTest {
    @Test
    void thousandForwardsWithCachesDoNotGrowNativeMemory() {
        try (Model m = Model.load(TestData.resource("parity/gpt_neox"))) {
            long[][] seqs = new long[8][60];
            for (int i = 0; i < seqs.length; i++) {
                for (int j = 0; j < seqs[i].length; j++) {
                    seqs[i][j] = (i * 31 + j * 7) % 100 + 1;
                }
            }
            TokenBatch batch = TokenBatch.of(seqs);
            Runnable once = () -> {
                try (ActivationCache cache = new ActivationCache(); PointerScope s = new PointerScope()) {
                    Hooks h = Hooks.builder().cache(cache, HookPoint.pattern(0), HookPoint.z(1), HookPoint.LN_FINAL).build();
                    m.logits(batch, h);
                    cache.floats(HookPoint.z(1));
                }
            };
            for (int i = 0; i < 200; i++) {
                once.run(); // warm-up: allocator pools, JIT
            }
            System.gc();
            long before = Pointer.physicalBytes();
            for (int i = 0; i < 1000; i++) {
                once.run();
            }
            System.gc();
            long grown = Pointer.physicalBytes() - before;
            // each iteration keeps ~1.3 MB of activations (pattern [8, 4, 60, 60], z, ln_final): a leak would add
            // > 1 GB over 1000 iterations; the bound leaves room for JVM heap and allocator noise
            assertThat(grown).as("resident memory growth over 1000 forwards, bytes").isLessThan(256L << 20);
        }
    }
}
