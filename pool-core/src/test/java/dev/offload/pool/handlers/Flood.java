package dev.offload.pool.handlers;

import dev.offload.worker.JobContext;
import dev.offload.worker.JobHandler;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/** Writes this many lines straight to file descriptor 1, far more than a pipe's buffer holds. */
public class Flood implements JobHandler<Integer, Integer> {
    @Override
    public Integer handle(Integer lines, JobContext context) throws IOException {
        FileOutputStream raw = new FileOutputStream(FileDescriptor.out);
        byte[] line = "native code chatter on fd 1, well past the pipe's 64 KiB buffer\n".getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i < lines; i++) {
            raw.write(line);
        }
        raw.flush();
        return lines;
    }
}
