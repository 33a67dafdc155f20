package dev.offload.service.bench;

import dev.offload.netty.NettyAnswerLoop;
import dev.offload.pool.AnswerLoop;
import dev.offload.pool.JobOptions;
import dev.offload.pool.WorkerPool;
import io.netty.channel.EventLoop;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.nio.NioIoHandler;
import org.HdrHistogram.Histogram;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/**
 * Round trips of a caller that never blocks, as an event loop's: each job is submitted from the
 * completion callback of the one before, on a Netty event loop (epoll where the machine has it,
 * else NIO) that also reads the pool's answers ({@link WorkerPool#readAnswersOn}), as
 * {@code offload serve}'s first loop does; futures complete on it ({@code JobOptions.withExecutor}).
 * Everything but {@link #measure} runs on the loop's thread, so the fields need no synchronisation.
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

    private CallbackRoundTrips(WorkerPool pool, byte[] payload, Executor loop, int warmup, int jobs) {
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
        MultiThreadIoEventLoopGroup group = new MultiThreadIoEventLoopGroup(1,
                Epoll.isAvailable() ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
        try {
            EventLoop loop = group.next();
            CallbackRoundTrips trips = new CallbackRoundTrips(pool, payload, loop, warmup, jobs);
            try (AnswerLoop.Attachment reading = pool.readAnswersOn(NettyAnswerLoop.of(loop))) {
                loop.execute(trips::submitNext);
                return trips.done.join();
            }
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(10, TimeUnit.SECONDS);
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
