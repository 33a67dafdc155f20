package dev.offload.pool.handlers;

import dev.offload.worker.JobContext;
import dev.offload.worker.JobHandler;

public class Echo implements JobHandler<String, String> {
    @Override
    public String handle(String input, JobContext context) {
        return input;
    }
}
