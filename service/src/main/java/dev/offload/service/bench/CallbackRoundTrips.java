package dev.offload.service.bench;

import dev.offload.pool.JobOptions;
import dev.offload.pool.WorkerPool;
import org.HdrHistogram.Histogram;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * Round trips of a caller that never blocks, as an event loop's: each job is submitted from the
 * completion callback of the one before, and completes (through {@code JobOptions.withExecutor})
 * on one thread, {@code offload-bench-loop}, standing in for the loop. Everything but
 * {@link #measure} runs on that thread, so the fields need no synchronisation.
 */
final class CallbackRoundTrips {
    private final WorkerPool pool;
    private final byte[] payload;
    private final JobOptions onLoop;
    private final int warmup;
    private final int total;
    private final Histogram nanos;
    private final CompletableFuture<Histogram> done = new CompletableFuture<>();
    private int next;
    private long started;

    private CallbackRoundTrips(WorkerPool pool, byte[] payload, ExecutorService loop, int warmup, int jobs) {
        this.pool = pool;
        this.payload = payload;
        this.onLoop = JobOptions.defaults().withExecutor(loop);
        this.warmup = warmup;
        this.total = warmup + jobs;
        this.nanos = new Histogram(TransportBench.HIGHEST_NANOS, 3);
    }

    /**
     * {@code warmup} unmeasured round trips, then {@code jobs} measured; the calling thread waits.
     *
     * @throws java.util.concurrent.CompletionException when a job failed
     */
    static Histogram measure(WorkerPool pool, byte[] payload, int warmup, int jobs) throws InterruptedException {
        ExecutorService loop = Executors.newSingleThreadExecutor(task -> new Thread(task, "offload-bench-loop"));
        try {
            CallbackRoundTrips trips = new CallbackRoundTrips(pool, payload, loop, warmup, jobs);
            loop.execute(trips::submitNext);
            return trips.done.join();
        } finally {
            loop.shutdown();
            loop.awaitTermination(10, TimeUnit.SECONDS);
        }
    }

    private void submitNext() {
        int i = next++;
        started = System.nanoTime();
        pool.submit(NoOp.class, payload, onLoop).whenComplete((result, failure) -> {
            long elapsed = System.nanoTime() - started;
            if (failure != null) {
                done.completeExceptionally(failure);
                return;
            }
            if (i >= warmup) {
                nanos.recordValue(Math.min(TransportBench.HIGHEST_NANOS, elapsed));
            }
            if (next < total) {
                submitNext();
            } else {
                done.complete(nanos);
            }
        });
    }
}
