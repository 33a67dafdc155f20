package dev.offload.pool.handlers;

import dev.offload.worker.JobContext;
import dev.offload.worker.JobHandler;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;

/** Writes junk straight to file descriptor 1, below System.out: what native code could do. */
public class Garbage implements JobHandler<String, String> {
    @Override
    public String handle(String input, JobContext context) throws IOException {
        FileOutputStream raw = new FileOutputStream(FileDescriptor.out);
        raw.write("GARBAGE! not a frame at all, just bytes on the wire".getBytes());
        raw.flush();
        return input;
    }
}
