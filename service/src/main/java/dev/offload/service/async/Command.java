package dev.offload.service.async;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Consumer;

/**
 * What the {@code offload-async-jobs} thread is asked to do, by the event loops ({@link Accept},
 * {@link Cancel}, {@link ListFailed}), by the pool ({@link Finished}) and by the service stopping
 * ({@link Stop}). Immutable; handed over through {@link JobKeeper#offer}. An answer goes to
 * {@code reply} on {@code loop}.
 */
sealed interface Command {

    record Accept(String handler, byte[] input, String key, Executor loop, Consumer<Accepted> reply) implements Command {
    }

    record Cancel(String id, Executor loop, Consumer<Cancelled> reply) implements Command {
    }

    record ListFailed(Executor loop, Consumer<List<JobView>> reply) implements Command {
    }

    /** A run of {@code entry} ended; stale if the entry's run is another one by now (it was cancelled). */
    record Finished(JobTable.Entry entry, CompletableFuture<byte[]> run, byte[] result, Throwable failure) implements Command {
    }

    record Stop() implements Command {
    }
}
