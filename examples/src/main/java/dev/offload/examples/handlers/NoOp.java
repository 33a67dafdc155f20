package dev.offload.examples.handlers;

import dev.offload.worker.JobHandler;
import dev.offload.worker.JobContext;

/** Returns its input: a round trip that measures Offload, not the job. */
public final class NoOp implements JobHandler<Integer, Integer> {
    @Override
    public Integer handle(Integer input, JobContext context) {
        return input;
    }
}
