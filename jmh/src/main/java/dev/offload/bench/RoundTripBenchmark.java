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

/**
 * One job at a time through a one-worker pool: {@code submit(NoOp, payload).join()}. Each sample is
 * the full round trip as a caller sees it: encode (none for {@code byte[]}), admission queue, the
 * slot thread's hand-off to the worker over the transport, the worker's echo, the way back, and
 * the completion of the future (on the slot thread with {@code direct}, on a callback thread with
 * {@code executor}), with the benchmark thread parked in {@code join()} until then.
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
        if (pool != null) {
            System.out.println(System.lineSeparator() + BenchPools.breakdown(pool));
        }
        BenchPools.close(pool);
    }

    @Benchmark
    public byte[] roundTrip() {
        return pool.submit(NoOp.class, payload).join();
    }
}
