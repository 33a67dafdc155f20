package dev.offload.examples.handlers;

import dev.offload.worker.JobContext;
import dev.offload.worker.JobHandler;

/** Returns the bytes it was given; {@code byte[]} travels without JSON, so this measures the transport. */
public final class EchoBytes implements JobHandler<byte[], byte[]> {
    @Override
    public byte[] handle(byte[] input, JobContext context) {
        return input;
    }
}
