package dev.offload.service.async;

/**
 * The outcome of {@link AsyncJobs#accept}: the job (new, or the one an earlier request with the same
 * Idempotency-Key made), or why it was refused.
 *
 * @param job      null when refused
 * @param repeated the Idempotency-Key was seen before: {@code job} is the earlier request's
 * @param refusal  null when accepted
 */
public record Accepted(JobView job, boolean repeated, Refusal refusal, String message) {

    public enum Refusal {
        /** {@code queue.capacity} accepted jobs are not finished yet. */
        FULL,
        /** The service is stopping. */
        STOPPING,
        /** The journal could not be written: the job was not accepted. */
        JOURNAL,
        /** The Idempotency-Key came with another handler or body before. */
        KEY_REUSED
    }

    static Accepted job(JobView job, boolean repeated) {
        return new Accepted(job, repeated, null, null);
    }

    static Accepted refused(Refusal refusal, String message) {
        return new Accepted(null, false, refusal, message);
    }
}
