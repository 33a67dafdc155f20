package dev.offload.worker.internal;

import dev.offload.transport.internal.Channel;
import dev.offload.transport.internal.Frame;
import dev.offload.transport.internal.FrameType;

import java.io.IOException;
import java.util.concurrent.locks.LockSupport;

/**
 * Sends HEARTBEAT frames while a job runs, so the parent can tell a slow job from a frozen JVM.
 * Idle workers stay silent: the parent reads a worker's channel only while it has a job there.
 * The beat thread wakes once per interval whatever the worker does (two wake-ups a second by
 * default: no measurable CPU).
 */
final class Heartbeat implements AutoCloseable {
    private final Channel channel;
    private final long intervalNanos;
    private final Thread thread;
    /** Job id of the running job, 0 when idle. Written by the main thread, read by the beat thread. */
    private volatile long jobId;
    private volatile int attempt;
    private volatile boolean closed;

    Heartbeat(Channel channel, long intervalMillis) {
        this.channel = channel;
        this.intervalNanos = Math.max(1, intervalMillis) * 1_000_000L;
        this.thread = new Thread(this::beat, "offload-heartbeat");
        this.thread.setDaemon(true);
        this.thread.start();
    }

    /**
     * No unpark here: waking the beat thread for every job cost a context switch per job, on the
     * core the next job's reader wants. The beat thread ticks on its own; the first beat of a job
     * comes within one interval, far inside the parent's heartbeat timeout.
     */
    void busy(long jobId, int attempt) {
        this.attempt = attempt;
        this.jobId = jobId;
    }

    void idle() {
        this.jobId = 0;
    }

    private void beat() {
        while (!closed) {
            LockSupport.parkNanos(this, intervalNanos);
            long job = jobId;
            if (job != 0 && !closed) {
                try {
                    channel.send(Frame.of(FrameType.HEARTBEAT, job, attempt, Frame.NO_PAYLOAD));
                } catch (IOException e) {
                    return; // the channel is gone; the main thread finds out on its own
                }
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        LockSupport.unpark(thread);
    }
}
