package dev.offload.service;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The jobs whose HTTP answers are still owed, so that a stopping service can wait for them, and
 * cancel those that outlast its grace. Thread-safe: added on the event loop, removed on pool
 * callback threads once the answer is written.
 */
final class InFlight {
    private final Set<CompletableFuture<?>> jobs = new HashSet<>();

    synchronized void add(CompletableFuture<?> job) {
        jobs.add(job);
    }

    synchronized void remove(CompletableFuture<?> job) {
        if (jobs.remove(job) && jobs.isEmpty()) {
            notifyAll();
        }
    }

    synchronized int size() {
        return jobs.size();
    }

    /** Waits until every answer is written or {@code timeout} passed; true if none is left. */
    synchronized boolean awaitEmpty(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!jobs.isEmpty()) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
        return true;
    }

    /** Cancels what is left; each cancelled job is then answered 503 by its own callback. */
    void cancelAll() {
        List<CompletableFuture<?>> left;
        synchronized (this) {
            left = new ArrayList<>(jobs);
        }
        // Outside the lock: cancel() runs the answering callback, which calls remove().
        left.forEach(job -> job.cancel(false));
    }
}
