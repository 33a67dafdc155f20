package dev.offload.pool;

import dev.offload.launcher.internal.ExitStatus;
import dev.offload.launcher.internal.WorkerLauncher;
import dev.offload.launcher.internal.WorkerProcess;
import dev.offload.launcher.internal.WorkerStartException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.locks.LockSupport;

/**
 * A pool's first {@code workers.min} worker starts ({@code w1}…{@code wN}), all forked at once
 * from {@link WorkerPool#start} before the rest of the pool is built, so that the worker JVMs boot
 * meanwhile. Each start runs on its own short-lived thread, {@code offload-start-wN}; the
 * {@link Spawner} takes the workers over once the pool exists. Over shm, in a JVM that has not used
 * shared memory yet, they start over pipes as stand-ins ({@link WorkerLauncher#startsOverPipeFirst});
 * the {@link Spawner} then replaces them one by one by shm workers.
 */
final class InitialStarts implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(InitialStarts.class);
    private static final int MAX_KILLED_STARTS = 5;
    private final List<CompletableFuture<WorkerProcess>> starts = new ArrayList<>();
    private final boolean standIns;

    private InitialStarts(boolean standIns) {
        this.standIns = standIns;
    }

    static InitialStarts begin(WorkerLauncher launcher, int count) {
        boolean standIns = launcher.startsOverPipeFirst();
        InitialStarts initial = new InitialStarts(standIns);
        for (int i = 1; i <= count; i++) {
            String id = "w" + i;
            CompletableFuture<WorkerProcess> start = new CompletableFuture<>();
            Thread thread = new Thread(() -> launch(launcher, id, standIns, start), "offload-start-" + id);
            thread.setDaemon(true);
            thread.start();
            initial.starts.add(start);
        }
        return initial;
    }

    /** A start killed by a signal from outside is tried again, as the {@link Spawner} does, a few times. */
    private static void launch(WorkerLauncher launcher, String id, boolean standIn, CompletableFuture<WorkerProcess> start) {
        for (int kills = 1; ; kills++) {
            long began = System.nanoTime();
            try {
                WorkerProcess worker = standIn ? launcher.launchStandIn(id) : launcher.launch(id);
                JfrEvents.workerStarted(worker, System.nanoTime() - began);
                start.complete(worker);
                return;
            } catch (WorkerStartException e) {
                JfrEvents.workerExited(id, 0, e.exitCode(), "failed to start: " + e.getMessage());
                if (!ExitStatus.killedFromOutside(e.exitCode()) || kills >= MAX_KILLED_STARTS) {
                    start.completeExceptionally(e);
                    return;
                }
                long delay = Supervisor.killedStartBackoffNanos(kills);
                LOG.warn("worker {} was killed during start-up by a signal the pool did not send: starting it again in {} ms",
                        id, delay / 1_000_000);
                LockSupport.parkNanos(delay); // a back-off on this start's own thread, not synchronisation
            } catch (IOException | RuntimeException e) {
                JfrEvents.workerExited(id, 0, -1, "failed to start: " + e.getMessage());
                start.completeExceptionally(e);
                return;
            } catch (Throwable e) {
                // An Error here (a class that fails to initialise, out of memory) must still end the
                // start: WorkerPool.start waits for it, and a future never completed would hang it.
                start.completeExceptionally(e);
                throw e;
            }
        }
    }

    /** True when these workers start over pipes as stand-ins for shm workers. */
    boolean standIns() {
        return standIns;
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
