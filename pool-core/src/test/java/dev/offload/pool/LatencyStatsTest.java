package dev.offload.pool;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The pool's latency statistics, without a pool: what they count and that they count it once. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LatencyStatsTest {

    @Test
    void valuesUnderAMicrosecondShouldCountAsZerosAndTheRestAsRecorded() {
        LatencyStats stats = new LatencyStats();
        for (int i = 0; i < 98; i++) {
            stats.recordNanos(i % 2 == 0 ? 0 : 999);
        }
        stats.recordNanos(-5); // a clock read a moment apart on another core
        stats.recordNanos(5_000_000);
        PoolStats.Latency latency = stats.snapshot();
        assertThat(latency.count()).isEqualTo(100);
        assertThat(latency.p50()).isZero();
        assertThat(latency.p90()).isZero();
        assertThat(latency.max()).isBetween(4_995.0, 5_005.0);
    }

    @Test
    void snapshotsShouldBeCumulativeAndCountEveryValueOnceWhileThreadsRecord() throws Exception {
        LatencyStats stats = new LatencyStats();
        int threads = 4;
        int each = 200_000;
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> recorders = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Thread thread = new Thread(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int i = 0; i < each; i++) {
                    stats.recordNanos(i % 4 == 0 ? 3_000 : 100);
                }
            });
            thread.start();
            recorders.add(thread);
        }
        start.countDown();
        long last = 0;
        while (recorders.stream().anyMatch(Thread::isAlive)) {
            long count = stats.snapshot().count();
            assertThat(count).isGreaterThanOrEqualTo(last);
            last = count;
        }
        for (Thread thread : recorders) {
            thread.join(10_000);
        }
        PoolStats.Latency latency = stats.snapshot();
        assertThat(latency.count()).isEqualTo((long) threads * each);
        assertThat(latency.p50()).isZero();
        assertThat(latency.p90()).isEqualTo(3.0);
        assertThat(stats.snapshot().count()).as("a second snapshot adds nothing").isEqualTo((long) threads * each);
    }
}
