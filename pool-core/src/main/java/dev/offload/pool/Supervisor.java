package dev.offload.pool;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.LockSupport;

/**
 * The pool's housekeeping thread: enforces job deadlines and cancels, kills workers that stop
 * answering or ignore a cancel, and keeps the number of workers between min and max, with back-off
 * when workers die at start-up. It parks between ticks: 10 ms while jobs run, 250 ms when idle, so
 * an idle pool costs a few wake-ups a second.
 */
final class Supervisor implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(Supervisor.class);
    static final int CRASH_LOOP_THRESHOLD = 5;
    private static final long BUSY_TICK_NANOS = 10_000_000L;
    private static final long IDLE_TICK_NANOS = 250_000_000L;
    private static final long MAX_BACKOFF_NANOS = 10_000_000_000L;

    private final WorkerPool pool;
    private final Spawner spawner;
    private final Thread thread;
    private final ConcurrentLinkedQueue<Job> cancels = new ConcurrentLinkedQueue<>();
    private volatile boolean stopped;

    Supervisor(WorkerPool pool, Spawner spawner) {
        this.pool = pool;
        this.spawner = spawner;
        this.thread = new Thread(this, "offload-supervisor");
        this.thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    /** Non-blocking: callable from a caller's thread. */
    void wake() {
        LockSupport.unpark(thread);
    }

    /** A caller cancelled a running job: stop it on its worker (from this thread, not the caller's). */
    void cancelRunning(Job job) {
        cancels.add(job);
        wake();
    }

    @Override
    public void run() {
        while (!stopped) {
            try {
                tick(System.nanoTime());
            } catch (RuntimeException e) {
                LOG.error("supervisor tick failed; continuing", e);
            }
            LockSupport.parkNanos(this, pool.counters().busy.get() > 0 || spawner.isBackingOff() ? BUSY_TICK_NANOS : IDLE_TICK_NANOS);
        }
    }

    private void tick(long now) {
        Job cancelled;
        while ((cancelled = cancels.poll()) != null) {
            WorkerSlot slot = cancelled.slot;
            if (slot != null && slot.current() == cancelled) {
                stopOnWorker(slot, cancelled, now, "was cancelled by its caller");
            }
        }
        long heartbeatTimeout = pool.config().heartbeatTimeout().toNanos();
        for (WorkerSlot slot : pool.slots()) {
            Job job = slot.current();
            if (job == null) {
                continue;
            }
            if (now - job.deadline() >= 0 && pool.completer().failWith(job, timeout(job, now))) {
                stopOnWorker(slot, job, now, "timed out");
            }
            long killAt = slot.killAt;
            if (killAt != 0 && now - killAt >= 0 && slot.current() == job) {
                slot.kill("was killed because " + job.describe() + " did not stop within jobs.cancelGrace ("
                        + pool.config().cancelGrace().toMillis() + " ms)");
            } else if (now - slot.lastHeard > heartbeatTimeout && slot.current() == job) {
                slot.kill("sent no heartbeat for " + (now - slot.lastHeard) / 1_000_000 + " ms (workers.heartbeatTimeout "
                        + pool.config().heartbeatTimeout().toMillis() + " ms) and was killed");
            }
        }
        if (pool.hasTimeouts()) {
            for (Job job : pool.queue().waiting()) {
                if (now - job.deadline() >= 0 && pool.queue().remove(job)) {
                    pool.completer().failWith(job, timeout(job, now));
                }
            }
        }
        spawner.maintain(now);
    }

    private void stopOnWorker(WorkerSlot slot, Job job, long now, String why) {
        long grace = pool.config().cancelGrace().toNanos();
        LOG.debug("{} {} on worker {}: asking it to stop", job.describe(), why, slot.id());
        slot.sendCancel(job);
        slot.killAt = now + Math.max(1, grace);
    }

    private static JobTimeoutException timeout(Job job, long now) {
        long waited = (job.startedAt == 0 ? now : job.startedAt) - job.submittedAt;
        Duration limit = Duration.ofNanos(job.timeoutNanos);
        return new JobTimeoutException(job.describe() + " timed out after " + limit.toMillis() + " ms ("
                + waited / 1_000_000 + " ms waiting for a worker"
                + (job.startedAt == 0 ? ")" : ", " + (now - job.startedAt) / 1_000_000 + " ms running on attempt " + job.attempts + ")"),
                limit);
    }

    static long backoffNanos(int consecutiveFailures) {
        long delay = 100_000_000L << Math.min(20, Math.max(0, consecutiveFailures - 1));
        return Math.min(MAX_BACKOFF_NANOS, delay);
    }

    void stop() {
        stopped = true;
        wake();
        try {
            thread.join(2_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
