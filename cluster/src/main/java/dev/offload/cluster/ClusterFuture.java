package dev.offload.cluster;

import java.util.concurrent.CompletableFuture;

/**
 * The future of a job placed through the cluster: cancelling it stops the job wherever it runs.
 * Dependent stages ({@code thenApply}, …) are plain {@link CompletableFuture}s.
 */
final class ClusterFuture<T> extends CompletableFuture<T> {
    private final Runnable onCancel;

    ClusterFuture(Runnable onCancel) {
        this.onCancel = onCancel;
    }

    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
        boolean cancelled = super.cancel(mayInterruptIfRunning);
        if (cancelled) {
            onCancel.run();
        }
        return cancelled;
    }

    @Override
    public <U> CompletableFuture<U> newIncompleteFuture() {
        return new CompletableFuture<>();
    }
}
