package dev.offload.service.bench;

/** What {@code offload bench} can measure; {@code --cases} picks some, in any order. */
enum BenchCase {
    /** Sequential round trips, the caller blocked in {@code join()}: the first table. */
    roundtrip,
    /** Jobs per second with many in flight, on {@code --workers} workers: the first table's last column. */
    throughput,
    /** Sequential round trips that never block: each job submitted from the last one's completion callback. */
    callback,
    /** Sequential round trips of a large payload ({@code --large-payload}), the caller blocked in {@code join()}. */
    large;

    /** Whether this case runs on the one-worker pool (all but throughput). */
    boolean oneWorker() {
        return this != throughput;
    }
}
