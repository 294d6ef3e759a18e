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
            TokenBatch batch = TokenBatch.of(new long[] {5, 17, 3, 99, 42, 8, 23, 61, 2}, new long[] {4, 4, 4});
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
            long before = Pointer.physicalBytes();
            for (int i = 0; i < 1000; i++) {
                once.run();
            }
            long grown = Pointer.physicalBytes() - before;
            // each iteration allocates ~100 KB of activations; a leak would add ~100 MB over 1000 iterations
            assertThat(grown).as("resident memory growth over 1000 forwards, bytes").isLessThan(32L << 20);
        }
    }
}
