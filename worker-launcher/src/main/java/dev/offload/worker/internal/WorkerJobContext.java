package dev.offload.worker.internal;

import dev.offload.transport.internal.Channel;
import dev.offload.transport.internal.Frame;
import dev.offload.transport.internal.FrameType;
import dev.offload.worker.JobContext;

import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The context of the job a worker is running. {@link #isCancelled()} looks for a CANCEL frame
 * without blocking, at most every {@link #POLL_INTERVAL_NANOS}, so a handler may call it in a hot
 * loop.
 */
final class WorkerJobContext implements JobContext {
    static final long POLL_INTERVAL_NANOS = 200_000;

    private final Channel channel;
    private final Inbox inbox;
    private final long jobId;
    private final int attempt;
    private volatile boolean cancelled;
    private long lastPoll;

    WorkerJobContext(Channel channel, Inbox inbox, long jobId, int attempt) {
        this.channel = channel;
        this.inbox = inbox;
        this.jobId = jobId;
        this.attempt = attempt;
    }

    @Override
    public String jobId() {
        return Long.toString(jobId);
    }

    @Override
    public int attempt() {
        return attempt;
    }

    @Override
    public boolean isCancelled() {
        if (cancelled) {
            return true;
        }
        synchronized (this) {
            long now = System.nanoTime();
            if (now - lastPoll >= POLL_INTERVAL_NANOS) {
                lastPoll = now;
                pollForCancel();
            }
        }
        return cancelled;
    }

    private void pollForCancel() {
        try {
            Frame frame;
            while ((frame = channel.poll()) != null) {
                if (frame.type() != FrameType.CANCEL) {
                    inbox.add(frame); // a JOB queued behind this one, or a BYE: handled once the job returns
                } else if (frame.jobId() == jobId) {
                    cancelled = true;
                } else {
                    inbox.cancelAhead(frame.jobId()); // its JOB was read before it: it waits in the inbox
                }
            }
        } catch (IOException e) {
            // The parent is gone or the channel broke: nobody wants the result any more.
            cancelled = true;
            inbox.broken(e);
        }
    }

    @Override
    public void progress(Object update) {
        try {
            channel.send(Frame.of(FrameType.PROGRESS, jobId, attempt, PayloadCodec.encode(update)));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot send progress for job " + jobId + ": " + e.getMessage(), e);
        }
    }
}
