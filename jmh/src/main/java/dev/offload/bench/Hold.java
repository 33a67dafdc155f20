package dev.offload.bench;

import dev.offload.worker.JobContext;
import dev.offload.worker.JobHandler;

/**
 * Keeps its worker busy until the job is cancelled or {@code input} milliseconds pass, whichever
 * comes first; returns how long it held. It checks {@link JobContext#isCancelled()} every
 * millisecond, so a cancel ends it within its grace and the worker is kept, not killed.
 */
public final class Hold implements JobHandler<Long, Long> {
    @Override
    public Long handle(Long millis, JobContext context) throws InterruptedException {
        long start = System.nanoTime();
        long deadline = start + millis * 1_000_000L;
        while (!context.isCancelled() && System.nanoTime() - deadline < 0) {
            Thread.sleep(1);
        }
        return (System.nanoTime() - start) / 1_000_000L;
    }
}
