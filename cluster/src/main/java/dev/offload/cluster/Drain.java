package dev.offload.cluster;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

/** Counts work in progress, and once {@link #start()} was called, says when none is left. Thread-safe. */
final class Drain {
    private final AtomicInteger count = new AtomicInteger();
    private final CompletableFuture<Void> idle = new CompletableFuture<>();
    private volatile boolean draining;

    void enter() {
        count.incrementAndGet();
    }

    void exit() {
        // draining is read after the decrement: a start() that saw a count above zero is completed here.
        if (count.decrementAndGet() == 0 && draining) {
            idle.complete(null);
        }
    }

    int count() {
        return count.get();
    }

    /** Completes when the count is zero, now or later. */
    CompletableFuture<Void> start() {
        draining = true;
        if (count.get() == 0) {
            idle.complete(null);
        }
        return idle;
    }
}
