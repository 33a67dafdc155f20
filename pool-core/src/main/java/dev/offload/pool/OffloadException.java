package dev.offload.pool;

/** Root of everything Offload reports to a caller about a job or the pool. */
public class OffloadException extends RuntimeException {
    public OffloadException(String message) {
        super(message);
    }

    public OffloadException(String message, Throwable cause) {
        super(message, cause);
    }
}
