package dev.offload.service;

import io.netty.util.concurrent.DefaultEventExecutor;

import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/**
 * The thread {@code offload-http-side}: runs what may wait and so must stay off the event loops.
 * {@code WorkerPool.stats()} folds HdrHistogram recorders, which takes a monitor, may yield or sleep
 * while a writer is mid-record, and walks tens of thousands of buckets; a log line writes to stderr.
 * Accepting a task never blocks the loop that hands it over (Netty's executor queue).
 */
final class SideThread implements Executor, AutoCloseable {
    static final String NAME = "offload-http-side";

    private final DefaultEventExecutor executor = new DefaultEventExecutor(task -> {
        // A plain Thread, not Netty's FastThreadLocalThread: BlockHound treats those as event loops.
        Thread t = new Thread(task, NAME);
        t.setDaemon(true);
        return t;
    });
    private boolean closed;

    @Override
    public void execute(Runnable task) {
        executor.execute(task);
    }

    /** Runs what was handed over already, then stops; waits a few seconds at most. Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        executor.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }
}
