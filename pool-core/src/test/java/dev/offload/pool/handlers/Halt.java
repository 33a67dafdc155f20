package dev.offload.pool.handlers;

import dev.offload.worker.JobContext;
import dev.offload.worker.JobHandler;

/** A poison job: kills its worker JVM on the spot. */
public class Halt implements JobHandler<String, String> {
    @Override
    public String handle(String input, JobContext context) {
        System.err.println("poison job " + input + " halting the worker");
        Runtime.getRuntime().halt(3);
        return "unreachable";
    }
}
