package dev.offload.service.bench;

import dev.offload.worker.JobContext;
import dev.offload.worker.JobHandler;

/** Returns its input: a round trip that measures the pool and transport, not the job. */
public final class NoOp implements JobHandler<byte[], byte[]> {
    @Override
    public byte[] handle(byte[] input, JobContext context) {
        return input;
    }
}
