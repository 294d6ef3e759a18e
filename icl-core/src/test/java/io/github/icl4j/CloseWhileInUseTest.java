package io.github.icl4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.icl4j.runtime.Lifecycle;
import io.github.icl4j.testing.TestData;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Closing a model or tokenizer while other threads use it: every running pass either finishes with real numbers
 * or fails with {@link IllegalStateException}; nothing crashes (before the lease, this test killed the JVM with a
 * SIGSEGV in LibTorch or a Rust abort). Bounded: a few rounds of a few hundred passes.
 */
class CloseWhileInUseTest {
    private static final int ROUNDS = 4;
    private static final int THREADS = 3;

    private static Model llama() {
        return Model.load(TestData.resource("parity/llama"));
    }

    @Test
    void closingAModelUnderRunningPassesWaitsForThem() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        int overlapped = 0;
        try {
            for (int round = 0; round < ROUNDS; round++) {
                Model m = llama();
                float[] expected = m.lastLogits(TokenBatch.of(new long[] {1, 2, 3, 4}))[0];
                AtomicInteger done = new AtomicInteger();
                CountDownLatch started = new CountDownLatch(THREADS);
                List<Future<Integer>> refused = new ArrayList<>();
                for (int t = 0; t < THREADS; t++) {
                    final boolean viaProbe = t == 0;
                    refused.add(pool.submit(() -> {
                        started.countDown();
                        for (int i = 0; i < 1000; i++) {
                            try {
                                float[] got = viaProbe
                                        ? Probe.on(m).tokens(new long[] {1, 2, 3, 4}).logits()[0]
                                        : m.lastLogits(TokenBatch.of(new long[] {1, 2, 3, 4}))[0];
                                assertThat(got).containsExactly(expected);
                                done.incrementAndGet();
                            } catch (IllegalStateException e) {
                                assertThat(e).hasMessageContaining("is closed");
                                return 1;
                            }
                        }
                        return 0;
                    }));
                }
                started.await();
                Thread.sleep(5L * round);
                m.close();
                assertThat(m.isClosed()).isTrue();
                assertThatThrownBy(() -> m.lastLogits(TokenBatch.of(new long[] {1})))
                        .isInstanceOf(IllegalStateException.class).hasMessageContaining("is closed");
                for (Future<Integer> f : refused) {
                    overlapped += f.get(60, TimeUnit.SECONDS);
                }
            }
        } finally {
            pool.shutdownNow();
        }
        // the test is only worth something if close really happened while passes were running
        assertThat(overlapped).as("threads whose passes were cut off by close").isPositive();
    }

    @Test
    void closingATokenizerUnderRunningEncodesWaitsForThem() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        AtomicInteger overlapped = new AtomicInteger();
        String text = "The quick brown fox jumps over the lazy dog. ".repeat(40);
        try {
            for (int round = 0; round < ROUNDS; round++) {
                Tokenizer tok = Tokenizer.fromFile(TestData.resource("parity/llama/tokenizer.json"));
                int n = tok.encode(text).length();
                CountDownLatch started = new CountDownLatch(THREADS);
                List<Future<?>> futures = new ArrayList<>();
                for (int t = 0; t < THREADS; t++) {
                    futures.add(pool.submit(() -> {
                        started.countDown();
                        for (int i = 0; i < 2000; i++) {
                            try {
                                assertThat(tok.encode(text).length()).isEqualTo(n);
                                tok.decode(1, 2, 3);
                            } catch (IllegalStateException e) {
                                assertThat(e).hasMessageContaining("is closed");
                                overlapped.incrementAndGet();
                                return null;
                            }
                        }
                        return null;
                    }));
                }
                started.await();
                Thread.sleep(2L * round);
                tok.close();
                assertThatThrownBy(() -> tok.encode("x")).isInstanceOf(IllegalStateException.class);
                for (Future<?> f : futures) {
                    f.get(60, TimeUnit.SECONDS);
                }
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(overlapped).as("threads whose encodes were cut off by close").hasPositiveValue();
    }

    @Test
    void closeFromAHookInsideAPassFreesTheWeightsWhenThePassEnds() {
        Model m = llama();
        Hooks hooks = Hooks.builder().add("blocks.0.hook_resid_pre", (t, ctx) -> {
            m.close(); // cannot wait for its own pass: returns, the pass finishes on live weights
            return null;
        }).build();
        try (org.bytedeco.javacpp.PointerScope s = new org.bytedeco.javacpp.PointerScope()) {
            var logits = m.logits(TokenBatch.of(new long[] {1, 2, 3}), hooks);
            assertThat(logits.isnan().any().item_bool()).isFalse();
        }
        assertThat(m.isClosed()).isTrue();
        assertThatThrownBy(m::acquire).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aLeaseHeldAcrossDirectTransformerUseDelaysClose() throws Exception {
        Model m = llama();
        Lifecycle.Lease lease = m.acquire();
        Thread closer = new Thread(m::close);
        closer.start();
        closer.join(200);
        assertThat(closer.isAlive()).as("close waits for the lease").isTrue();
        assertThat(m.transformer()).as("the lease holder keeps working").isNotNull();
        lease.close();
        closer.join(10_000);
        assertThat(closer.isAlive()).isFalse();
    }
}
