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
 */
final class JobRunner {
    private final Channel channel;
    private final Inbox inbox;
    private final HandlerRegistry handlers;
    private final Heartbeat heartbeat;

    JobRunner(Channel channel, Inbox inbox, HandlerRegistry handlers, Heartbeat heartbeat) {
        this.channel = channel;
        this.inbox = inbox;
        this.handlers = handlers;
        this.heartbeat = heartbeat;
    }

    void run(Frame job) throws IOException {
        if (inbox.takeCancelled(job.jobId())) {
            channel.send(error(job, new CancellationException("job " + job.jobId() + " was cancelled before it started"), 0));
            return;
        }
        WorkerJobContext context = new WorkerJobContext(channel, inbox, job.jobId(), job.attempt());
        Frame answer;
        heartbeat.busy(job.jobId(), job.attempt());
        long start = System.nanoTime();
        try {
            HandlerRegistry.Loaded loaded = handlers.get(job.handler());
            Object input = decodeInput(job, loaded);
            Object output = loaded.handler().handle(input, context);
            byte[] result = PayloadCodec.encode(output);
            answer = new Frame(FrameType.RESULT, job.jobId(), job.attempt(), "", runMicros(start), result);
        } catch (Throwable t) {
            if (t instanceof VirtualMachineError && !(t instanceof StackOverflowError)) {
                throw (VirtualMachineError) t; // OutOfMemoryError and friends: let the JVM die
            }
            answer = error(job, t, runMicros(start));
        } finally {
            heartbeat.idle();
        }
        try {
            channel.send(answer);
        } catch (FrameTooLargeException e) {
            channel.send(error(job, new FrameTooLargeException(e.size(), e.limit()), answer.flags()));
        }
    }

    private static int runMicros(long start) {
        return (int) Math.min(Integer.MAX_VALUE, (System.nanoTime() - start) / 1_000);
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
