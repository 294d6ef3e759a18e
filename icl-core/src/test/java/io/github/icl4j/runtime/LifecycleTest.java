package io.github.icl4j.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The lease protocol on its own: close waits for leases, refuses new ones, releases exactly once. */
class LifecycleTest {
    @Test
    void closeWithoutLeasesReleasesAtOnceAndOnlyOnce() {
        Lifecycle l = new Lifecycle("thing");
        AtomicInteger released = new AtomicInteger();
        l.close(released::incrementAndGet);
        l.close(released::incrementAndGet);
        assertThat(released).hasValue(1);
        assertThat(l.isClosed()).isTrue();
        assertThatThrownBy(l::acquire).isInstanceOf(IllegalStateException.class).hasMessage("thing is closed");
    }

    @Test
    void closeWaitsForALeaseHeldByAnotherThread() throws Exception {
        Lifecycle l = new Lifecycle("thing");
        AtomicInteger released = new AtomicInteger();
        CountDownLatch leased = new CountDownLatch(1);
        CountDownLatch finish = new CountDownLatch(1);
        Thread user = new Thread(() -> {
            try (Lifecycle.Lease lease = l.acquire()) {
                leased.countDown();
                finish.await();
                // re-entrant: the pass may call back into the owner while it closes
                try (Lifecycle.Lease inner = l.acquire()) {
                    assertThat(released).hasValue(0);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        user.start();
        leased.await();
        Thread closer = new Thread(() -> l.close(released::incrementAndGet));
        closer.start();
        closer.join(200);
        assertThat(closer.isAlive()).as("close waits for the running lease").isTrue();
        assertThat(released).hasValue(0);
        assertThatThrownBy(l::acquire).isInstanceOf(IllegalStateException.class);
        finish.countDown();
        closer.join(TimeUnit.SECONDS.toMillis(10));
        user.join(TimeUnit.SECONDS.toMillis(10));
        assertThat(closer.isAlive()).isFalse();
        assertThat(released).hasValue(1);
        assertThat(l.activeLeases()).isZero();
    }

    @Test
    void closeFromInsideALeaseDefersTheReleaseToTheLeasesEnd() {
        Lifecycle l = new Lifecycle("thing");
        AtomicInteger released = new AtomicInteger();
        Lifecycle.Lease lease = l.acquire();
        l.close(released::incrementAndGet);
        assertThat(released).as("cannot wait for itself").hasValue(0);
        assertThat(l.isClosed()).isTrue();
        lease.close();
        lease.close();
        assertThat(released).hasValue(1);
        assertThat(l.activeLeases()).isZero();
    }
}
