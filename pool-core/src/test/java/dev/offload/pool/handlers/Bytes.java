package dev.offload.pool.handlers;

import dev.offload.worker.JobContext;
import dev.offload.worker.JobHandler;

/** Reverses raw bytes: byte[] passes through the codec untouched. */
public class Bytes implements JobHandler<byte[], byte[]> {
    @Override
    public byte[] handle(byte[] input, JobContext context) {
        byte[] out = new byte[input.length];
        for (int i = 0; i < input.length; i++) {
            out[i] = input[input.length - 1 - i];
        }
        return out;
    }
}
