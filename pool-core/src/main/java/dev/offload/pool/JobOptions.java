package dev.offload.pool;

import java.time.Duration;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Per-job settings, immutable: each {@code with…} returns a copy. Unset values fall back to the
 * pool's config ({@code jobs.timeout}, {@code jobs.maxAttempts}).
 */
public final class JobOptions {
    private static final JobOptions DEFAULTS = new JobOptions(null, 0, 0, null);

    private final Duration timeout;
    private final int priority;
    private final int maxAttempts;
    private final Consumer<Object> progressListener;

    private JobOptions(Duration timeout, int priority, int maxAttempts, Consumer<Object> progressListener) {
        this.timeout = timeout;
        this.priority = priority;
        this.maxAttempts = maxAttempts;
        this.progressListener = progressListener;
    }

    public static JobOptions defaults() {
        return DEFAULTS;
    }

    /** Fails the job with {@link JobTimeoutException} this long after submit; zero means no timeout. */
    public JobOptions withTimeout(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative()) {
            throw new IllegalArgumentException("timeout must be >= 0 (got " + timeout + ")");
        }
        return new JobOptions(timeout, priority, maxAttempts, progressListener);
    }

    /** Higher runs first among waiting jobs; equal priorities run in submit order. Default 0. */
    public JobOptions withPriority(int priority) {
        return new JobOptions(timeout, priority, maxAttempts, progressListener);
    }

    /** How many workers may die running this job before it fails with {@link WorkerCrashedException}. */
    public JobOptions withMaxAttempts(int maxAttempts) {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be >= 1 (got " + maxAttempts + ")");
        }
        return new JobOptions(timeout, priority, maxAttempts, progressListener);
    }

    /**
     * Receives the handler's {@code JobContext.progress} updates, in order and before the result,
     * decoded as JSON values (maps, lists, strings, numbers). Called on a pool thread: keep it quick.
     */
    public JobOptions withProgressListener(Consumer<Object> listener) {
        return new JobOptions(timeout, priority, maxAttempts, Objects.requireNonNull(listener, "listener"));
    }

    /** The timeout if set, else null (the pool's default applies). */
    public Duration timeout() {
        return timeout;
    }

    public int priority() {
        return priority;
    }

    /** The attempts if set, else 0 (the pool's default applies). */
    public int maxAttempts() {
        return maxAttempts;
    }

    public Consumer<Object> progressListener() {
        return progressListener;
    }

    @Override
    public String toString() {
        return "JobOptions[timeout=" + timeout + ", priority=" + priority + ", maxAttempts=" + maxAttempts
                + (progressListener == null ? "" : ", progressListener") + "]";
    }
}
