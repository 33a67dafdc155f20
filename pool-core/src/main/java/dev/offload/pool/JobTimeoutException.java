package dev.offload.pool;

import java.time.Duration;

/** The job did not finish within its timeout; its worker was told to stop, and killed if it did not. */
public class JobTimeoutException extends OffloadException {
    private final Duration timeout;

    /** Made by the pool; public for callers that wrap or test it. */
    public JobTimeoutException(String message, Duration timeout) {
        super(message);
        this.timeout = timeout;
    }

    /** The timeout the job exceeded: its {@link JobOptions#withTimeout}, else {@code jobs.timeout}. */
    public Duration timeout() {
        return timeout;
    }
}
