package dev.offload.pool;

import dev.offload.launcher.WorkerLauncher;
import dev.offload.launcher.WorkerProcess;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Starts workers, outside any lock and off the callers' threads, and decides how many: at least
 * {@code workers.min}, more up to {@code workers.max} while jobs wait with no idle worker. A run of
 * start-up failures backs off exponentially; after {@link Supervisor#CRASH_LOOP_THRESHOLD} in a row
 * the pool is in a crash loop: waiting jobs fail with the cause, and starts are only retried at
 * the longest back-off while there is demand. The first start that succeeds ends it.
 */
final class Spawner implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Spawner.class);

    private final WorkerPool pool;
    private final WorkerLauncher launcher;
    private final ExecutorService executor;
    private final AtomicInteger nextId = new AtomicInteger();
    private final AtomicInteger pendingReplacements = new AtomicInteger();
    private volatile int consecutiveFailures;
    private volatile long nextAttemptAt;
    private volatile boolean crashLoop;
    private volatile String lastFailure = "";
    /** A submit found no worker while in a crash loop: try a start at the next back-off. */
    volatile boolean demand;

    Spawner(WorkerPool pool, WorkerLauncher launcher) {
        this.pool = pool;
        this.launcher = launcher;
        AtomicInteger n = new AtomicInteger();
        this.executor = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "offload-spawn-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    boolean isBackingOff() {
        return consecutiveFailures > 0;
    }

    boolean inCrashLoop() {
        return crashLoop;
    }

    String lastFailure() {
        return lastFailure;
    }

    void replacementNeeded() {
        pendingReplacements.incrementAndGet();
    }

    /**
     * Takes over the pool's first workers: each one that started joins the pool, and new ids
     * continue after theirs; the first start that failed is thrown once all have ended.
     */
    void adopt(InitialStarts initial) throws IOException {
        nextId.set(initial.count());
        List<WorkerProcess> started = new ArrayList<>();
        try {
            initial.await(started);
        } finally {
            started.forEach(pool::addLink);
        }
    }

    /** Called by the supervisor each tick. */
    void maintain(long now) {
        if (pool.isClosing()) {
            return;
        }
        Counters c = pool.counters();
        int live = pool.links().length;
        int starting = c.starting.get();
        int queued = pool.queue().size();
        int want;
        if (pool.isDraining()) {
            want = queued > 0 && live + starting == 0 ? 1 : 0;
        } else {
            want = Math.max(0, pool.config().minWorkers() - live - starting);
            if (queued > 0 && pool.dispatcher().pick() == null) {
                // Jobs wait and no worker can take one: start more, up to workers.max.
                want = Math.max(want, Math.min(queued - starting, pool.config().maxWorkers() - live - starting));
            }
        }
        if (crashLoop && demand && live + starting == 0) {
            want = Math.max(want, 1);
        }
        if (want <= 0) {
            return;
        }
        if (consecutiveFailures > 0) {
            if (now - nextAttemptAt < 0 || starting > 0) {
                return;
            }
            want = 1; // while failing, probe with one start at a time
        }
        for (int i = 0; i < want; i++) {
            spawn();
        }
    }

    private void spawn() {
        pool.counters().starting.incrementAndGet();
        String id = newId();
        executor.execute(() -> {
            try {
                WorkerProcess worker = launcher.launch(id);
                started(worker);
            } catch (IOException | RuntimeException e) {
                failed(id, e);
            } finally {
                pool.counters().starting.decrementAndGet();
                pool.supervisor().wake();
            }
        });
    }

    private void started(WorkerProcess worker) {
        consecutiveFailures = 0;
        demand = false;
        if (crashLoop) {
            crashLoop = false;
            LOG.info("worker {} started: the pool is out of its crash loop", worker.id());
        }
        if (pendingReplacements.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            pool.counters().restarts.increment();
        }
        pool.addLink(worker);
    }

    /** Runs {@code task} on a spawn thread; on this one if the pool is past closing its executor. */
    void execute(Runnable task) {
        try {
            executor.execute(task);
        } catch (java.util.concurrent.RejectedExecutionException closed) {
            task.run();
        }
    }

    private void failed(String id, Exception e) {
        int failures = ++consecutiveFailures; // only spawn threads write it, one probe at a time once failing
        pool.counters().crashes.increment();
        lastFailure = e.getMessage();
        nextAttemptAt = System.nanoTime() + Supervisor.backoffNanos(failures);
        if (failures >= Supervisor.CRASH_LOOP_THRESHOLD) {
            if (!crashLoop) {
                crashLoop = true;
                LOG.error("workers failed to start {} times in a row; failing waiting jobs and retrying every {} s. Last failure: {}",
                        failures, Supervisor.backoffNanos(failures) / 1_000_000_000L, e.getMessage());
            }
            pool.failWaiting(crashLoopException());
        } else {
            LOG.warn("worker {} failed to start ({} in a row), retrying in {} ms: {}", id, failures,
                    Supervisor.backoffNanos(failures) / 1_000_000, e.getMessage());
        }
    }

    WorkerCrashedException crashLoopException() {
        return new WorkerCrashedException("no worker can be started: " + consecutiveFailures
                + " start-ups failed in a row; last: " + lastFailure, -1, null, List.of());
    }

    private String newId() {
        return "w" + nextId.incrementAndGet();
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
