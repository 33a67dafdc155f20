package dev.offload.service.handlers;

import dev.offload.worker.JobContext;
import dev.offload.worker.JobHandler;

import java.util.Map;

/** Throws what the input asks for. */
public class Boom implements JobHandler<Map<String, String>, String> {
    @Override
    public String handle(Map<String, String> input, JobContext context) {
        throw new IllegalStateException(input.getOrDefault("message", "boom"));
    }
}
