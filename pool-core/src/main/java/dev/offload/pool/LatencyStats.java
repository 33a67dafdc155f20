package dev.offload.pool;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Latency percentiles with bounded memory: recording is wait-free (HdrHistogram's Recorder, from
 * any thread); {@link #snapshot} folds what was recorded since the last call into a cumulative
 * histogram. Values in microseconds, 3 significant digits, up to one hour.
 */
final class LatencyStats {
    private static final long HIGHEST_MICROS = 3_600_000_000L;

    private final Recorder recorder = new Recorder(HIGHEST_MICROS, 3);
    private final Histogram total = new Histogram(HIGHEST_MICROS, 3);
    private Histogram interval;

    void recordNanos(long nanos) {
        recorder.recordValue(Math.min(HIGHEST_MICROS, Math.max(0, nanos / 1_000)));
    }

    synchronized PoolStats.Latency snapshot() {
        interval = recorder.getIntervalHistogram(interval);
        total.add(interval);
        if (total.getTotalCount() == 0) {
            return PoolStats.Latency.EMPTY;
        }
        return new PoolStats.Latency(total.getTotalCount(),
                total.getValueAtPercentile(50), total.getValueAtPercentile(90),
                total.getValueAtPercentile(99), total.getValueAtPercentile(99.9), total.getMaxValue());
    }
}
