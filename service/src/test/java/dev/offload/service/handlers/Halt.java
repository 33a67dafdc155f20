package dev.offload.service.handlers;

import dev.offload.worker.JobContext;
import dev.offload.worker.JobHandler;

/** Kills its worker JVM at once with the given exit status, as a native crash would. */
public class Halt implements JobHandler<Integer, Integer> {
    @Override
    public Integer handle(Integer status, JobContext context) {
        Runtime.getRuntime().halt(status);
        return status;
    }
}
