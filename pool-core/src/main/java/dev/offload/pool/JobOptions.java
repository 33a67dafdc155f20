package dev.offload.pool;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.function.Consumer;

/**
 * Per-job settings, immutable: each {@code with…} returns a copy. Unset values fall back to the
 * pool's config ({@code jobs.timeout}, {@code jobs.maxAttempts}).
 */
public final class JobOptions {
    private static final JobOptions DEFAULTS = new JobOptions(null, 0, 0, null, null);

    private final Duration timeout;
    private final int priority;
    private final int maxAttempts;
    private final Consumer<Object> progressListener;
    private final Executor executor;

    private JobOptions(Duration timeout, int priority, int maxAttempts, Consumer<Object> progressListener,
                       Executor executor) {
        this.timeout = timeout;
        this.priority = priority;
        this.maxAttempts = maxAttempts;
        this.progressListener = progressListener;
        this.executor = executor;
    }

    /** No timeout, priority or attempts of its own (the pool's config applies), no listener, no executor. */
    public static JobOptions defaults() {
        return DEFAULTS;
    }

    /** Fails the job with {@link JobTimeoutException} this long after submit; zero means no timeout. */
    public JobOptions withTimeout(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative()) {
            throw new IllegalArgumentException("timeout must be >= 0 (got " + timeout + ")");
        }
        return new JobOptions(timeout, priority, maxAttempts, progressListener, executor);
    }

    /** Higher runs first among waiting jobs; equal priorities run in submit order. Default 0. */
    public JobOptions withPriority(int priority) {
        return new JobOptions(timeout, priority, maxAttempts, progressListener, executor);
    }

    /** How many workers may die running this job before it fails with {@link WorkerCrashedException}. */
    public JobOptions withMaxAttempts(int maxAttempts) {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be >= 1 (got " + maxAttempts + ")");
        }
        return new JobOptions(timeout, priority, maxAttempts, progressListener, executor);
    }

    /**
     * Receives the handler's {@code JobContext.progress} updates, in order and before the result,
     * decoded as JSON values (maps, lists, strings, numbers). Called on a pool thread: keep it quick.
     */
    public JobOptions withProgressListener(Consumer<Object> listener) {
        return new JobOptions(timeout, priority, maxAttempts, Objects.requireNonNull(listener, "listener"), executor);
    }

    /**
     * Completes the job's future on {@code executor}, so that the caller's dependent stages
     * ({@code thenApply}, {@code whenComplete}, …) run where the caller lives: pass a Netty
     * {@code EventLoop}, or {@code task -> context.runOnContext(v -> task.run())} for a Vert.x
     * context. The pool calls {@code execute} once per job, from its reader thread; it must not
     * block. If it throws {@code RejectedExecutionException} (the loop is shutting down), the future
     * is completed on the pool's thread instead, so the outcome is never lost. A thread blocked in
     * {@code get()}/{@code join()} on the future is still handed the outcome directly.
     */
    public JobOptions withExecutor(Executor executor) {
        return new JobOptions(timeout, priority, maxAttempts, progressListener, Objects.requireNonNull(executor, "executor"));
    }

    /** The executor set by {@link #withExecutor}, or null (then {@code jobs.completion} applies). */
    public Executor executor() {
        return executor;
    }

    /** The timeout if set, else null (the pool's default applies). */
    public Duration timeout() {
        return timeout;
    }

    /** The priority set by {@link #withPriority}; 0 by default. */
    public int priority() {
        return priority;
    }

    /** The attempts if set, else 0 (the pool's default applies). */
    public int maxAttempts() {
        return maxAttempts;
    }

    /** The listener set by {@link #withProgressListener}, or null. */
    public Consumer<Object> progressListener() {
        return progressListener;
    }

    @Override
    public String toString() {
        return "JobOptions[timeout=" + timeout + ", priority=" + priority + ", maxAttempts=" + maxAttempts
                + (progressListener == null ? "" : ", progressListener") + (executor == null ? "" : ", executor") + "]";
    }
}
