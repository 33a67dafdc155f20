package dev.offload.pool;

import dev.offload.worker.internal.PayloadCodec;
import dev.offload.worker.internal.RemoteError;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Settles jobs: decodes results and errors, records latencies and counters, and completes the
 * caller's future: on the executor the job names ({@link JobOptions#withExecutor}), else directly
 * on the thread that read the answer ({@code jobs.completion: direct}: the caller's dependent stages
 * run there, and one that runs too long has the reading taken over by a fresh thread, see
 * {@link ReaderRole}), else on a callback executor ({@code executor}: one thread hop per job, and
 * no callback can hold up another job's result at all).
 *
 * <p>Called by whoever holds the reader role, and by pool threads that fail jobs.
 */
final class Completer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Completer.class);

    private final Counters counters;
    private final boolean direct;
    /** Unbounded and caching: a callback that blocks occupies one thread, not the pool's results. */
    private final ExecutorService callbacks;
    private final Executor toCallbacks;

    Completer(Counters counters, boolean direct) {
        this.counters = counters;
        this.direct = direct;
        AtomicInteger n = new AtomicInteger();
        this.callbacks = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 30, TimeUnit.SECONDS, new SynchronousQueue<>(), r -> {
            Thread t = new Thread(r, "offload-callback-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        this.toCallbacks = task -> {
            try {
                callbacks.execute(task);
            } catch (RejectedExecutionException closing) {
                task.run(); // the pool is closing: settle the job here rather than lose it
            }
        };
    }

    /**
     * Where a job's future completes: its own executor, else the reader thread itself
     * ({@code direct}), else a callback thread. A caller that reads while it waits in get/join never
     * runs another job's callbacks: those go to a callback thread.
     */
    private Executor deliveryOf(Job job, boolean readByCaller) {
        Executor own = job.executor;
        if (own == null) {
            return direct && !readByCaller ? Runnable::run : toCallbacks;
        }
        return task -> {
            try {
                own.execute(task);
            } catch (RejectedExecutionException closing) {
                LOG.debug("the executor of {} refused its completion ({}); completing it here", job.describe(), closing.toString());
                task.run();
            }
        };
    }

    /** Reader role: {@code link}'s worker answered {@code job} with a result, read at {@code readAt} (a nanoTime). */
    void succeed(Job job, byte[] payload, WorkerLink link, long runNanos, boolean readByCaller, long readAt) {
        Object value;
        try {
            value = job.outputType == null ? payload : PayloadCodec.decode(payload, job.outputType);
        } catch (IOException e) {
            failWith(job, new JobFailedException("cannot decode the result of " + job.describe() + " from worker "
                    + link.id() + " as " + job.outputType.toCanonical() + ": " + e.getMessage(),
                    e.getClass().getName(), e.getMessage(), ""), readByCaller, link, runNanos);
            return;
        }
        if (!job.decide()) {
            return;
        }
        counters.runTime.recordNanos(runNanos);
        counters.endToEnd.recordNanos(readAt - job.submittedAt);
        counters.completed.increment();
        JfrEvents.job(job, link, runNanos, null);
        job.future.settle(value, null, deliveryOf(job, readByCaller));
    }

    /** Reader role: {@code link}'s worker answered {@code job} with the handler's error. */
    void fail(Job job, byte[] payload, WorkerLink link, long runNanos, boolean readByCaller) {
        RemoteError error = RemoteError.decode(payload);
        String message = Job.simpleName(job.handler) + " failed on worker " + link.id() + " (" + job.describe()
                + ", attempt " + job.attempts + "): " + error.type()
                + (error.message() == null ? "" : ": " + error.message());
        counters.runTime.recordNanos(runNanos);
        failWith(job, new JobFailedException(message, error.type(), error.message(), error.stack()), readByCaller, link, runNanos);
    }

    /** Fails the job unless it is settled already; true if this call settled it. From a pool thread. */
    boolean failWith(Job job, OffloadException failure) {
        return failWith(job, failure, true, job.link, -1);
    }

    /** As {@link #failWith(Job, OffloadException)}, for a job that {@code heldBy}'s worker held when it died. */
    boolean failWith(Job job, OffloadException failure, WorkerLink heldBy) {
        return failWith(job, failure, true, heldBy, -1);
    }

    /** {@code link}: the worker that held the job last, or null; {@code runNanos}: as it reported, or -1. */
    private boolean failWith(Job job, OffloadException failure, boolean offTheReader, WorkerLink link, long runNanos) {
        if (!job.decide()) {
            return false;
        }
        counters.failed.increment();
        counters.endToEnd.recordNanos(System.nanoTime() - job.submittedAt);
        if (failure instanceof JobTimeoutException) {
            counters.timeouts.increment();
        }
        JfrEvents.job(job, link, runNanos, failure);
        job.future.settle(null, failure, deliveryOf(job, offTheReader));
        return true;
    }

    /** Progress is delivered by the reader role, so it always precedes the result. */
    void progress(Job job, byte[] payload) {
        if (job.progressListener == null || job.isDone()) {
            return;
        }
        try {
            job.progressListener.accept(PayloadCodec.decode(payload, PayloadCodec.objectType()));
        } catch (IOException | RuntimeException e) {
            LOG.warn("progress listener of {} failed: {}", job.describe(), e.toString());
        }
    }

    @Override
    public void close() {
        callbacks.shutdown();
    }
}
