package dev.offload.service.async;

/**
 * An asynchronous job as it stands: what {@code GET /jobs/id/{id}} answers. Immutable; a new one is
 * published on every change, so a reader on any thread sees one consistent state.
 *
 * @param attempt    how many runs the job has begun: 0 while it waits for its first, more than 1 once it
 *                   runs again after the service stopped while it ran
 * @param acceptedAt wall-clock milliseconds
 * @param finishedAt wall-clock milliseconds, 0 while pending
 * @param result     the handler's result as the worker encoded it (JSON, or the bytes of a {@code byte[]}
 *                   handler) when {@link JobState#DONE}, else null
 * @param error      the error as a JSON object when {@link JobState#FAILED}, else null
 */
public record JobView(String id, String handler, JobState state, int attempt, long acceptedAt, long finishedAt,
                      byte[] result, byte[] error) {
}
