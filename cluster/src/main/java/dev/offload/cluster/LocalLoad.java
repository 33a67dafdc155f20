package dev.offload.cluster;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * This host's jobs in its own pool, counted by the cluster layer, which is the pool's only user:
 * jobs submitted here and run locally plus jobs other hosts placed here. Exact, so routing never has
 * to take a {@code PoolStats} snapshot per job. Thread-safe; updated from submitting threads and from
 * the pool's callback threads.
 */
final class LocalLoad {
    private final int workers;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final LongAdder completed = new LongAdder();

    LocalLoad(int workers) {
        this.workers = workers;
    }

    /** Takes one place if a worker is free now (no job waits for it); false otherwise. */
    boolean tryReserveIdle() {
        int n;
        do {
            n = inFlight.get();
            if (n >= workers) {
                return false;
            }
        } while (!inFlight.compareAndSet(n, n + 1));
        return true;
    }

    /** Takes one place whatever the load: the job will wait in the pool's queue if it must. */
    void reserve() {
        inFlight.incrementAndGet();
    }

    /** A job placed here ended; {@code ran} when it returned a result. */
    void release(boolean ran) {
        inFlight.decrementAndGet();
        if (ran) {
            completed.increment();
        }
    }

    /** Workers free minus jobs waiting: negative while jobs queue here. */
    int free() {
        return workers - inFlight.get();
    }

    /** Jobs this host's workers finished with a result, whoever submitted them. */
    long completed() {
        return completed.sum();
    }
}
