package dev.offload.pool.handlers;

import dev.offload.worker.JobContext;
import dev.offload.worker.JobHandler;

import java.util.concurrent.atomic.AtomicLong;

/** Answers the worker's pid and how many jobs this worker has run, after sleeping the given ms. */
public class Pid implements JobHandler<Long, long[]> {
    private final AtomicLong runs = new AtomicLong();

    @Override
    public long[] handle(Long sleepMillis, JobContext context) throws InterruptedException {
        if (sleepMillis > 0) {
            Thread.sleep(sleepMillis); // the job's own work
        }
        return new long[] {ProcessHandle.current().pid(), runs.incrementAndGet()};
    }
}
