package dev.offload.cluster;

import dev.offload.pool.JobFailedException;

import java.io.IOException;
import java.util.concurrent.RejectedExecutionException;

/**
 * Hands a decided job's outcome to its caller: the result decoded into the handler's output type, or
 * the failure. Called on whichever thread decided the job; the future is completed on the caller's
 * executor if it gave one, else as {@code jobs.completion} says (an {@code offload-cluster-callback-N}
 * thread, or the deciding thread), and on the deciding thread if that executor refuses.
 */
final class Delivery {
    private Delivery() {
    }

    /** {@code where}: "this host" or "host 10.0.0.2:5701", for a result that does not decode. */
    static void succeed(RemoteJob job, byte[] result, String where) {
        Object value;
        try {
            value = JsonCodec.decode(result, job.output);
        } catch (IOException | RuntimeException e) {
            fail(job, new JobFailedException("cannot decode the result of " + job.describe() + " from " + where + " as "
                    + JsonCodec.describe(job.output) + ": " + e.getMessage(), e.getClass().getName(), e.getMessage(), ""));
            return;
        }
        complete(job, () -> job.future.complete(value));
    }

    static void fail(RemoteJob job, Throwable failure) {
        complete(job, () -> job.future.completeExceptionally(failure));
    }

    private static void complete(RemoteJob job, Runnable completion) {
        try {
            job.completion.execute(completion);
        } catch (RejectedExecutionException e) {
            completion.run();
        }
    }
}
