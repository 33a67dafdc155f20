package dev.offload.pool;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

import java.util.concurrent.atomic.LongAdder;

/**
 * Latency percentiles with bounded memory: recording is wait-free (HdrHistogram's Recorder, from
 * any thread); {@link #snapshot} folds what was recorded since the last call into a cumulative
 * histogram. Values in microseconds, 3 significant digits, up to one hour.
 *
 * <p>Values under a microsecond, which are 0 in the histogram, are only counted ({@link LongAdder},
 * a few nanoseconds against the Recorder's twenty), and folded in at the next snapshot: they are
 * most of what tiny jobs record (the run time of a no-op, the queue wait of a job {@code submit()}
 * sent itself), on the submitting thread and the pool's reading thread, once per job.
 */
final class LatencyStats {
    private static final long HIGHEST_MICROS = 3_600_000_000L;

    private final Recorder recorder = new Recorder(HIGHEST_MICROS, 3);
    private final LongAdder underOneMicro = new LongAdder();
    private final Histogram total = new Histogram(HIGHEST_MICROS, 3);
    private Histogram interval;
    /** Under this monitor: how many of {@link #underOneMicro}'s counts {@link #total} holds already. */
    private long underOneMicroFolded;

    void recordNanos(long nanos) {
        if (nanos < 1_000) {
            underOneMicro.increment(); // negative too: a clock read a moment apart on another core
            return;
        }
        recorder.recordValue(Math.min(HIGHEST_MICROS, nanos / 1_000));
    }

    synchronized PoolStats.Latency snapshot() {
        interval = recorder.getIntervalHistogram(interval);
        total.add(interval);
        long zeros = underOneMicro.sum() - underOneMicroFolded;
        if (zeros > 0) {
            total.recordValueWithCount(0, zeros);
            underOneMicroFolded += zeros;
        }
        if (total.getTotalCount() == 0) {
            return PoolStats.Latency.EMPTY;
        }
        return new PoolStats.Latency(total.getTotalCount(),
                total.getValueAtPercentile(50), total.getValueAtPercentile(90),
                total.getValueAtPercentile(99), total.getValueAtPercentile(99.9), total.getMaxValue());
    }
}
