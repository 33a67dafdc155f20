package dev.offload.examples.bench;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import org.HdrHistogram.Histogram;

import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * Runs round trips one after the other on a Vert.x event loop, as a server that answers one
 * request with one job would: each round trip starts from the callback of the one before, on the
 * loop. Runs entirely on {@code context}'s event-loop thread, except {@link #run}, which only
 * starts it.
 */
final class SequentialOnContext {

    /** Starts one round trip numbered {@code i}; calls {@code done} with null or the failure once it is back. */
    @FunctionalInterface
    interface RoundTrip {
        void start(int i, Consumer<Throwable> done);
    }

    /** The outcome: latencies of the measured round trips, and how many callbacks ran off the loop. */
    record Outcome(Histogram nanos, int offLoop) {
    }

    private final Context context;
    private final RoundTrip roundTrip;
    private final int warmup;
    private final int total;
    private final CompletableFuture<Outcome> outcome = new CompletableFuture<>();
    private final Histogram nanos = Report.nanosHistogram();
    // Touched only on the event loop: no volatile, no lock, which is the point of answering there.
    private int next;
    private int offLoop;
    private long started;

    private SequentialOnContext(Context context, RoundTrip roundTrip, int warmup, int jobs) {
        this.context = context;
        this.roundTrip = roundTrip;
        this.warmup = warmup;
        this.total = warmup + jobs;
    }

    /** {@code warmup} unmeasured round trips, then {@code jobs} measured ones; blocks the calling (non-loop) thread. */
    static Outcome run(Context context, int warmup, int jobs, RoundTrip roundTrip) {
        SequentialOnContext loop = new SequentialOnContext(context, roundTrip, warmup, jobs);
        context.runOnContext(v -> loop.startNext());
        return loop.outcome.join();
    }

    private void startNext() {
        int i = next++;
        started = System.nanoTime();
        roundTrip.start(i, failure -> back(i, failure));
    }

    private void back(int i, Throwable failure) {
        long elapsed = System.nanoTime() - started;
        if (Vertx.currentContext() != context || !Context.isOnEventLoopThread()) {
            offLoop++;
        }
        if (failure != null) {
            outcome.completeExceptionally(failure);
            return;
        }
        if (i >= warmup) {
            nanos.recordValue(elapsed);
        }
        if (next < total) {
            startNext();
        } else {
            outcome.complete(new Outcome(nanos, offLoop));
        }
    }
}
