package dev.offload.pool;

import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * The future a caller gets from {@code submit}. {@code cancel} tells the pool: a waiting job leaves
 * the queue, a running one is stopped on its worker.
 */
final class JobFuture<T> extends CompletableFuture<T> {
    private volatile Consumer<JobFuture<T>> onCancel;

    void onCancel(Consumer<JobFuture<T>> onCancel) {
        this.onCancel = onCancel;
    }

    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
        boolean cancelled = super.cancel(mayInterruptIfRunning);
        Consumer<JobFuture<T>> hook = onCancel;
        if (cancelled && hook != null) {
            hook.accept(this);
        }
        return cancelled;
    }

    /** Dependent stages are plain futures: cancelling one of those must not reach the pool. */
    @Override
    public <U> CompletableFuture<U> newIncompleteFuture() {
        return new CompletableFuture<>();
    }
}
