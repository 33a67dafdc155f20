package dev.offload.pool;

import dev.offload.transport.internal.shm.RunQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.LockSupport;

/**
 * The pool's housekeeping thread ({@code offload-supervisor}): enforces job deadlines and cancels,
 * kills workers that stop answering or ignore a cancel, hands the reading to a fresh thread when a
 * callback holds it too long, retires idle and worn-out workers, and keeps the number of workers
 * between min and max. It parks between ticks: 10 ms while jobs run, 1 s once nothing has been
 * in flight for 100 ms, so an idle pool costs a few wake-ups a second. The first job after such an
 * idle spell wakes it ({@link #noteWork}), so that its busy ticks, and their sampling of the
 * machine for the spin gate, start with the work rather than up to 1 s later; a worker lost while
 * idle wakes it too ({@code WorkerLoss}).
 */
final class Supervisor implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(Supervisor.class);
    static final int CRASH_LOOP_THRESHOLD = 5;
    private static final long BUSY_TICK_NANOS = 10_000_000L;
    private static final long IDLE_TICK_NANOS = 1_000_000_000L;
    /** Ticks with nothing in flight for this long before the idle tick: a caller between jobs is not idle. */
    private static final long QUIET_BEFORE_IDLE_NANOS = 100_000_000L;
    private static final long MAX_BACKOFF_NANOS = 10_000_000_000L;
    static final long MAX_KILLED_START_BACKOFF_NANOS = 2_000_000_000L;
    /**
     * A direct completion blocked (waiting, sleeping, on a lock) longer than this has the reading
     * taken over by a fresh thread; one still running (computing, or in a native read) gets
     * {@link #CALLBACK_BUSY_NANOS}: a thread merely preempted on a loaded machine is not stuck.
     */
    static final long CALLBACK_STALL_NANOS = 10_000_000L;
    static final long CALLBACK_BUSY_NANOS = 100_000_000L;

    private final WorkerPool pool;
    private final Spawner spawner;
    private final Thread thread;
    private final ConcurrentLinkedQueue<Job> cancels = new ConcurrentLinkedQueue<>();
    private volatile boolean stopped;
    /** True while this thread sleeps its idle tick: a submit then wakes it ({@link #noteWork}). */
    private volatile boolean idleTick;
    /** The first rescue of a stalled callback is a warning, later ones are debug lines. */
    private boolean warnedStall;
    /** Whether the spin gate should say every core is taken: two samples in a row. */
    private final BusyMark busyMark = new BusyMark();

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

    /**
     * From {@code submit()}: work has come. After an idle spell the spin gate still says the cores
     * are free (so that a lone caller's first jobs get spinning readers), and a burst that fills the
     * machine would have every reader spinning against it until the ticks sample the run queue;
     * woken now, this thread samples it at once and marks the gate busy one busy tick later (two
     * samples in a row, {@link BusyMark}). One volatile read per submit, an unpark per idle spell.
     * Non-blocking.
     */
    void noteWork() {
        if (idleTick) {
            idleTick = false;
            pool.counters().supervisorWokenByWork.increment();
            LockSupport.unpark(thread);
        }
    }

    /** True while this thread sleeps its idle tick (for tests). */
    boolean inIdleTick() {
        return idleTick;
    }

    /** A caller cancelled a job a worker holds: stop it there (from this thread, not the caller's). */
    void cancelRunning(Job job) {
        cancels.add(job);
        wake();
    }

    @Override
    public void run() {
        long lastBusy = System.nanoTime();
        while (!stopped) {
            boolean busy = false;
            long now = System.nanoTime();
            try {
                busy = tick(now);
            } catch (RuntimeException e) {
                LOG.error("supervisor tick failed; continuing", e);
            }
            if (busy) {
                lastBusy = now;
            }
            // Not idle while jobs wait or a worker starts: a pool whose workers were all killed has work
            // to recover, one step a tick (measured: a kill every 300 ms outpaced 1 s ticks).
            boolean idle = !busy && pool.queue().size() == 0 && pool.counters().starting.get() == 0
                    && !spawner.isBackingOff() && now - lastBusy >= QUIET_BEFORE_IDLE_NANOS;
            idleTick = idle;
            LockSupport.parkNanos(this, idle ? IDLE_TICK_NANOS : BUSY_TICK_NANOS);
            idleTick = false;
        }
    }

    /** True while any worker holds a job. */
    private boolean tick(long now) {
        Job cancelled;
        while ((cancelled = cancels.poll()) != null) {
            WorkerLink link = cancelled.link;
            if (link != null && !link.reaped) {
                stopOnWorker(link, cancelled, now, "was cancelled by its caller");
            }
        }
        boolean busy = false;
        for (WorkerLink link : pool.links()) {
            busy |= watch(link, now);
        }
        if (!busy) {
            pool.spinGate().markBusy(false); // idle: the next burst starts as if cores were free
            busyMark.reset();
        }
        if (pool.hasTimeouts()) {
            for (Job job : pool.queue().waiting()) {
                if (now - job.deadline() >= 0 && pool.queue().remove(job)) {
                    pool.completer().failWith(job, timeout(job, now));
                }
            }
        }
        if (pool.queue().size() > 0 && pool.dispatcher().pick() != null) {
            // Jobs wait while a worker has credit. Usually a dispatch is on its way; but a refill the
            // worker refused (its dispatch lock or channel busy for a moment) with nothing in flight
            // has no answer to retry it, and the job would wait until the next submit. Ask again.
            pool.counters().dispatchNudges.increment();
            pool.reader().requestDispatch();
        }
        for (WorkerLink link : pool.links()) {
            // Jobs wait inside a worker that has not answered for a while: the role holder moves
            // them when it reads an answer, but no answer may come (the other workers idle).
            if (link.load() > 1 && now - link.headSince > WorkerLink.STALL_MIN_NANOS
                    && pool.dispatcher().anotherHasRoom(link, now)) {
                pool.reader().requestDispatch();
                break;
            }
        }
        rescueStalledReader(now);
        if (busy) {
            pool.spinGate().markBusy(busyMark.sample(RunQueue.allCoresTaken()));
        }
        spawner.maintain(now);
        if (pool.isDraining()) {
            pool.checkTerminated();
        }
        return busy;
    }

    /** A holder of the reader role stuck in user code: a fresh reader thread takes the reading over. */
    private void rescueStalledReader(long now) {
        Thread stalled = pool.reader().role.stalledSince(now - CALLBACK_STALL_NANOS);
        if (stalled == null) {
            return;
        }
        boolean blocked = stalled.getState() != Thread.State.RUNNABLE;
        long limit = blocked ? CALLBACK_STALL_NANOS : CALLBACK_BUSY_NANOS;
        if (ReaderThread.rescue(pool, pool.reader(), now - limit) == null) {
            return;
        }
        String message = "a job's completion on {} has {} for over {} ms: another thread reads the answers now"
                + " (complete on an executor with JobOptions.withExecutor, or set jobs.completion: executor)";
        if (!warnedStall) {
            warnedStall = true;
            LOG.warn(message, stalled.getName(), blocked ? "blocked" : "run", limit / 1_000_000);
        } else {
            LOG.debug(message, stalled.getName(), blocked ? "blocked" : "run", limit / 1_000_000);
        }
    }

    /** Deadlines, cancels, heartbeats and retirement of one worker; true while it holds jobs. */
    private boolean watch(WorkerLink link, long now) {
        if (link.reaped) {
            return false;
        }
        Job[] held = link.inFlight.snapshot();
        long timeoutNanos = pool.config().heartbeatTimeout().toNanos();
        long passedOverAt = link.passedOverAt;
        if (passedOverAt != 0 && !link.resumed()) {
            long lastSign = Math.max(passedOverAt, Math.max(link.lastHeard, link.headSince));
            if (now - lastSign > timeoutNanos) {
                link.kill("did not run for " + (now - lastSign) / 1_000_000
                        + " ms after the jobs waiting in it went to other workers (workers.heartbeatTimeout "
                        + pool.config().heartbeatTimeout().toMillis() + " ms) and was killed");
            }
        }
        if (held.length == 0) {
            retireIfDue(link, now);
            return false;
        }
        for (Job job : held) {
            if (job != null && now - job.deadline() >= 0 && pool.completer().failWith(job, timeout(job, now))) {
                stopOnWorker(link, job, now, "timed out");
            }
        }
        Job running = link.inFlight.peekAny();
        long killAt = link.killAt;
        if (killAt != 0 && now - killAt >= 0 && running != null && running == link.killFor) {
            link.kill("was killed because " + running.describe() + " did not stop within jobs.cancelGrace ("
                    + pool.config().cancelGrace().toMillis() + " ms)");
        } else {
            long heard = Math.max(link.lastHeard, link.headSince);
            if (running != null && now - heard > timeoutNanos) {
                link.kill("sent no heartbeat for " + (now - heard) / 1_000_000 + " ms (workers.heartbeatTimeout "
                        + pool.config().heartbeatTimeout().toMillis() + " ms) and was killed");
            }
        }
        return true;
    }

    /**
     * A worker holding nothing: recycled after workers.maxJobs, stopped after workers.idleTimeout
     * above workers.min, or gone once a shm worker took its place as a stand-in.
     */
    private void retireIfDue(WorkerLink link, long now) {
        if (pool.isDraining()) {
            return; // checkTerminated retires them all
        }
        if (!link.accepting() && !link.gone) {
            String by = link.supersededBy;
            if (by != null) {
                pool.retire(link, false, "retired: shm worker " + by + " took the place of this pipe stand-in");
            } else {
                pool.retire(link, true, "retired after workers.maxJobs (" + pool.config().maxJobsPerWorker() + " jobs)"); // a fresh worker replaces it
            }
            return;
        }
        long idleTimeout = pool.config().idleTimeout().toNanos();
        if (pool.links().length > pool.config().minWorkers() && idleTimeout > 0
                && link.retireIfIdle(now - idleTimeout)) {
            LOG.debug("worker {} idle for {} ms: stopping it", link.id(), pool.config().idleTimeout().toMillis());
            pool.retire(link, false, "retired: idle for workers.idleTimeout (" + pool.config().idleTimeout().toMillis() + " ms)");
        }
    }

    /**
     * Asks the worker to stop {@code job}: a job still waiting behind another is skipped when its
     * turn comes; the running one gets {@code jobs.cancelGrace} to notice, then its worker is killed.
     */
    private void stopOnWorker(WorkerLink link, Job job, long now, String why) {
        LOG.debug("{} {} on worker {}: asking it to stop", job.describe(), why, link.id());
        link.sendCancel(job);
        if (link.inFlight.peekAny() == job && link.killFor != job) { // asked twice: keep the first deadline
            link.killFor = job;
            link.killAt = now + Math.max(1, pool.config().cancelGrace().toNanos());
        }
    }

    private static JobTimeoutException timeout(Job job, long now) {
        long sent = job.sentAt;
        long waited = (sent == 0 ? now : sent) - job.submittedAt;
        Duration limit = Duration.ofNanos(job.timeoutNanos);
        return new JobTimeoutException(job.describe() + " timed out after " + limit.toMillis() + " ms ("
                + waited / 1_000_000 + " ms waiting for a worker"
                + (sent == 0 ? ")" : ", then " + (now - sent) / 1_000_000 + " ms on a worker, attempt " + job.attempts + ")"),
                limit);
    }

    static long backoffNanos(int consecutiveFailures) {
        long delay = 100_000_000L << Math.min(20, Math.max(0, consecutiveFailures - 1));
        return Math.min(MAX_BACKOFF_NANOS, delay);
    }

    /**
     * After start-ups killed from outside: 100 ms doubling up to {@link #MAX_KILLED_START_BACKOFF_NANOS}.
     * Shorter than for failures: the next start is likely to live, and jobs are waiting for it; long
     * enough that a killer that takes every new JVM (memory pressure) is not fed a start a millisecond.
     */
    static long killedStartBackoffNanos(int consecutiveKills) {
        long delay = 100_000_000L << Math.min(20, Math.max(0, consecutiveKills - 1));
        return Math.min(MAX_KILLED_START_BACKOFF_NANOS, delay);
    }

    void stop() {
        stopped = true;
        wake();
        if (Thread.currentThread() != thread) {
            try {
                thread.join(2_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
