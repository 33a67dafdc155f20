package dev.offload.examples.handlers;

import dev.offload.worker.JobContext;
import dev.offload.worker.JobHandler;

/** Keeps one core busy for the given number of milliseconds; returns how many loops that took. */
public final class Spin implements JobHandler<Integer, Long> {
    @Override
    public Long handle(Integer millis, JobContext context) {
        long end = System.nanoTime() + millis * 1_000_000L;
        long loops = 0;
        while (System.nanoTime() < end && !context.isCancelled()) {
            loops++;
        }
        return loops;
    }
}
