package dev.offload.bench;

import dev.offload.worker.JobContext;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.Blackhole;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The same no-op job without leaving the JVM: {@link NoOp} run by a one-thread
 * {@link ThreadPoolExecutor} through {@code CompletableFuture.supplyAsync}, so the caller sees the
 * same API shape as {@code WorkerPool.submit}. What the pool adds on top of this is the price of
 * running the job in another process.
 *
 * <p>{@code roundTrip} is SampleTime in µs (one job at a time, caller parked in {@code join()}),
 * comparable with {@link RoundTripBenchmark}; {@code noOpBatch} is jobs/s with
 * {@value ThroughputBenchmark#BATCH} in flight, comparable with {@link ThroughputBenchmark}.
 */
@State(Scope.Benchmark)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class BaselineBenchmark extends BenchmarkJvm {
    private static final int BATCH = ThroughputBenchmark.BATCH;

    private final NoOp handler = new NoOp();
    private final byte[] payload = BenchPools.payload(16);
    private final CompletableFuture<?>[] batch = new CompletableFuture<?>[BATCH];
    private ThreadPoolExecutor executor;

    @Setup(Level.Trial)
    public void startExecutor() {
        executor = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                r -> new Thread(r, "offload-bench-baseline"));
        executor.prestartAllCoreThreads();
    }

    @TearDown(Level.Trial)
    public void stopExecutor() throws InterruptedException {
        executor.shutdown();
        if (!executor.awaitTermination(5, TimeUnit.SECONDS)) {
            throw new IllegalStateException("the baseline executor did not stop within 5 s");
        }
    }

    @Benchmark
    @BenchmarkMode(Mode.SampleTime)
    public byte[] roundTrip() {
        return CompletableFuture.supplyAsync(() -> handler.handle(payload, InProcessContext.INSTANCE), executor).join();
    }

    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    @OperationsPerInvocation(BATCH)
    public void noOpBatch(Blackhole bh) {
        for (int i = 0; i < BATCH; i++) {
            batch[i] = CompletableFuture.supplyAsync(() -> handler.handle(payload, InProcessContext.INSTANCE), executor);
        }
        for (int i = 0; i < BATCH; i++) {
            bh.consume(batch[i].join());
            batch[i] = null;
        }
    }

    /** The context of a job run in-process: never cancelled, progress dropped. */
    private enum InProcessContext implements JobContext {
        INSTANCE;

        @Override
        public String jobId() {
            return "in-process";
        }

        @Override
        public int attempt() {
            return 1;
        }

        @Override
        public boolean isCancelled() {
            return false;
        }

        @Override
        public void progress(Object update) {
        }
    }
}
