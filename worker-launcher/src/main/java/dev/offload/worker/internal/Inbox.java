package dev.offload.worker.internal;

import dev.offload.transport.internal.Channel;
import dev.offload.transport.internal.Frame;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.Set;

/**
 * Frames read early (while a job polled for its cancel) and kept for the main loop, in order.
 * Guarded by its own monitor: a handler's threads may poll while the main thread waits.
 */
final class Inbox {
    private final ArrayDeque<Frame> pending = new ArrayDeque<>();
    /** Jobs cancelled while they waited behind the running one: skipped when their turn comes. */
    private final Set<Long> cancelledAhead = new HashSet<>();
    private IOException failure;
    /** Main thread only: see {@link #backlog}. */
    private boolean backlog;

    /** A CANCEL for a job that has not started: the parent pipelines jobs, so it may be queued here. */
    synchronized void cancelAhead(long jobId) {
        cancelledAhead.add(jobId);
    }

    /** True (once) when the job about to start was cancelled while it waited. */
    synchronized boolean takeCancelled(long jobId) {
        return !cancelledAhead.isEmpty() && cancelledAhead.remove(jobId);
    }

    synchronized void add(Frame frame) {
        pending.add(frame);
    }

    synchronized void broken(IOException e) {
        if (failure == null) {
            failure = e;
        }
    }

    /**
     * The next kept frame, else the next frame from the channel; before it waits for one, it sends
     * the answers the channel holds back ({@link Channel#flushHeld}).
     */
    Frame next(Channel channel) throws IOException {
        synchronized (this) {
            Frame kept = pending.poll();
            if (kept != null) {
                backlog = true;
                return kept;
            }
            if (failure != null) {
                throw failure;
            }
        }
        backlog = false;
        if (!channel.holdsFrames()) {
            return channel.receive(); // nothing held to send first, nothing gained by a look (a pipe's costs a system call)
        }
        Frame frame = channel.poll();
        if (frame != null) {
            backlog = true;
            return frame;
        }
        channel.flushHeld();
        return channel.receive();
    }

    /**
     * True when the last frame {@link #next} returned was there already, without waiting: frames
     * come faster than the worker takes them, and the next one may be there too. Main thread.
     */
    boolean backlog() {
        return backlog;
    }

    /**
     * The frame {@link #next} will return, if it has arrived (it is kept for {@link #next}), else
     * null: never waits. Main thread, between jobs.
     */
    synchronized Frame lookAhead(Channel channel) throws IOException {
        Frame kept = pending.peek();
        if (kept != null || failure != null) {
            return kept;
        }
        Frame frame = channel.poll();
        if (frame != null) {
            pending.add(frame);
        }
        return frame;
    }
}
