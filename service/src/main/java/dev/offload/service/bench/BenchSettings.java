package dev.offload.service.bench;

import java.util.Set;

/**
 * What one {@code offload bench} run does, per transport.
 *
 * @param jobs              measured round trips (get and callback)
 * @param warmup            unmeasured round trips before each of those phases
 * @param warmupSeconds     no-op round trips for this long on each new pool, before anything else:
 *                          a pool's round trips settle some 10 s after it starts, however many jobs
 *                          run meanwhile (the JIT in both JVMs; while it works, every core is taken
 *                          and nobody spins)
 * @param payloadBytes      size of each job's input and result, but for the large case
 * @param workers           workers in the throughput phase (the other cases use one)
 * @param inFlight          jobs kept submitted and unfinished in the throughput phase
 * @param cases             the cases to run
 * @param largePayloadBytes size of each input and result of the large case
 * @param largeJobs         measured round trips of the large case
 * @param largeWarmup       unmeasured round trips before the large case
 * @param throughputJobs    measured jobs of the throughput phase
 * @param throughputWarmup  unmeasured jobs before it: enough for the JIT to finish with both sides'
 *                          paths (shm's reaches its steady pace only after some 400,000 jobs)
 */
record BenchSettings(int jobs, int warmup, int warmupSeconds, int payloadBytes, int workers, int inFlight, Set<BenchCase> cases,
                     int largePayloadBytes, int largeJobs, int largeWarmup, int throughputJobs, int throughputWarmup) {

    BenchSettings {
        cases = Set.copyOf(cases);
    }

    boolean runs(BenchCase benchCase) {
        return cases.contains(benchCase);
    }

    boolean needsOneWorkerPool() {
        return cases.stream().anyMatch(BenchCase::oneWorker);
    }
}
