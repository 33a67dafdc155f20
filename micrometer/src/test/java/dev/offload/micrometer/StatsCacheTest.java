package dev.offload.micrometer;

import dev.offload.pool.PoolStats;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

class StatsCacheTest {
    private final AtomicLong now = new AtomicLong(1_000);
    private final AtomicInteger taken = new AtomicInteger();
    private final Supplier<PoolStats> source = () -> stats(taken.incrementAndGet());
    private final StatsCache cache = new StatsCache(Duration.ofMillis(100), now::get);

    @Test
    void shouldReuseOneSnapshotWithinTheWindow() {
        PoolStats first = cache.of(source);
        now.addAndGet(Duration.ofMillis(99).toNanos());

        assertThat(cache.of(source)).isSameAs(first);
        assertThat(taken).hasValue(1);
    }

    @Test
    void shouldTakeANewSnapshotOnceTheWindowHasPassed() {
        cache.of(source);
        now.addAndGet(Duration.ofMillis(100).toNanos());

        assertThat(cache.of(source).completed()).isEqualTo(2);
        assertThat(taken).hasValue(2);
    }

    private static PoolStats stats(long completed) {
        return new PoolStats("pipe", 1, 0, 0, completed, 0, 0, 0, 0, 0, 0, false,
                PoolStats.Latency.EMPTY, PoolStats.Latency.EMPTY, PoolStats.Latency.EMPTY);
    }
}
