package dev.offload.pool;

import dev.offload.launcher.WorkerLauncher;
import dev.offload.launcher.WorkerProcess;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * A pool's first {@code workers.min} worker starts ({@code w1}…{@code wN}), all forked at once
 * from {@link WorkerPool#start} before the rest of the pool is built, so that the worker JVMs boot
 * meanwhile. Each start runs on its own short-lived thread, {@code offload-start-wN}; the
 * {@link Spawner} takes the workers over once the pool exists.
 */
final class InitialStarts implements AutoCloseable {
    private final List<CompletableFuture<WorkerProcess>> starts = new ArrayList<>();

    private InitialStarts() {
    }

    static InitialStarts begin(WorkerLauncher launcher, int count) {
        InitialStarts initial = new InitialStarts();
        for (int i = 1; i <= count; i++) {
            String id = "w" + i;
            CompletableFuture<WorkerProcess> start = new CompletableFuture<>();
            Thread thread = new Thread(() -> {
                try {
                    start.complete(launcher.launch(id));
                } catch (IOException | RuntimeException e) {
                    start.completeExceptionally(e);
                }
            }, "offload-start-" + id);
            thread.setDaemon(true);
            thread.start();
            initial.starts.add(start);
        }
        return initial;
    }

    int count() {
        return starts.size();
    }

    /** Waits for every start; the first failure, with the others suppressed, once all have ended. */
    List<WorkerProcess> await(List<WorkerProcess> started) throws IOException {
        IOException failure = null;
        for (CompletableFuture<WorkerProcess> start : starts) {
            try {
                started.add(start.join());
            } catch (CompletionException e) {
                IOException cause = e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
                if (failure == null) {
                    failure = cause;
                } else {
                    failure.addSuppressed(cause);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
        return started;
    }

    /** For a pool that failed to come up: stops every worker that started, once all starts ended. */
    @Override
    public void close() {
        for (CompletableFuture<WorkerProcess> start : starts) {
            try {
                start.join().close(0);
            } catch (CompletionException failedAnyway) {
                // nothing was left running by a start that failed
            }
        }
    }
}
