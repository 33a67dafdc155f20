package dev.offload.service.bench;

/**
 * What one {@code offload bench} run does, per transport.
 *
 * @param jobs         measured round trips, and jobs in the throughput phase
 * @param warmup       unmeasured round trips (and jobs) before each phase
 * @param payloadBytes size of each job's input and result
 * @param workers      workers in the throughput phase (the latency phase uses one)
 * @param inFlight     jobs kept submitted and unfinished in the throughput phase
 */
record BenchSettings(int jobs, int warmup, int payloadBytes, int workers, int inFlight) {
}
