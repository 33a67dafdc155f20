package dev.offload.service.bench;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import org.HdrHistogram.Histogram;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;

/**
 * The outcome for one transport, or why it could not be measured. A case that was not run has a
 * null value (left out of the JSON).
 *
 * @param transport          "shm" or "pipe"
 * @param available          false when the transport could not start or a job failed
 * @param reason             why it is not available; null otherwise
 * @param latencyMicros      round trips with the caller blocked in {@code join()}
 * @param jobsPerSecond      throughput with many jobs in flight
 * @param callbackMicros     round trips chained through completion callbacks on a Netty event loop reading the answers
 * @param largePayloadMicros round trips of the large payload, the caller blocked in {@code join()}
 * @param histograms         each latency case's round trips in nanoseconds, for the page and the
 *                           .hgrm files; not in the JSON (the percentiles above are)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
record BenchResult(String transport, boolean available, String reason, Latency latencyMicros, Long jobsPerSecond,
                   Latency callbackMicros, Latency largePayloadMicros, @JsonIgnore Map<BenchCase, Histogram> histograms) {

    BenchResult {
        histograms = histograms.isEmpty() ? Map.of() : Collections.unmodifiableMap(new EnumMap<>(histograms));
    }

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

    /** {@code histograms}: nanoseconds, by latency case; a case not run is not there. */
    static BenchResult measured(String transport, Map<BenchCase, Histogram> histograms, Long jobsPerSecond) {
        return new BenchResult(transport, true, null, latency(histograms, BenchCase.roundtrip), jobsPerSecond,
                latency(histograms, BenchCase.callback), latency(histograms, BenchCase.large), histograms);
    }

    static BenchResult unavailable(String transport, String reason) {
        return new BenchResult(transport, false, reason, null, null, null, null, Map.of());
    }

    private static Latency latency(Map<BenchCase, Histogram> histograms, BenchCase benchCase) {
        Histogram h = histograms.get(benchCase);
        return h == null ? null : Latency.fromNanos(h);
    }
}
