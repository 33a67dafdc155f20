package dev.offload.bench;

import dev.offload.worker.JobContext;
import dev.offload.worker.JobHandler;

/** Returns its input: a round trip then costs the pool and the transport, nothing else. */
public final class NoOp implements JobHandler<byte[], byte[]> {
    @Override
    public byte[] handle(byte[] input, JobContext context) {
        return input;
    }
}
