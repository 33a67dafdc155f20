package dev.offload.service.demo;

import dev.offload.worker.JobContext;
import dev.offload.worker.JobHandler;

/**
 * Sleeps, cooperatively: it stops early once the job is cancelled or timed out, so its worker is
 * kept rather than killed. {@code {"ms": 100}} gives {@code {"slept": 100}} (the milliseconds it
 * really slept).
 */
public final class Sleep implements JobHandler<Sleep.Input, Sleep.Result> {
    /** Checks for cancellation at least this often. */
    private static final long SLICE_MS = 10;
    static final long MAX_MS = 3_600_000;

    public record Input(long ms) {
        public Input {
            if (ms < 0 || ms > MAX_MS) {
                throw new IllegalArgumentException("ms must be between 0 and " + MAX_MS + " (got " + ms + ")");
            }
        }
    }

    public record Result(long slept) {
    }

    @Override
    public Result handle(Input input, JobContext context) throws InterruptedException {
        long start = System.nanoTime();
        long end = start + input.ms() * 1_000_000;
        for (long now = start; now < end && !context.isCancelled(); now = System.nanoTime()) {
            Thread.sleep(Math.min(SLICE_MS, Math.max(1, (end - now) / 1_000_000)));
        }
        return new Result((System.nanoTime() - start) / 1_000_000);
    }
}
