package dev.offload.service.bench;

import com.fasterxml.jackson.annotation.JsonInclude;
import org.HdrHistogram.Histogram;

/**
 * The outcome for one transport: latencies of sequential round trips and throughput with many jobs
 * in flight, or why it could not be measured.
 *
 * @param transport        "shm" or "pipe"
 * @param available        false when the transport could not start or a job failed
 * @param reason           why it is not available; null otherwise
 * @param latencyMicros    round-trip percentiles, null when unavailable
 * @param jobsPerSecond    throughput, 0 when unavailable
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
record BenchResult(String transport, boolean available, String reason, Latency latencyMicros, long jobsPerSecond) {

    /** Percentiles of a round trip, in microseconds. */
    record Latency(long count, double p50, double p90, double p99, double p999, double max) {
        static Latency fromNanos(Histogram h) {
            return new Latency(h.getTotalCount(), micros(h.getValueAtPercentile(50)), micros(h.getValueAtPercentile(90)),
                    micros(h.getValueAtPercentile(99)), micros(h.getValueAtPercentile(99.9)), micros(h.getMaxValue()));
        }

        private static double micros(long nanos) {
            return Math.round(nanos / 100.0) / 10.0;
        }
    }

    static BenchResult measured(String transport, Latency latency, long jobsPerSecond) {
        return new BenchResult(transport, true, null, latency, jobsPerSecond);
    }

    static BenchResult unavailable(String transport, String reason) {
        return new BenchResult(transport, false, reason, null, 0);
    }
}
