package dev.offload.bench;

import dev.offload.pool.WorkerPool;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.Blackhole;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Jobs per second with many in flight: each invocation submits {@value #BATCH} no-op jobs of 16
 * bytes without waiting, then joins them all; {@code @OperationsPerInvocation} makes JMH report
 * jobs/s rather than batches/s. The queue holds the whole batch, so the workers never wait for
 * the caller within a batch; between batches they idle while the caller joins the last futures
 * and starts the next batch, which is part of the cost measured.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class ThroughputBenchmark extends BenchmarkJvm {
    static final int BATCH = 1_000;

    @Param({"1", "2"})
    public int workers;

    @Param({"shm", "pipe"})
    public String transport;

    @Param({"executor", "direct"})
    public String completion;

    private WorkerPool pool;
    private final byte[] payload = BenchPools.payload(16);
    private final CompletableFuture<?>[] batch = new CompletableFuture<?>[BATCH];

    @Setup(Level.Trial)
    public void startPool() {
        pool = BenchPools.start(BenchPools.config(transport, workers, completion, 2 * BATCH));
    }

    @TearDown(Level.Trial)
    public void closePool() {
        BenchPools.reportAndClose(pool);
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void noOpBatch(Blackhole bh) {
        for (int i = 0; i < BATCH; i++) {
            batch[i] = pool.submit(NoOp.class, payload);
        }
        for (int i = 0; i < BATCH; i++) {
            bh.consume(batch[i].join());
            batch[i] = null;
        }
    }
}
