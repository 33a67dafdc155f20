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
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * Starts workers, outside any lock and off the callers' threads ({@code offload-spawn-N}), and
 * decides how many: at least {@code workers.min}, more up to {@code workers.max} while jobs wait
 * with no idle worker.
 *
 * <p>Failed start-ups back off exponentially. Two kinds:
 * <ul>
 *   <li>a worker that failed by itself (an exit code without a signal, a crash, no HELLO within
 *       {@code workers.startTimeout}): after {@link Supervisor#CRASH_LOOP_THRESHOLD} in a row the
 *       pool is in a crash loop: waiting jobs fail with the cause, and starts are only retried at
 *       the longest back-off while there is demand; after each failure, starts are probed one at
 *       a time;</li>
 *   <li>a worker killed during start-up by a signal the pool did not send (the OOM killer, an
 *       operator's {@code kill}): never a crash loop. Starts go on, backing off up to
 *       {@link Supervisor#MAX_KILLED_START_BACKOFF_NANOS}, and waiting jobs keep waiting while
 *       they have time left.</li>
 * </ul>
 * The first start that succeeds ends both runs. The pool's starts and the stand-ins' replacements
 * (below) each keep their back-off in a {@link StartBackoff}.
 *
 * <p>Stand-ins: a pool whose first workers started over pipes while this JVM readies shared memory
 * ({@link InitialStarts}) has them replaced here, one shm start at a time: once a shm worker said
 * HELLO, one stand-in stops taking jobs and retires when it holds none (so the pool has one worker
 * more than it asked for, for as long as that stand-in's last jobs run). A stand-in that dies is
 * replaced like any worker, over shm. Replacing stand-ins never fails a job nor counts towards a
 * crash loop: a replacement killed from outside is tried again after a back-off, as one that failed
 * by itself is; {@link Supervisor#CRASH_LOOP_THRESHOLD} of those in a row end the replacing, with an
 * ERROR that names the cause, and the stand-ins keep serving.
 */
final class Spawner implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Spawner.class);

    private final WorkerPool pool;
    private final WorkerLauncher launcher;
    private final ExecutorService executor;
    private final AtomicInteger nextId = new AtomicInteger();
    private final AtomicInteger pendingReplacements = new AtomicInteger();
    /** The back-off of the pool's starts (spawn()). */
    private final StartBackoff starts = new StartBackoff();
    private volatile boolean crashLoop;
    private volatile String lastFailure = "";
    /** A shm start that replaces a stand-in is under way (one at a time). */
    private volatile boolean replacingStandIn;
    /** The id of that start, while it is under way. */
    private volatile String standInReplacement;
    /** Set when a stand-in's replacement failed by itself, or came up over pipes: stand-ins stay. */
    private volatile boolean standInsStay;
    /** The back-off of the starts that replace a stand-in (replaceStandIn()). */
    private final StartBackoff standInReplacements = new StartBackoff();
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
        return starts.isBackingOff();
    }

    boolean inCrashLoop() {
        return crashLoop;
    }

    /** True once replacing stand-ins has been given up (shm workers cannot start, or fell back to pipes). */
    boolean standInsStay() {
        return standInsStay;
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
        replaceStandIn(now);
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
        if (starts.hasFailures()) {
            if (!starts.isDue(now) || starting > 0) {
                return;
            }
            want = 1; // while failing, probe with one start at a time
        } else if (starts.hasKills() && !starts.isDue(now)) {
            return; // killed from outside: wait out the back-off, then start as many as are wanted
        }
        for (int i = 0; i < want; i++) {
            spawn();
        }
    }

    /** Starts a shm worker to take a stand-in's place, if one serves and no such start is under way. */
    private void replaceStandIn(long now) {
        if (replacingStandIn || standInsStay || pool.isDraining() || !standInReplacements.isDue(now)
                || pool.standIn() == null) {
            return;
        }
        replacingStandIn = true;
        String id = newId();
        standInReplacement = id;
        launchOnSpawnThread(id, worker -> replacedStandIn(id, worker), e -> standInReplacementFailed(id, e), () -> {
            standInReplacement = null;
            replacingStandIn = false; // after starting dropped: a supervisor that reads false no longer counts this start
        });
    }

    private void replacedStandIn(String id, WorkerProcess worker) {
        standInReplacements.succeeded();
        if (!worker.transport().equals("shm")) {
            standInsStay = true; // transport auto fell back: there is no shm to move to
        }
        pool.addLink(worker);
        WorkerLink standIn = pool.standIn();
        if (standIn != null) {
            LOG.debug("shm worker {} takes the place of pipe stand-in {}", id, standIn.id());
            standIn.supersede(id);
        }
    }

    private void standInReplacementFailed(String id, Exception e) {
        if (pool.isDraining()) {
            LOG.debug("worker {}, starting to replace a pipe stand-in, stopped: {}", id, e.getMessage());
            return;
        }
        if (killedFromOutside(e)) {
            StartBackoff.Retry retry = standInReplacements.killed();
            LOG.warn("worker {}, starting over shared memory to replace a pipe stand-in, was killed by a signal"
                    + " the pool did not send: trying again in {} ms", id, retry.inNanos() / 1_000_000);
            return;
        }
        StartBackoff.Retry retry = standInReplacements.failedByItself();
        if (retry.inARow() < Supervisor.CRASH_LOOP_THRESHOLD) {
            LOG.warn("worker {}, starting over shared memory to replace a pipe stand-in, failed ({} in a row):"
                    + " trying again in {} ms: {}", id, retry.inARow(), retry.inNanos() / 1_000_000, e.getMessage());
        } else {
            standInsStay = true; // for good: replaceStandIn() never looks at the back-off again
            LOG.error("worker {} could not start over shared memory ({} in a row), so the pool's pipe workers that"
                    + " stand in for shm workers keep serving: {}", id, retry.inARow(), e.getMessage());
        }
    }

    /** The pool drains: a shm start that would replace a stand-in is stopped, so that it does not hold the drain up. */
    void abortStandInReplacement() {
        String id = standInReplacement;
        if (id != null) {
            launcher.abortStart(id);
        }
    }

    private void spawn() {
        String id = newId();
        launchOnSpawnThread(id, this::started, e -> failed(id, e), () -> { });
    }

    /**
     * Starts worker {@code id} on a spawn thread, counted in {@link Counters#starting} until it ends;
     * then {@code started} (whose exception fails the start) or {@code failed}, then {@code ended} once
     * the start no longer counts, and a wake-up for the supervisor.
     */
    private void launchOnSpawnThread(String id, Consumer<WorkerProcess> started, Consumer<Exception> failed,
            Runnable ended) {
        pool.counters().starting.incrementAndGet();
        executor.execute(() -> {
            long began = System.nanoTime();
            try {
                WorkerProcess worker = launcher.launch(id);
                JfrEvents.workerStarted(worker, System.nanoTime() - began);
                started.accept(worker);
            } catch (IOException | RuntimeException e) {
                JfrEvents.workerExited(id, 0, e instanceof WorkerStartException s ? s.exitCode() : -1,
                        "failed to start: " + e.getMessage());
                failed.accept(e);
            } finally {
                pool.counters().starting.decrementAndGet();
                ended.run();
                pool.supervisor().wake();
            }
        });
    }

    private static boolean killedFromOutside(Exception e) {
        return e instanceof WorkerStartException start && ExitStatus.killedFromOutside(start.exitCode());
    }

    private void started(WorkerProcess worker) {
        starts.succeeded();
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
        if (pool.isClosing()) {
            LOG.debug("worker {} stopped while starting: {}", id, e.getMessage()); // close() stopped it
            return;
        }
        pool.counters().crashes.increment();
        if (killedFromOutside(e)) {
            StartBackoff.Retry retry = starts.killed();
            LOG.warn("worker {} was killed during start-up by a signal the pool did not send ({} in a row; not a crash loop):"
                    + " starting another in {} ms", id, retry.inARow(), retry.inNanos() / 1_000_000);
            return;
        }
        lastFailure = e.getMessage();
        StartBackoff.Retry retry = starts.failedByItself();
        if (retry.inARow() >= Supervisor.CRASH_LOOP_THRESHOLD) {
            if (!crashLoop) {
                crashLoop = true;
                LOG.error("workers failed to start {} times in a row; failing waiting jobs and retrying every {} s. Last failure: {}",
                        retry.inARow(), retry.inNanos() / 1_000_000_000L, e.getMessage());
            }
            pool.failWaiting(crashLoopException());
        } else {
            LOG.warn("worker {} failed to start ({} in a row), retrying in {} ms: {}", id, retry.inARow(),
                    retry.inNanos() / 1_000_000, e.getMessage());
        }
    }

    WorkerCrashedException crashLoopException() {
        return new WorkerCrashedException("no worker can be started: " + starts.failures()
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
