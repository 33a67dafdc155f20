package dev.offload.service;

import dev.offload.pool.JobFailedException;
import dev.offload.pool.JobTimeoutException;
import dev.offload.pool.OffloadException;
import dev.offload.pool.PoolRejectedException;
import dev.offload.pool.WorkerCrashedException;

import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * How a failed job is answered: 503 when the pool did not take it (try again later; 413 when the
 * input is over the frame limit, which no retry cures), 504 when it
 * timed out, 500 when the handler threw or its worker died. Remote stack traces and worker stderr
 * are logged by the caller, never sent to the client.
 */
final class ErrorMapping {

    private ErrorMapping() {
    }

    static HttpError of(Throwable failure) {
        Throwable t = unwrap(failure);
        if (t instanceof PoolRejectedException e) {
            int status = e.reason() == PoolRejectedException.Reason.TOO_LARGE ? 413 : 503;
            return HttpError.of(status, "PoolRejectedException", e.getMessage()).with("reason", e.reason().name());
        }
        if (t instanceof JobTimeoutException e) {
            return HttpError.of(504, "JobTimeoutException", e.getMessage())
                    .with("timeoutMs", e.timeout() == null ? null : e.timeout().toMillis());
        }
        if (t instanceof JobFailedException e) {
            return HttpError.of(500, "JobFailedException", e.getMessage())
                    .with("remoteType", e.remoteType())
                    .with("remoteMessage", e.remoteMessage());
        }
        if (t instanceof WorkerCrashedException e) {
            // The message's stderr lines stay in the log: the first line says what happened.
            String summary = e.getMessage().lines().findFirst().orElse("").replaceFirst("; last stderr lines:$", "");
            HttpError error = HttpError.of(500, "WorkerCrashedException", summary).with("exitCode", e.exitCode());
            return e.signal().map(signal -> error.with("signal", signal)).orElse(error);
        }
        if (t instanceof CancellationException) {
            return HttpError.of(503, "ServiceStopping", "the service stopped before the job finished");
        }
        if (t instanceof OffloadException e) {
            return HttpError.of(500, "OffloadException", e.getMessage());
        }
        return HttpError.of(500, "InternalError", "the service failed: " + t);
    }

    static Throwable unwrap(Throwable t) {
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }
}
