package dev.offload.service.bench;

import dev.offload.config.PoolConfig;
import dev.offload.pool.OffloadException;
import dev.offload.pool.WorkerPool;
import org.HdrHistogram.Histogram;

import java.util.EnumMap;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * Benchmarks one transport with {@link NoOp} jobs: a one-worker pool for sequential round trips
 * (submit, then wait for the result; submit from the last one's callback; a large payload), then a
 * pool of {@code workers} with many jobs in flight. Runs on the caller's thread, which blocks: this
 * is a benchmark, not an event loop.
 */
final class TransportBench {
    /** Round trips slower than this are recorded as this (HdrHistogram needs a bound). */
    static final long HIGHEST_NANOS = TimeUnit.MINUTES.toNanos(1);

    private final PoolConfig base;
    private final BenchSettings settings;
    private final Consumer<String> progress;
    private final byte[] payload;
    private final byte[] largePayload;

    TransportBench(PoolConfig base, BenchSettings settings, Consumer<String> progress) {
        this.base = base;
        this.settings = settings;
        this.progress = progress;
        Random random = new Random(42);
        this.payload = new byte[settings.payloadBytes()];
        random.nextBytes(payload);
        this.largePayload = new byte[settings.runs(BenchCase.large) ? settings.largePayloadBytes() : 0];
        random.nextBytes(largePayload);
    }

    BenchResult run(String transport) throws InterruptedException {
        try {
            Map<BenchCase, Histogram> histograms = new EnumMap<>(BenchCase.class);
            if (settings.needsOneWorkerPool()) {
                PoolConfig config = base.toBuilder().transport(transport).minWorkers(1).maxWorkers(1).build();
                progress.accept(transport + ": starting 1 worker for round trips");
                try (WorkerPool pool = started(config)) {
                    if (settings.runs(BenchCase.roundtrip)) {
                        histograms.put(BenchCase.roundtrip, blocking(pool, transport, payload, settings.warmup(), settings.jobs()));
                    }
                    if (settings.runs(BenchCase.callback)) {
                        progress.accept(transport + ": " + settings.warmup() + " warm-up and " + settings.jobs()
                                + " measured round trips submitted from the completion callback");
                        histograms.put(BenchCase.callback, CallbackRoundTrips.measure(pool, payload, settings.warmup(), settings.jobs()));
                    }
                    if (settings.runs(BenchCase.large)) {
                        histograms.put(BenchCase.large, blocking(pool, transport, largePayload, settings.largeWarmup(), settings.largeJobs()));
                    }
                }
            }
            Long jobsPerSecond = settings.runs(BenchCase.throughput) ? throughput(transport) : null;
            return BenchResult.measured(transport, histograms, jobsPerSecond);
        } catch (OffloadException e) {
            return BenchResult.unavailable(transport, e.getMessage());
        } catch (CompletionException e) {
            return BenchResult.unavailable(transport, "a job failed: " + e.getCause());
        }
    }

    /**
     * Starts the pool and waits until all its workers serve over the transport asked for: a JVM's
     * first shm pool starts on pipe stand-ins and moves them to shm in the background.
     */
    private WorkerPool started(PoolConfig config) {
        WorkerPool pool = WorkerPool.start(config);
        long began = System.nanoTime();
        while (!pool.stats().transport().equals(config.transport())) {
            if (System.nanoTime() - began > TimeUnit.SECONDS.toNanos(30)) {
                pool.close();
                throw new OffloadException("the pool's workers were not all on " + config.transport() + " within 30 s");
            }
            LockSupport.parkNanos(1_000_000L); // polling the pool's stats, not synchronisation
        }
        if (System.nanoTime() - began > 1_000_000L) {
            progress.accept(config.transport() + ": the pipe stand-ins were replaced by shm workers in "
                    + (System.nanoTime() - began) / 1_000_000 + " ms");
        }
        settle(pool, config.transport());
        return pool;
    }

    /** Sequential no-op round trips for {@code --warmup-seconds}, on every worker of a new pool. */
    private void settle(WorkerPool pool, String transport) {
        if (settings.warmupSeconds() == 0) {
            return;
        }
        progress.accept(transport + ": " + settings.warmupSeconds() + " s of no-op round trips while the JIT settles");
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(settings.warmupSeconds());
        CompletableFuture<?>[] round = new CompletableFuture<?>[Math.max(1, pool.stats().workers())];
        while (System.nanoTime() - end < 0) {
            for (int i = 0; i < round.length; i++) {
                round[i] = pool.submit(NoOp.class, payload);
            }
            CompletableFuture.allOf(round).join();
        }
    }

    /** Sequential round trips, the caller waiting in {@code join()} for each; nanoseconds. */
    private Histogram blocking(WorkerPool pool, String transport, byte[] input, int warmup, int jobs) {
        progress.accept(transport + ": " + warmup + " warm-up round trips of " + input.length + " bytes");
        for (int i = 0; i < warmup; i++) {
            pool.submit(NoOp.class, input).join();
        }
        progress.accept(transport + ": " + jobs + " measured round trips of " + input.length + " bytes");
        Histogram nanos = new Histogram(HIGHEST_NANOS, 3);
        for (int i = 0; i < jobs; i++) {
            long start = System.nanoTime();
            pool.submit(NoOp.class, input).join();
            nanos.recordValue(Math.min(HIGHEST_NANOS, System.nanoTime() - start));
        }
        return nanos;
    }

    private long throughput(String transport) throws InterruptedException {
        PoolConfig config = base.toBuilder().transport(transport)
                .minWorkers(settings.workers()).maxWorkers(settings.workers())
                .queueCapacity(Math.max(base.queueCapacity(), settings.inFlight()))
                .build();
        progress.accept(transport + ": starting " + settings.workers() + " worker(s) for throughput");
        try (WorkerPool pool = started(config)) {
            progress.accept(transport + ": " + settings.throughputWarmup() + " warm-up jobs, " + settings.inFlight() + " in flight");
            inFlight(pool, settings.throughputWarmup());
            progress.accept(transport + ": " + settings.throughputJobs() + " measured jobs, " + settings.inFlight() + " in flight");
            long start = System.nanoTime();
            inFlight(pool, settings.throughputJobs());
            long elapsed = System.nanoTime() - start;
            return Math.round(settings.throughputJobs() * 1e9 / Math.max(1, elapsed));
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
