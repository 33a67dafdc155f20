package dev.offload.service.async;

/**
 * The outcome of {@link AsyncJobs#cancel}.
 *
 * @param job       the job as it now stands; null for an unknown id
 * @param cancelled false when it had finished already (then {@code job} says how)
 */
public record Cancelled(JobView job, boolean cancelled) {
}
