package dev.offload.pool.handlers;

import dev.offload.worker.JobContext;
import dev.offload.worker.JobHandler;

/** Sleeps for the given milliseconds, stopping early when cancelled; returns how long it slept. */
public class Sleep implements JobHandler<Long, Long> {
    @Override
    public Long handle(Long millis, JobContext context) throws InterruptedException {
        long start = System.nanoTime();
        long end = start + millis * 1_000_000;
        while (System.nanoTime() < end && !context.isCancelled()) {
            Thread.sleep(1); // the job's own work, not synchronisation
        }
        return (System.nanoTime() - start) / 1_000_000;
    }
}
