package dev.offload.pool;

/** The pool did not accept the job: its queue is full, it is shut down, or the input is over the frame limit. */
public class PoolRejectedException extends OffloadException {
    public PoolRejectedException(String message) {
        super(message);
    }
}
