package dev.offload.transport.internal.shm;

/**
 * Slow-path counts for one direction of a shm channel, read from its control block. A snapshot:
 * the fields are read one after the other while both processes may be updating them.
 *
 * @param sleeps          times the reader gave up spinning and blocked on its doorbell
 * @param wakeups         times it woke and found a frame
 * @param spuriousWakeups times it woke and found none (a stale ring, or the peer's EOF)
 * @param rings           doorbell bytes the writer sent (it rings only a reader that said it sleeps)
 */
public record DoorbellCounters(long sleeps, long wakeups, long spuriousWakeups, long rings) {
}
