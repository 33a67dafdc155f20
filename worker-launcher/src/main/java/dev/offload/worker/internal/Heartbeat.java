package dev.offload.worker.internal;

import dev.offload.transport.internal.Channel;
import dev.offload.transport.internal.Frame;
import dev.offload.transport.internal.FrameType;

import java.io.IOException;
import java.util.concurrent.locks.LockSupport;

/**
 * The HEARTBEAT frames of the job a worker runs, so the parent can tell a slow job from a frozen
 * JVM. Idle workers stay silent: the parent reads a worker's channel only while it has a job there.
 * The beats are sent by the worker's watch thread ({@link ParentWatchdog}), once per interval while
 * a job runs; while the worker waits for jobs that thread dozes ({@link #doze}) and the next job
 * wakes it, so an idle worker's JVM wakes for neither the heartbeat nor its parent (a wake-up of a
 * parked thread cost 100-400 µs of CPU on the VM of figure 6 in docs/BENCHMARKS.md).
 *
 * <p>Thread-safe: {@link #busy} and {@link #idle} from the worker's main thread, {@link #beatIfBusy}
 * and {@link #doze} from the watch thread.
 */
final class Heartbeat implements AutoCloseable {
    private final Channel channel;
    private final long intervalNanos;
    /** Job id of the running job, 0 when idle. Written by the main thread, read by the watch thread. */
    private volatile long jobId;
    private volatile int attempt;
    /** The worker's loop has ended, or the channel broke: no more beats. */
    private volatile boolean closed;
    /** The watch thread while it dozes: the next {@link #busy} wakes it. */
    private volatile Thread dozing;

    Heartbeat(Channel channel, long intervalMillis) {
        this.channel = channel;
        this.intervalNanos = Math.max(1, intervalMillis) * 1_000_000L;
    }

    long intervalNanos() {
        return intervalNanos;
    }

    /**
     * A job starts. No unpark while the watch thread ticks: waking it for every job cost a context
     * switch per job, on the core the next job's reader wants. It is woken only from a doze, which
     * it begins at most once per interval (after a tick that found the worker idle), so a steady
     * stream of short jobs costs at most one unpark per interval.
     */
    void busy(long jobId, int attempt) {
        this.attempt = attempt;
        this.jobId = jobId;
        Thread sleeper = dozing; // Dekker with doze(): [jobId] then [dozing] against [dozing] then [jobId]
        if (sleeper != null) {
            dozing = null;
            LockSupport.unpark(sleeper);
        }
    }

    void idle() {
        this.jobId = 0;
    }

    /** From the watch thread: sends a beat for the running job; false when no job runs (or the channel is gone). */
    boolean beatIfBusy() {
        long job = jobId;
        if (job == 0 || closed) {
            return false;
        }
        try {
            channel.send(Frame.of(FrameType.HEARTBEAT, job, attempt, Frame.NO_PAYLOAD));
            return true;
        } catch (IOException e) {
            closed = true; // the channel is gone; the main thread finds out on its own
            return false;
        }
    }

    /** From the watch thread: sleeps up to {@code nanos}, or until a job starts. */
    void doze(long nanos) {
        dozing = Thread.currentThread();
        if (jobId == 0 || closed) {
            LockSupport.parkNanos(this, nanos);
        }
        dozing = null;
    }

    @Override
    public void close() {
        closed = true;
    }
}
