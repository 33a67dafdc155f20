package dev.offload.pool.handlers;

import dev.offload.worker.JobContext;
import dev.offload.worker.JobHandler;

public class Fail implements JobHandler<String, String> {
    @Override
    public String handle(String input, JobContext context) {
        throw new IllegalStateException("boom: " + input, new ArithmeticException("root cause"));
    }
}
