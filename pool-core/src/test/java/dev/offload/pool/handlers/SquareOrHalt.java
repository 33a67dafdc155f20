package dev.offload.pool.handlers;

import dev.offload.worker.JobContext;
import dev.offload.worker.JobHandler;

/** Squares its input in microseconds, like {@link Square}; a negative input is a poison job that kills its worker JVM. */
public class SquareOrHalt implements JobHandler<Long, Long> {
    @Override
    public Long handle(Long n, JobContext context) {
        if (n < 0) {
            Runtime.getRuntime().halt(3);
        }
        return n * n;
    }
}
