package io.github.icl4j.runtime;

import java.util.HashMap;
import java.util.Map;

/**
 * The open/closed state of a native owner (a model's weights, a tokenizer) shared by threads: code that uses the
 * native memory holds a {@link Lease}, and {@link #close(Runnable)} frees the memory only once no lease is held.
 *
 * <ul>
 * <li>{@link #acquire()} after close has begun throws {@link IllegalStateException}, except on a thread that already
 *     holds a lease (a pass that calls back into the owner keeps working until it ends);</li>
 * <li>{@code close} marks the owner closed at once, waits for leases held by other threads, then runs the release
 *     exactly once;</li>
 * <li>{@code close} called by a thread that holds a lease (from inside a pass or a hook) cannot wait for itself: it
 *     returns at once and the release runs when the last lease ends.</li>
 * </ul>
 * A lease may be closed from another thread than the one that took it; closing it twice is harmless.
 */
public final class Lifecycle {
    private final String what;
    /** Leases held per thread (re-entrant passes count once per acquire). */
    private final Map<Thread, Integer> holders = new HashMap<>();
    private int active;
    private boolean closing;
    private Runnable release;
    private boolean released;

    /** @param what names the owner in messages, e.g. {@code "model checkpoints/llama"} */
    public Lifecycle(String what) {
        this.what = what;
    }

    /**
     * A lease on the owner's native memory: it is not freed until every lease is closed.
     *
     * @throws IllegalStateException when the owner is closed (or closing) and this thread holds no lease
     */
    public Lease acquire() {
        Thread me = Thread.currentThread();
        synchronized (this) {
            if (closing && !holders.containsKey(me)) {
                throw new IllegalStateException(what + " is closed");
            }
            active++;
            holders.merge(me, 1, Integer::sum);
        }
        return new Lease(me);
    }

    /** Throws {@link IllegalStateException} when close has begun, unless this thread holds a lease. */
    public synchronized void checkOpen() {
        if (closing && !holders.containsKey(Thread.currentThread())) {
            throw new IllegalStateException(what + " is closed");
        }
    }

    /** True once close has begun (the owner takes no new leases). */
    public synchronized boolean isClosed() {
        return closing;
    }

    /** Number of leases held now (for tests and diagnostics). */
    public synchronized int activeLeases() {
        return active;
    }

    /**
     * Closes the owner: no new lease is granted, and {@code release} runs once every lease has ended (on this
     * thread when none is held by it, otherwise on the thread that ends the last lease). Later calls do nothing.
     * When interrupted while waiting, returns with the interrupt flag set; the release then runs when the last
     * lease ends.
     */
    public void close(Runnable release) {
        Runnable toRun;
        synchronized (this) {
            if (closing) {
                return;
            }
            closing = true;
            this.release = release;
            if (!holders.containsKey(Thread.currentThread())) {
                try {
                    while (active > 0) {
                        wait();
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
            toRun = takeRelease();
        }
        if (toRun != null) {
            toRun.run();
        }
    }

    /** The release to run now (once): when closing and no lease is held. */
    private Runnable takeRelease() {
        if (!closing || active > 0 || released) {
            return null;
        }
        released = true;
        Runnable r = release;
        release = null;
        return r;
    }

    private void end(Thread holder) {
        Runnable toRun;
        synchronized (this) {
            active--;
            holders.computeIfPresent(holder, (t, n) -> n == 1 ? null : n - 1);
            if (active == 0) {
                notifyAll();
            }
            toRun = takeRelease();
        }
        if (toRun != null) {
            toRun.run();
        }
    }

    @Override
    public synchronized String toString() {
        return "Lifecycle[" + what + (closing ? ", closed" : ", open") + ", " + active + " leases]";
    }

    /** Proof that the owner's native memory stays allocated until {@link #close()}. */
    public final class Lease implements AutoCloseable {
        private final Thread holder;
        private boolean ended;

        private Lease(Thread holder) {
            this.holder = holder;
        }

        /** Ends the lease; the owner may then be freed. Idempotent. */
        @Override
        public void close() {
            synchronized (this) {
                if (ended) {
                    return;
                }
                ended = true;
            }
            end(holder);
        }
    }
}
