package dev.offload.pool.handlers;

import dev.offload.worker.JobContext;
import dev.offload.worker.JobHandler;

public class Square implements JobHandler<Long, Long> {
    @Override
    public Long handle(Long input, JobContext context) {
        return input * input;
    }
}
