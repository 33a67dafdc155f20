package dev.offload.cluster;

import dev.offload.pool.PoolRejectedException;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * A host's answer to "run this job": accepted, or refused for one of the pool's reasons. A refusal
 * means the job never started there, so it costs no attempt; the submitter offers the job to the
 * next host. Travels as {@link #code}.
 */
enum Admission {
    ACCEPTED(0, null),
    QUEUE_FULL(1, PoolRejectedException.Reason.QUEUE_FULL),
    SHUT_DOWN(2, PoolRejectedException.Reason.SHUT_DOWN),
    TOO_LARGE(3, PoolRejectedException.Reason.TOO_LARGE);

    final int code;
    /** The pool's reason for a refusal; null for {@link #ACCEPTED}. */
    final PoolRejectedException.Reason reason;

    Admission(int code, PoolRejectedException.Reason reason) {
        this.code = code;
        this.reason = reason;
    }

    static Admission ofCode(int code) {
        for (Admission a : values()) {
            if (a.code == code) {
                return a;
            }
        }
        throw new IllegalArgumentException("unknown admission code " + code);
    }

    /**
     * What a local pool's {@code submit} decided, read from the future it just returned: the pool
     * refuses by returning a future already failed with {@link PoolRejectedException}. Any other
     * outcome, an early failure included, is the job's own and counts as accepted.
     */
    static Admission of(CompletableFuture<?> justSubmitted) {
        if (!justSubmitted.isCompletedExceptionally()) {
            return ACCEPTED;
        }
        Throwable failure = justSubmitted.handle((value, error) -> error).getNow(null);
        if (failure instanceof CompletionException && failure.getCause() != null) {
            failure = failure.getCause();
        }
        if (failure instanceof PoolRejectedException rejected) {
            return switch (rejected.reason()) {
                case QUEUE_FULL -> QUEUE_FULL;
                case SHUT_DOWN -> SHUT_DOWN;
                case TOO_LARGE -> TOO_LARGE;
            };
        }
        return ACCEPTED;
    }
}
