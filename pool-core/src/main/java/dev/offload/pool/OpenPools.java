package dev.offload.pool;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The pools of this JVM that are open, and the one JVM shutdown hook ({@code offload-shutdown})
 * that closes them when the JVM exits without their {@code close()} (SIGTERM from systemd or
 * Kubernetes, {@code System.exit}): accepted jobs get {@link #JOB_GRACE}, then the workers are
 * stopped and each pool's shm directory is deleted, all pools at once, within {@link #BUDGET}.
 * Without it, tmpfs (RAM) would keep the pools' queue files until the next pool start swept them.
 *
 * <p>Thread-safe: pools register from {@code WorkerPool.start} and leave from their release.
 */
final class OpenPools {
    private static final Logger LOG = LoggerFactory.getLogger(OpenPools.class);
    /** How long jobs still running when the JVM exits may finish: the hook must not hold up the exit. */
    static final Duration JOB_GRACE = Duration.ofSeconds(2);
    /** The most the hook waits for every pool to be closed; then the JVM exits anyway and orphaned workers clean up. */
    static final Duration BUDGET = Duration.ofSeconds(5);

    private static final Set<WorkerPool> OPEN = ConcurrentHashMap.newKeySet();
    private static final AtomicBoolean HOOKED = new AtomicBoolean();

    private OpenPools() {
    }

    static void opened(WorkerPool pool) {
        if (HOOKED.compareAndSet(false, true)) {
            try {
                Runtime.getRuntime().addShutdownHook(new Thread(OpenPools::closeAll, "offload-shutdown"));
            } catch (IllegalStateException exiting) {
                // the JVM is already shutting down: the pool is closed by whoever started it, or not at all
            }
        }
        OPEN.add(pool);
    }

    static void closed(WorkerPool pool) {
        OPEN.remove(pool);
    }

    /** On {@code offload-shutdown}: closes every open pool, each on its own thread, within {@link #BUDGET}. */
    private static void closeAll() {
        List<WorkerPool> pools = new ArrayList<>(OPEN);
        if (pools.isEmpty()) {
            return;
        }
        LOG.info("the JVM is exiting with {} Offload pool(s) open: closing them (jobs get {} ms)", pools.size(),
                JOB_GRACE.toMillis());
        List<Thread> closers = new ArrayList<>();
        for (WorkerPool pool : pools) {
            Thread closer = new Thread(() -> pool.closeForExit(JOB_GRACE), "offload-shutdown-close");
            closer.setDaemon(true);
            closer.start();
            closers.add(closer);
        }
        long deadline = System.nanoTime() + BUDGET.toNanos();
        for (Thread closer : closers) {
            long left = (deadline - System.nanoTime()) / 1_000_000;
            try {
                if (left > 0) {
                    closer.join(left);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        if (!OPEN.isEmpty()) {
            LOG.warn("{} Offload pool(s) did not close within {} ms of the JVM's exit; their workers exit when they"
                    + " see it gone, and the last one deletes the pool's shm directory", OPEN.size(), BUDGET.toMillis());
        }
    }
}
