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

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * What {@code submit()} costs the calling thread, an event loop's budget, with the job's own
 * execution out of the picture. In both cases the pool's single worker is held by a {@link Hold}
 * job, so the slot thread is busy and never competes for the caller's core, no idle slot needs
 * waking, and with {@code workers.max = 1} the supervisor is never woken either.
 *
 * <ul>
 *   <li>{@code accepted}: {@value #ACCEPTED_BATCH} no-op submits of 16 bytes per invocation into a
 *       queue that holds them all (capacity {@value #ACCEPTED_BATCH}, empty at the start of each
 *       invocation, so it holds 0 … 9,999 jobs during it). Each submit is accepted: future and job
 *       allocated, one insert at the tail of the admission queue. After each invocation, outside
 *       the timing, every one of them is cancelled, which empties the queue again. Reported per
 *       submit.</li>
 *   <li>{@code rejected}: the queue (capacity 1) is full for the whole run, so every submit is an
 *       immediate rejection: the same checks and allocations, a failed offer, and a future
 *       completed with a {@code PoolRejectedException}, whose construction (message, stack trace)
 *       is part of what a caller pays for back-pressure.</li>
 * </ul>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class SubmitCostBenchmark extends BenchmarkJvm {
    static final int ACCEPTED_BATCH = 10_000;
    /** How long a {@link Hold} keeps the worker at most, if the tear-down's cancel never came. */
    private static final long HOLD_MILLIS = TimeUnit.MINUTES.toMillis(10);

    /** A one-worker pool whose worker is running a {@link Hold}; the caller never waits on it. */
    @State(Scope.Benchmark)
    public abstract static class HeldPool {
        /** Irrelevant to the caller's cost (the caller never touches the channel); here to be varied. */
        @Param({"shm"})
        public String transport;

        final byte[] payload = BenchPools.payload(16);
        WorkerPool pool;
        /** The Hold jobs, running one first. */
        private final List<CompletableFuture<Long>> holds = new ArrayList<>();

        void startHeld(int queueCapacity) {
            pool = BenchPools.start(BenchPools.config(transport, 1, "executor", queueCapacity));
            hold();
            if (!BenchPools.await(() -> pool.stats().busy() == 1)) {
                throw new IllegalStateException("the worker did not take the Hold job within 5 s: " + pool.stats());
            }
        }

        void hold() {
            holds.add(pool.submit(Hold.class, HOLD_MILLIS));
        }

        @TearDown(Level.Trial)
        public void closePool() {
            // Waiting ones first, or the worker would start the next Hold and close() would wait for it.
            // Hold checks isCancelled() every ms, so the running one ends at once and its worker is kept.
            for (int i = holds.size() - 1; i >= 0; i--) {
                holds.get(i).cancel(false);
            }
            BenchPools.close(pool);
        }
    }

    /** Queue with room for a whole invocation, emptied after each one. */
    public static class Accepting extends HeldPool {
        final CompletableFuture<?>[] submitted = new CompletableFuture<?>[ACCEPTED_BATCH];

        @Setup(Level.Trial)
        public void startPool() {
            startHeld(ACCEPTED_BATCH);
        }

        // Per invocation is safe here: an invocation is 10,000 submits, milliseconds long, so
        // JMH's own time-stamping around the helper is noise.
        @TearDown(Level.Invocation)
        public void cancelSubmitted() {
            for (int i = 0; i < submitted.length; i++) {
                if (submitted[i] != null) {
                    submitted[i].cancel(false);
                    submitted[i] = null;
                }
            }
            if (pool.stats().queued() != 0) {
                throw new IllegalStateException("the queue is not empty after cancelling: " + pool.stats());
            }
        }
    }

    /** Queue of capacity 1 holding a second {@link Hold} for the whole run. */
    public static class Full extends HeldPool {
        @Setup(Level.Trial)
        public void startPool() {
            startHeld(1);
            hold();
            if (pool.stats().queued() != 1) {
                throw new IllegalStateException("expected one job waiting: " + pool.stats());
            }
        }
    }

    @Benchmark
    @OperationsPerInvocation(ACCEPTED_BATCH)
    public void accepted(Accepting state) {
        CompletableFuture<?>[] submitted = state.submitted;
        for (int i = 0; i < submitted.length; i++) {
            submitted[i] = state.pool.submit(NoOp.class, state.payload);
        }
    }

    @Benchmark
    public CompletableFuture<byte[]> rejected(Full state) {
        return state.pool.submit(NoOp.class, state.payload);
    }
}
