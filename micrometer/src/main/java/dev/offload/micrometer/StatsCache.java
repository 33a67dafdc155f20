package dev.offload.micrometer;

import dev.offload.pool.PoolStats;

import java.time.Duration;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The last {@link PoolStats} of one pool, reused for a short window. A scrape reads some twenty
 * meters one after the other; without this each would take its own snapshot, which folds three
 * histograms, and the outcomes of one scrape would come from different moments and not add up.
 * Called from any scraping thread; two threads that both find the snapshot old both take a new
 * one, which is harmless.
 */
final class StatsCache {
    /** Longer than a scrape of one pool's meters takes, far shorter than any scrape interval. */
    static final Duration SCRAPE_WINDOW = Duration.ofMillis(100);

    private record Snapshot(PoolStats stats, long takenAtNanos) {
    }

    private final long windowNanos;
    private final LongSupplier nanoTime;
    /** Immutable, so one volatile read gives a consistent pair. */
    private volatile Snapshot last;

    StatsCache(Duration window, LongSupplier nanoTime) {
        this.windowNanos = window.toNanos();
        this.nanoTime = nanoTime;
    }

    /** The snapshot taken less than the window ago, else a new one from {@code stats}. */
    PoolStats of(Supplier<PoolStats> stats) {
        long now = nanoTime.getAsLong();
        Snapshot snapshot = last;
        if (snapshot == null || now - snapshot.takenAtNanos >= windowNanos) {
            snapshot = new Snapshot(stats.get(), now);
            last = snapshot;
        }
        return snapshot.stats;
    }
}
