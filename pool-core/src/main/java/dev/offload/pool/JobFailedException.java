package dev.offload.pool;

/** The handler threw. Carries the remote exception's type, message and printed stack trace. */
public class JobFailedException extends OffloadException {
    private final String remoteType;
    private final String remoteMessage;
    private final String remoteStackTrace;

    /**
     * Made by the pool from the worker's ERROR answer; public for callers that wrap or test it.
     *
     * @param remoteStackTrace the stack trace as the worker printed it; null becomes empty
     */
    public JobFailedException(String message, String remoteType, String remoteMessage, String remoteStackTrace) {
        super(message);
        this.remoteType = remoteType;
        this.remoteMessage = remoteMessage;
        this.remoteStackTrace = remoteStackTrace == null ? "" : remoteStackTrace;
    }

    /** Class name of what the handler threw, e.g. {@code java.lang.IllegalStateException}. */
    public String remoteType() {
        return remoteType;
    }

    /** The remote exception's own message; may be null. */
    public String remoteMessage() {
        return remoteMessage;
    }

    /** The remote exception's stack trace as the worker printed it, causes included. */
    public String remoteStackTrace() {
        return remoteStackTrace;
    }
}
