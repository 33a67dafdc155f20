package dev.offload.pool.handlers;

import dev.offload.worker.JobContext;
import dev.offload.worker.JobHandler;

import java.util.Map;

/** Reports steps 1..n as progress, then returns n. */
public class Progress implements JobHandler<Integer, Integer> {
    @Override
    public Integer handle(Integer steps, JobContext context) {
        for (int i = 1; i <= steps; i++) {
            context.progress(Map.of("step", i));
        }
        return steps;
    }
}
