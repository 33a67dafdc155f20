package dev.offload.micrometer;

import dev.offload.pool.PoolStats;
import dev.offload.pool.WorkerPool;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.TimeGauge;
import io.micrometer.core.instrument.binder.MeterBinder;

import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;

/**
 * Binds a {@link WorkerPool}'s {@link PoolStats} to a Micrometer registry:
 *
 * <pre>{@code
 * new OffloadMetrics(pool, Tags.of("pool", "images")).bindTo(registry);
 * }</pre>
 *
 * <table>
 *   <caption>Meters (Prometheus names in brackets)</caption>
 *   <tr><th>meter</th><th>type</th><th>tags</th><th>from</th></tr>
 *   <tr><td>{@code offload.jobs} [{@code offload_jobs_total}]</td><td>function counter</td>
 *       <td>{@code outcome} = completed | failed | rejected | timeout | cancelled</td>
 *       <td>{@code completed}, {@code failed - timeouts - cancelled}, {@code rejected}, {@code timeouts},
 *           {@code cancelled}</td></tr>
 *   <tr><td>{@code offload.job.duration} [{@code offload_job_duration_seconds}]</td><td>time gauge</td>
 *       <td>{@code phase} = queue | run | total, {@code quantile} = 0.5 | 0.9 | 0.99 | 0.999</td>
 *       <td>{@code queueWait}, {@code runTime}, {@code endToEnd} percentiles</td></tr>
 *   <tr><td>{@code offload.job.duration.max} [{@code offload_job_duration_max_seconds}]</td><td>time gauge</td>
 *       <td>{@code phase}</td><td>the same, {@code max}</td></tr>
 *   <tr><td>{@code offload.workers} [{@code offload_workers}]</td><td>gauge</td>
 *       <td>{@code state} = live | busy</td><td>{@code workers}, {@code busy}</td></tr>
 *   <tr><td>{@code offload.queue.size} [{@code offload_queue_size}]</td><td>gauge</td><td></td><td>{@code queued}</td></tr>
 *   <tr><td>{@code offload.worker.restarts} [{@code offload_worker_restarts_total}]</td><td>function counter</td>
 *       <td></td><td>{@code restarts}</td></tr>
 * </table>
 *
 * <p>Every meter also carries the tags given to the constructor.
 *
 * <p><b>Why durations are gauges, not a {@code Timer}.</b> The pool keeps cumulative HdrHistogram
 * percentiles and counts, but no total time: a {@code Timer} or {@code FunctionTimer} would need
 * that sum (and a {@code Timer} every single duration). So each percentile is published as it is,
 * under the name and {@code quantile} tag a Micrometer timer's published percentiles would have.
 * They cover every job since the pool started, not a recent window, and there is no
 * {@code _sum}/{@code _count} to compute a rate or a mean from; {@code offload.jobs} gives the
 * counts.
 *
 * <p><b>No {@code outcome=crashed} yet.</b> The pool counts dead workers, not jobs that failed
 * because their worker died on the last attempt; such jobs are counted as {@code failed}, together
 * with handler errors, inputs that did not encode and jobs failed by a crash loop.
 *
 * <p>Meters hold the pool weakly, as Micrometer's own binders do: a pool that is dropped stops
 * being read. All meters of one scrape read one {@link PoolStats} snapshot (see {@link StatsCache}),
 * so the outcomes of a scrape add up.
 */
public final class OffloadMetrics implements MeterBinder {
    // One description per meter name: Prometheus has one HELP line for all of a name's tags.
    private static final String WORKERS = "Workers by state: live = started and not yet dead, busy = holding at least one job";
    private static final String PHASES = "phase: queue = submit to a worker taking the job, "
            + "run = a worker taking the job to its answer, total = submit to the job's end";

    private final WorkerPool pool;
    private final Tags tags;
    private final StatsCache stats = new StatsCache(StatsCache.SCRAPE_WINDOW, System::nanoTime);
    /** The highest {@code failed} outcome reported: a counter must never go down (see {@link #handlerFailures}). */
    private final AtomicLong failedReported = new AtomicLong();

    /** Meters with no tags of the caller's. */
    public OffloadMetrics(WorkerPool pool) {
        this(pool, Tags.empty());
    }

