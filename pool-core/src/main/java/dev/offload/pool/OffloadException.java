package dev.offload.pool;

/** Root of everything Offload reports to a caller about a job or the pool. */
public class OffloadException extends RuntimeException {
    /** A failure with nothing underneath. */
    public OffloadException(String message) {
        super(message);
    }

    /** A failure caused by {@code cause} (an I/O error, a worker that could not start...). */
    public OffloadException(String message, Throwable cause) {
        super(message, cause);
    }

    /** For failures whose stack trace would only show the pool's own plumbing. */
    protected OffloadException(String message, boolean writableStackTrace) {
        super(message, null, true, writableStackTrace);
    }
}
