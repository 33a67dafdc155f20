package dev.offload.pool.handlers;

import dev.offload.worker.JobContext;
import dev.offload.worker.JobHandler;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Has the worker write its pid into the given file when its JVM shuts down normally (a shutdown
 * hook: it does not run when the worker is killed). Answers the worker's pid.
 */
public class ExitMark implements JobHandler<String, Long> {
    @Override
    public Long handle(String file, JobContext context) {
        long pid = ProcessHandle.current().pid();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                Files.writeString(Path.of(file), Long.toString(pid));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }, "offload-test-exit-mark"));
        return pid;
    }
}
