package dev.offload.pool;

/**
 * A snapshot of a pool. Counters are totals since start; latencies are over every job so far. A job
 * counts once, as the outcome the pool decided first: a cancel that comes after its result or timeout
 * was decided still cancels the future, but the job counts as that outcome.
 *
 * @param transport  the transport really in use after any fallback: "shm" or "pipe" ("pipe" while any worker
 *                   is on pipes: one that fell back, or a stand-in of a shm pool still starting)
 * @param workers    live workers (started and not yet dead)
 * @param busy       workers running a job now
 * @param queued     jobs waiting for a worker
 * @param completed  jobs that returned a result
 * @param failed     jobs that ended in any exception (handler error, crash, timeout, cancel)
 * @param rejected   submits refused (queue full, pool closed, input too large)
 * @param restarts   workers started to replace one that died or retired
 * @param crashes    workers that died unexpectedly (crash, kill, failed start)
 * @param timeouts   jobs that timed out
 * @param cancelled  jobs cancelled by their caller before any other outcome was decided
 * @param crashLoop  true while workers keep dying at start-up and respawning is suspended
 * @param queueWait  submit → a worker takes the job
 * @param runTime    a worker takes the job → its result arrives
 * @param endToEnd   submit → result
 */
public record PoolStats(
        String transport,
        int workers,
        int busy,
        int queued,
        long completed,
        long failed,
        long rejected,
        long restarts,
        long crashes,
        long timeouts,
        long cancelled,
        boolean crashLoop,
        Latency queueWait,
        Latency runTime,
        Latency endToEnd) {

    /** Percentiles in microseconds. */
    public record Latency(long count, double p50, double p90, double p99, double p999, double max) {
        public static final Latency EMPTY = new Latency(0, 0, 0, 0, 0, 0);
    }
}
