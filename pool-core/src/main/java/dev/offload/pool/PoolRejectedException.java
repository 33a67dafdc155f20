package dev.offload.pool;

/** The pool did not accept the job, or closed before running it; {@link #reason()} says which. */
public class PoolRejectedException extends OffloadException {

    /** Why a job was not run. */
    public enum Reason {
        /** {@code queue.capacity} jobs were already waiting. Retrying later may succeed. */
        QUEUE_FULL,
        /** The pool was shut down (before the submit, or before a waiting job could run). */
        SHUT_DOWN,
        /** The encoded input is over {@code transport.maxFrameBytes}. Retrying will not help. */
        TOO_LARGE
    }

    private final Reason reason;

    /**
     * No stack trace: a rejection is decided inside {@code submit()} and the stack would only show
     * that; filling it in was ~90% of a rejected submit's cost (948 ns → 83 ns in
     * SubmitCostBenchmark.rejected with stack traces off).
     */
    public PoolRejectedException(Reason reason, String message) {
        super(message, false);
        this.reason = reason;
    }

    /** Why the job was not run: whether retrying later may help. */
    public Reason reason() {
        return reason;
    }
}
