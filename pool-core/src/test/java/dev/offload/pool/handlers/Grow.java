package dev.offload.pool.handlers;

import dev.offload.worker.JobContext;
import dev.offload.worker.JobHandler;

/** Answers a byte array of the requested size. */
public class Grow implements JobHandler<Integer, byte[]> {
    @Override
    public byte[] handle(Integer size, JobContext context) {
        return new byte[size];
    }
}