    /**
     * @param pool the pool to read; the registry's meters hold it weakly
     * @param tags added to every meter, e.g. {@code pool=images} when an application has several pools
     */
    public OffloadMetrics(WorkerPool pool, Iterable<Tag> tags) {
        this.pool = Objects.requireNonNull(pool, "pool");
        this.tags = Tags.of(Objects.requireNonNull(tags, "tags"));
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        // The functions below capture the cache and the counter, never this object: it holds the
        // pool strongly, and the registry keeps every function for as long as the meter lives.
        StatsCache cache = stats;
        AtomicLong failed = failedReported;
        jobs(registry, "completed", cache, PoolStats::completed);
        jobs(registry, "failed", cache, s -> failed.accumulateAndGet(handlerFailures(s), Math::max));
        jobs(registry, "rejected", cache, PoolStats::rejected);
        jobs(registry, "timeout", cache, PoolStats::timeouts);
        jobs(registry, "cancelled", cache, PoolStats::cancelled);
        for (Phase phase : Phase.values()) {
            durations(registry, cache, phase);
        }
        Gauge.builder("offload.workers", pool, p -> cache.of(p::stats).workers())
                .tags(tags).tag("state", "live").description(WORKERS).register(registry);
        Gauge.builder("offload.workers", pool, p -> cache.of(p::stats).busy())
                .tags(tags).tag("state", "busy").description(WORKERS).register(registry);
        Gauge.builder("offload.queue.size", pool, p -> cache.of(p::stats).queued())
                .tags(tags).description("Jobs waiting for a worker").register(registry);
        FunctionCounter.builder("offload.worker.restarts", pool, p -> cache.of(p::stats).restarts())
                .tags(tags).description("Workers started to replace one that died or retired").register(registry);
    }

    /**
     * Jobs that failed other than by a timeout or a cancel. The pool's {@code failed} counts all
     * three, and its counters are not read atomically together: a job that times out is in
     * {@code failed} an instant before it is in {@code timeouts}, a cancelled job in
     * {@code cancelled} an instant before {@code failed}. So the difference can step back by a job
     * or two; {@link #bindTo} keeps what it reports from going down.
     */
    static long handlerFailures(PoolStats s) {
        return Math.max(0, s.failed() - s.timeouts() - s.cancelled());
    }

    private void jobs(MeterRegistry registry, String outcome, StatsCache cache, ToDoubleFunction<PoolStats> count) {
        FunctionCounter.builder("offload.jobs", pool, p -> count.applyAsDouble(cache.of(p::stats)))
                .tags(tags).tag("outcome", outcome)
                .description("Jobs by how they ended (rejected: refused by submit, never queued)")
                .register(registry);
    }

    private void durations(MeterRegistry registry, StatsCache cache, Phase phase) {
        Function<PoolStats, PoolStats.Latency> latency = phase.latency;
        for (Quantile quantile : Quantile.values()) {
            ToDoubleFunction<PoolStats.Latency> value = quantile.value;
            TimeGauge.builder("offload.job.duration", pool, TimeUnit.MICROSECONDS, p -> value.applyAsDouble(latency.apply(cache.of(p::stats))))
                    .tags(tags).tag("phase", phase.tag).tag("quantile", quantile.tag)
                    .description("Job duration percentiles since the pool started, by " + PHASES)
                    .register(registry);
        }
        TimeGauge.builder("offload.job.duration.max", pool, TimeUnit.MICROSECONDS, p -> latency.apply(cache.of(p::stats)).max())
                .tags(tags).tag("phase", phase.tag)
                .description("Longest job duration since the pool started, by " + PHASES)
                .register(registry);
    }

    /** The {@code phase} tag: which of the pool's latencies. */
    private enum Phase {
        QUEUE("queue", PoolStats::queueWait),
        RUN("run", PoolStats::runTime),
        TOTAL("total", PoolStats::endToEnd);

        final String tag;
        final Function<PoolStats, PoolStats.Latency> latency;

        Phase(String tag, Function<PoolStats, PoolStats.Latency> latency) {
            this.tag = tag;
            this.latency = latency;
        }
    }

    /** The {@code quantile} tag, as a Micrometer timer's published percentiles have it. */
    private enum Quantile {
        P50("0.5", PoolStats.Latency::p50),
        P90("0.9", PoolStats.Latency::p90),
        P99("0.99", PoolStats.Latency::p99),
        P999("0.999", PoolStats.Latency::p999);

        final String tag;
        final ToDoubleFunction<PoolStats.Latency> value;

        Quantile(String tag, ToDoubleFunction<PoolStats.Latency> value) {
            this.tag = tag;
            this.value = value;
        }
    }
}
