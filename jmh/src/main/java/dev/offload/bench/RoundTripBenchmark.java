package dev.offload.bench;

import dev.offload.pool.WorkerPool;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * One job at a time through a one-worker pool. Two ways of waiting:
 * <ul>
 *   <li>{@link #roundTrip}: {@code submit(NoOp, payload).join()}, a caller that blocks. Over shm the
 *       job goes straight from {@code submit()} into the worker's queue when the slot is free, and
 *       the caller's thread reads the answer itself; otherwise the slot thread sends and reads, and
 *       hands the outcome to the parked caller.</li>
 *   <li>{@link #roundTripViaCallback}: {@code submit(...).thenApply(identity()).join()}, what a
 *       caller that never blocks on the pool sees: the time until a dependent stage has run. The
 *       stage makes the pool's future have a dependent, so the slot thread reads the answer and the
 *       future completes on the slot thread ({@code direct}) or a callback thread ({@code executor}),
 *       which runs the stage; the benchmark thread waits on the stage's own future.</li>
 * </ul>
 *
 * <p>SampleTime: JMH times individual calls and reports percentiles (p0.50 … p0.999), which is
 * what a latency target is about; the mean alone would hide the tail.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class RoundTripBenchmark extends BenchmarkJvm {

    @Param({"shm", "pipe"})
    public String transport;

    @Param({"16", "1024", "65536", "1048576"})
    public int payloadBytes;

    /** Where the future completes: the pool's callback executor (the default) or the slot thread. */
    @Param({"executor", "direct"})
    public String completion;

    private WorkerPool pool;
    private byte[] payload;

    @Setup(Level.Trial)
    public void startPool() {
        payload = BenchPools.payload(payloadBytes);
        pool = BenchPools.start(BenchPools.config(transport, 1, completion, 16));
    }

    @TearDown(Level.Trial)
    public void closePool() {
        BenchPools.reportAndClose(pool);
    }

    @Benchmark
    public byte[] roundTrip() {
        return pool.submit(NoOp.class, payload).join();
    }

    @Benchmark
    public byte[] roundTripViaCallback() {
        return pool.submit(NoOp.class, payload).thenApply(Function.identity()).join();
    }
}
