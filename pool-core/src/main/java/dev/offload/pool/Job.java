package dev.offload.pool;

import com.fasterxml.jackson.databind.JavaType;

import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * One submitted job, from admission to its single completion. The {@link JobFuture} decides the
 * outcome: whichever of result, failure, timeout or cancel completes it first wins, so a job never
 * completes twice.
 */
final class Job {
    final long id;
    final long seq;
    final String handler;
    final byte[] input;
    final JavaType outputType;
    final int priority;
    final int maxAttempts;
    final long timeoutNanos;
    final Consumer<Object> progressListener;
    /** Where the future completes ({@link JobOptions#withExecutor}); null: the pool's default. */
    final Executor executor;
    final long submittedAt;
    final JobFuture<Object> future;

    /**
     * Attempts sent so far (a job sent ahead to a worker that died before starting it gets its
     * attempt back); written under the dispatch lock of the link that sends it, one at a time.
     */
    volatile int attempts;
    /**
     * Deaths of a fresh worker, killed from outside before its first answer, that this job was not
     * charged for ({@link WorkerLoss}); written by one spawn thread at a time.
     */
    volatile int unchargedLosses;
    /** When the job was last sent to a worker (System.nanoTime), 0 before the first send. */
    volatile long sentAt;
    /** The worker holding the job now, or null while it waits in the admission queue. */
    volatile WorkerLink link;
    /** Which JOB frame on {@link #link}'s channel carried it (counting from 1); under that link's dispatch lock. */
    long frameOnLink;

    Job(long id, long seq, String handler, byte[] input, JavaType outputType, int priority, int maxAttempts,
        Duration timeout, Consumer<Object> progressListener, Executor executor, JobFuture<Object> future) {
        this.id = id;
        this.seq = seq;
        this.handler = handler;
        this.input = input;
        this.outputType = outputType;
        this.priority = priority;
        this.maxAttempts = maxAttempts;
        this.timeoutNanos = timeout.toNanos();
        this.progressListener = progressListener;
        this.executor = executor;
        this.submittedAt = System.nanoTime();
        this.future = future;
    }

    private final AtomicBoolean decided = new AtomicBoolean();

    /**
     * Claims the right to set this job's outcome; true exactly once. The future itself may be
     * completed later, on the callback executor. The future is read before the claim: a cancel
     * that completed it first is left its claim ({@link #decideCancelled}), so that exactly one of
     * them counts the job.
     */
    boolean decide() {
        return !future.isDone() && decided.compareAndSet(false, true);
    }

    /**
     * For a cancel, whose future is cancelled already: claims the outcome as {@link #decide} does;
     * true when no other outcome was claimed first. False when a result, failure or timeout was
     * claimed and is on its way to the future: the cancel still wins the future, but the job was
     * counted as that outcome.
     */
    boolean decideCancelled() {
        return decided.compareAndSet(false, true);
    }

    boolean isDone() {
        return decided.get() || future.isDone();
    }

    /** The nanoTime deadline, or Long.MAX_VALUE when the job has no timeout. */
    long deadline() {
        return timeoutNanos == 0 ? Long.MAX_VALUE : submittedAt + timeoutNanos;
    }

    String describe() {
        return "job " + id + " (" + simpleName(handler) + ")";
    }

    static String simpleName(String className) {
        return className.substring(className.lastIndexOf('.') + 1);
    }
}
