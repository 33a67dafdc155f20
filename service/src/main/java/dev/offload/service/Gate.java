package dev.offload.service;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Counts what is inside (jobs whose outcome a connection is owed; open connections); once closed,
 * refuses newcomers and lets the closer wait until the last one left. Lock-free: entered and left
 * on the event loops, closed and awaited by the thread that stops the server.
 *
 * <p>Why {@link #enter} counts before it checks: {@code enter} writes {@link #inside} then reads
 * {@link #closed}; {@link #close} writes {@code closed} then reads {@code inside}. Both are
 * volatile, so at least one of the two sees the other: either the newcomer is refused, or the
 * closer sees it inside and waits for it.
 */
final class Gate {
    private final AtomicInteger inside = new AtomicInteger();
    private final CompletableFuture<Void> empty = new CompletableFuture<>();
    private volatile boolean closed;

    /** True if let in (then {@link #leave} exactly once); false once closed. */
    boolean enter() {
        inside.incrementAndGet();
        if (closed) {
            leave();
            return false;
        }
        return true;
    }

    void leave() {
        if (inside.decrementAndGet() == 0 && closed) {
            empty.complete(null);
        }
    }

    /** From now on {@link #enter} refuses. Idempotent. */
    void close() {
        closed = true;
        if (inside.get() == 0) {
            empty.complete(null);
        }
    }

    int size() {
        return inside.get();
    }

    /** After {@link #close}: waits until the last one left; false if {@code timeout} passed first. */
    boolean awaitEmpty(Duration timeout) throws InterruptedException {
        try {
            empty.get(Math.max(0, timeout.toNanos()), TimeUnit.NANOSECONDS);
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (ExecutionException e) {
            throw new IllegalStateException(e); // never completed exceptionally
        }
    }
}
