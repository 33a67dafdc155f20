package dev.offload.pool.handlers;

import dev.offload.worker.JobContext;
import dev.offload.worker.JobHandler;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;

/** The names of the worker JVM's garbage collectors, joined by commas; the input is ignored. */
public final class GcNames implements JobHandler<Integer, String> {
    @Override
    public String handle(Integer ignored, JobContext context) {
        return ManagementFactory.getGarbageCollectorMXBeans().stream().map(GarbageCollectorMXBean::getName)
                .collect(java.util.stream.Collectors.joining(","));
    }
}
