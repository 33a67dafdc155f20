package dev.offload.service;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.locks.LockSupport;

/**
 * The thread {@code offload-http-side}: runs what may wait and so must stay off the event loops.
 * {@code WorkerPool.stats()} folds HdrHistogram recorders, which takes a monitor, may sleep while a
 * writer is mid-record, and walks tens of thousands of buckets; a log line writes to stderr.
 *
 * <p>Handing a task over never blocks the loop that does it: a lock-free queue and an unpark
 * (a queue with a lock, as Netty's own executors use, parks a loop that finds it taken). No wake-up
 * is lost: a task offered between this thread's empty poll and its park leaves the permit that
 * makes the park return at once.
 */
final class SideThread implements Executor, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SideThread.class);
    private static final String NAME = "offload-http-side";

    private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final Thread thread = new Thread(this::run, NAME);
    private volatile boolean closing;

    SideThread() {
        thread.setDaemon(true);
        thread.start();
    }

    /** @throws RejectedExecutionException once closed */
    @Override
    public void execute(Runnable task) {
        if (closing) {
            throw new RejectedExecutionException(NAME + " is closed");
        }
        tasks.offer(task);
        LockSupport.unpark(thread);
    }

    /** Runs what was handed over already, then stops; waits a few seconds at most. Idempotent. */
    @Override
    public void close() {
        closing = true;
        LockSupport.unpark(thread);
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void run() {
        while (!closing || !tasks.isEmpty()) {
            Runnable task = tasks.poll();
            if (task == null) {
                LockSupport.park(this);
                continue;
            }
            try {
                task.run();
            } catch (RuntimeException e) {
                LOG.error("a task of {} failed", NAME, e);
            }
        }
    }
}
