package dev.offload.worker.internal;

import dev.offload.transport.internal.Channel;
import dev.offload.transport.internal.Frame;
import dev.offload.transport.internal.FrameTooLargeException;
import dev.offload.transport.internal.FrameType;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;

import java.io.IOException;
import java.util.concurrent.CancellationException;

/**
 * Runs JOB frames on the worker's main thread and answers each with exactly one RESULT or ERROR,
 * in order (the parent pipelines jobs and matches answers to them by their order). The answer's
 * flags carry the handler's run time in microseconds ({@link WorkerProtocol#runNanos}).
 *
 * <p>A run of tiny jobs is answered in groups. When the handler's last {@link #HOLD_STREAK} jobs
 * (this one among them) each took at most {@link #HOLD_RUN_NANOS}, this one was there before the
 * worker asked for it, and the next frame, already arrived, is a job for the same handler, the answer is held back ({@link Channel#sendHeld}) and
 * goes out with a later one: at most {@link #HOLD_MAX_ANSWERS} together, none held longer than
 * {@link #HOLD_MAX_NANOS} past its job's end, unless the next job, unlike the streak before it,
 * runs long (the answers held then wait for it, as the jobs queued behind it do; the heartbeat, a
 * progress report or any other frame sends them too). Over shm each group is one queue document,
 * whose fixed cost on both sides is well above that of a small answer. A job that arrives alone,
 * or before one of another handler, is answered at once: the worker sends what it holds before
 * it waits for a frame.
 */
final class JobRunner {
    /** An answer is held back only after a job this short. */
    static final long HOLD_RUN_NANOS = 10_000;
    /** At most this many answers go out together. */
    static final int HOLD_MAX_ANSWERS = 32;
    /** No answer is held back longer than this after its job ended, unless the job after it runs longer. */
    static final long HOLD_MAX_NANOS = 20_000;
    /** How many jobs of one handler in a row must each have been short before answers to it are held. */
    static final int HOLD_STREAK = 64;

    private final Channel channel;
    private final Inbox inbox;
    private final HandlerRegistry handlers;
    private final Heartbeat heartbeat;
    /** Answers held back since the last one sent (a send by another thread may have sent them already). */
    private int held;
    /** nanoTime the first of them was ready. */
    private long heldSince;
    /** The handler of the last job run, and how many of its jobs in a row up to it were short. */
    private String streakHandler = "";
    private int streak;

    JobRunner(Channel channel, Inbox inbox, HandlerRegistry handlers, Heartbeat heartbeat) {
        this.channel = channel;
        this.inbox = inbox;
        this.handlers = handlers;
        this.heartbeat = heartbeat;
    }

    void run(Frame job) throws IOException {
        if (!channel.claimJob()) {
            inbox.takeCancelled(job.jobId()); // withdrawn by the parent, which sent it to another worker: no answer
            if (inbox.lookAhead(channel) == null) {
                // The parent sends this worker nothing until it shows it runs again: a frame says so
                // now, and wakes the parent's reader to move jobs waiting elsewhere here.
                channel.send(Frame.of(FrameType.HEARTBEAT, job.jobId(), job.attempt(), Frame.NO_PAYLOAD));
            }
            return;
        }
        if (inbox.takeCancelled(job.jobId())) {
            channel.send(error(job, new CancellationException("job " + job.jobId() + " was cancelled before it started"), 0));
            held = 0;
            return;
        }
        WorkerJobContext context = new WorkerJobContext(channel, inbox, job.jobId(), job.attempt());
        Frame answer;
        heartbeat.busy(job.jobId(), job.attempt());
        channel.recordJobStart(job.jobId(), job.attempt());
        long start = System.nanoTime();
        long end;
        try {
            HandlerRegistry.Loaded loaded = handlers.get(job.handler());
            Object input = decodeInput(job, loaded);
            Object output = loaded.handler().handle(input, context);
            byte[] result = PayloadCodec.encode(output);
            end = System.nanoTime();
            answer = new Frame(FrameType.RESULT, job.jobId(), job.attempt(), "", runMicros(start, end), result);
        } catch (Throwable t) {
            if (t instanceof VirtualMachineError && !(t instanceof StackOverflowError)) {
                throw (VirtualMachineError) t; // OutOfMemoryError and friends: let the JVM die
            }
            end = System.nanoTime();
            answer = error(job, t, runMicros(start, end));
        } finally {
            heartbeat.idle();
        }
        try {
            if (mayHold(job, end - start, end)) {
                channel.sendHeld(answer);
                if (held++ == 0) {
                    heldSince = end;
                }
            } else {
                channel.send(answer);
                held = 0;
            }
        } catch (FrameTooLargeException e) {
            channel.send(error(job, new FrameTooLargeException(e.size(), e.limit()), answer.flags()));
            held = 0;
        }
    }

    /** True when {@code job}'s answer may wait for the next one: see the class comment. */
    private boolean mayHold(Frame job, long runNanos, long end) throws IOException {
        if (runNanos > HOLD_RUN_NANOS) {
            streak = 0;
        } else if (job.handler().equals(streakHandler)) {
            streak = Math.min(streak + 1, HOLD_STREAK);
        } else {
            streakHandler = job.handler();
            streak = 1;
        }
        // A job the worker waited for (no backlog): the next one is not there either, and a look costs a poll.
        if (!channel.holdsFrames() || streak < HOLD_STREAK || !inbox.backlog() || held >= HOLD_MAX_ANSWERS - 1
                || (held > 0 && end - heldSince > HOLD_MAX_NANOS)) {
            return false;
        }
        Frame next = inbox.lookAhead(channel);
        return next != null && next.type() == FrameType.JOB && next.handler().equals(job.handler());
    }

    private static int runMicros(long start, long end) {
        return (int) Math.min(Integer.MAX_VALUE, (end - start) / 1_000);
    }

    private static Object decodeInput(Frame job, HandlerRegistry.Loaded loaded) throws InputDecodingException {
        try {
            return PayloadCodec.decode(job.payload(), loaded.types().input());
        } catch (IOException e) {
            throw new InputDecodingException("cannot decode the input of " + job.handler() + " as "
                    + loaded.types().input().toCanonical() + ": " + describe(e), e);
        }
    }

    private static String describe(IOException e) {
        if (e instanceof JsonMappingException mapping && !mapping.getPath().isEmpty()) {
            return "at " + path(mapping) + ": " + mapping.getOriginalMessage();
        }
        return e instanceof JsonProcessingException json ? json.getOriginalMessage() : e.getMessage();
    }

    /** The JSON path of the value that did not fit, as a reader writes it: {@code points[0].x}. */
    private static String path(JsonMappingException e) {
        StringBuilder path = new StringBuilder();
        for (JsonMappingException.Reference ref : e.getPath()) {
            if (ref.getFieldName() != null) {
                path.append(path.length() == 0 ? "" : ".").append(ref.getFieldName());
            } else if (ref.getIndex() >= 0) {
                path.append('[').append(ref.getIndex()).append(']');
            }
        }
        return path.toString();
    }

    private static Frame error(Frame job, Throwable t, int runMicros) {
        return new Frame(FrameType.ERROR, job.jobId(), job.attempt(), "", runMicros, RemoteError.of(t).encode());
    }

    /** The job's input bytes do not decode into the handler's declared input type. */
    static final class InputDecodingException extends Exception {
        InputDecodingException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
