package dev.offload.service;

import dev.offload.pool.JobFailedException;
import dev.offload.pool.WorkerCrashedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * What a failed job is answered with, for a request waiting for it and for an asynchronous job's
 * record alike: 400 for an input that does not fit its handler, else by {@link ErrorMapping}; the
 * remote stack trace or the worker's stderr is logged, on the side thread. Any thread.
 */
final class JobFailures {
    private static final Logger LOG = LoggerFactory.getLogger(JobFailures.class);

    private final Executor side;

    JobFailures(Executor side) {
        this.side = side;
    }

    /** @param handler null when the handler is not configured (any more) */
    HttpError answer(HandlerCatalog.Entry handler, Throwable failure) {
        Throwable cause = ErrorMapping.unwrap(failure);
        if (handler != null && cause instanceof JobFailedException e && BadInput.is(e)) {
            return BadInput.of(handler, e);
        }
        String name = handler == null ? "?" : handler.name();
        if (cause instanceof JobFailedException e) {
            logAside(() -> LOG.warn("job '{}' failed: {}\n{}", name, e.getMessage(), e.remoteStackTrace()));
        } else if (cause instanceof WorkerCrashedException e) {
            logAside(() -> LOG.warn("job '{}': {}; worker stderr ended with: {}", name, e.getMessage(), e.stderrTail()));
        }
        return ErrorMapping.of(failure);
    }

    /** The error an asynchronous job keeps: the answer's body with its HTTP status added. */
    byte[] json(HandlerCatalog.Entry handler, Throwable failure) {
        HttpError error = answer(handler, failure);
        Map<String, Object> body = error.body();
        body.put("status", error.status());
        return Json.bytes(body);
    }

    private void logAside(Runnable log) {
        try {
            side.execute(log);
        } catch (RejectedExecutionException stopping) {
            // the side thread has stopped with the server: the client still gets its answer
        }
    }
}
