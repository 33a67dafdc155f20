package dev.offload.service.bench;

import dev.offload.config.PoolConfig;
import dev.offload.pool.OffloadException;
import dev.offload.pool.WorkerPool;
import org.HdrHistogram.Histogram;

import java.util.Random;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * Benchmarks one transport with {@link NoOp} jobs: a one-worker pool for sequential round trips
 * (submit, then wait for the result), then a pool of {@code workers} with many jobs in flight.
 * Runs on the caller's thread, which blocks: this is a benchmark, not an event loop.
 */
final class TransportBench {
    /** Round trips slower than this are recorded as this (HdrHistogram needs a bound). */
    private static final long HIGHEST_NANOS = TimeUnit.MINUTES.toNanos(1);

    private final PoolConfig base;
    private final BenchSettings settings;
    private final Consumer<String> progress;
    private final byte[] payload;

    TransportBench(PoolConfig base, BenchSettings settings, Consumer<String> progress) {
        this.base = base;
        this.settings = settings;
        this.progress = progress;
        this.payload = new byte[settings.payloadBytes()];
        new Random(42).nextBytes(payload);
    }

    BenchResult run(String transport) throws InterruptedException {
        try {
            BenchResult.Latency latency = latency(transport);
            long jobsPerSecond = throughput(transport);
            return BenchResult.measured(transport, latency, jobsPerSecond);
        } catch (OffloadException e) {
            return BenchResult.unavailable(transport, e.getMessage());
        } catch (CompletionException e) {
            return BenchResult.unavailable(transport, "a job failed: " + e.getCause());
        }
    }

    private BenchResult.Latency latency(String transport) {
        PoolConfig config = base.toBuilder().transport(transport).minWorkers(1).maxWorkers(1).build();
        progress.accept(transport + ": starting 1 worker for round trips");
        try (WorkerPool pool = WorkerPool.start(config)) {
            progress.accept(transport + ": " + settings.warmup() + " warm-up round trips");
            for (int i = 0; i < settings.warmup(); i++) {
                pool.submit(NoOp.class, payload).join();
            }
            progress.accept(transport + ": " + settings.jobs() + " measured round trips of " + payload.length + " bytes");
            Histogram nanos = new Histogram(HIGHEST_NANOS, 3);
            for (int i = 0; i < settings.jobs(); i++) {
                long start = System.nanoTime();
                pool.submit(NoOp.class, payload).join();
                nanos.recordValue(Math.min(HIGHEST_NANOS, System.nanoTime() - start));
            }
            return BenchResult.Latency.fromNanos(nanos);
        }
    }

    private long throughput(String transport) throws InterruptedException {
        PoolConfig config = base.toBuilder().transport(transport)
                .minWorkers(settings.workers()).maxWorkers(settings.workers())
                .queueCapacity(Math.max(base.queueCapacity(), settings.inFlight()))
                .build();
        progress.accept(transport + ": starting " + settings.workers() + " worker(s) for throughput");
        try (WorkerPool pool = WorkerPool.start(config)) {
            progress.accept(transport + ": " + settings.warmup() + " warm-up jobs, " + settings.inFlight() + " in flight");
            inFlight(pool, settings.warmup());
            progress.accept(transport + ": " + settings.jobs() + " measured jobs, " + settings.inFlight() + " in flight");
            long start = System.nanoTime();
            inFlight(pool, settings.jobs());
            long elapsed = System.nanoTime() - start;
            return Math.round(settings.jobs() * 1e9 / Math.max(1, elapsed));
        }
    }

    /** Submits {@code count} jobs keeping at most {@code inFlight} unfinished; returns when all finished. */
    private void inFlight(WorkerPool pool, int count) throws InterruptedException {
        Semaphore slots = new Semaphore(settings.inFlight());
        CountDownLatch done = new CountDownLatch(count);
        AtomicReference<Throwable> firstFailure = new AtomicReference<>();
        for (int i = 0; i < count && firstFailure.get() == null; i++) {
            slots.acquire();
            pool.submit(NoOp.class, payload).whenComplete((result, failure) -> {
                if (failure != null) {
                    firstFailure.compareAndSet(null, failure);
                }
                slots.release();
                done.countDown();
            });
        }
        if (firstFailure.get() == null) {
            done.await();
        }
        if (firstFailure.get() != null) {
            throw new CompletionException(firstFailure.get());
        }
    }
}
