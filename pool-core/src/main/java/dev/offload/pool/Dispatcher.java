package dev.offload.pool;

import java.io.IOException;

/**
 * Sends jobs to workers. {@link #trySend} runs on a caller's thread inside {@code submit()} and
 * never waits: it writes the JOB frame itself into the least loaded worker that has credit.
 * {@link #refill} and {@link #dispatchQueued} run on the reader role's holder and move jobs from
 * the admission queue to workers as credit frees.
 */
final class Dispatcher {
    private final WorkerPool pool;

    Dispatcher(WorkerPool pool) {
        this.pool = pool;
    }

    /** Caller's thread: true when {@code job} went straight to a worker. */
    boolean trySend(Job job) {
        WorkerLink link = pick();
        // The job was made on this thread a moment ago: its submit time serves as its send time.
        if (link != null && send(link, job, false, job.submittedAt)) {
            pool.counters().sentBySubmit.increment();
            pool.reader().submittedOnLoop();
            return true;
        }
        return false;
    }

    /**
     * The worker with the fewest jobs in flight among those with credit; among equals the one that
     * answered last (hot caches, a spinning reader), so idle workers stay asleep and time out.
     */
    WorkerLink pick() {
        WorkerLink best = null;
        for (WorkerLink link : pool.links()) {
            if (!link.hasCredit()) {
                continue;
            }
            if (best == null || link.load() < best.load()
                    || (link.load() == best.load() && link.lastAnswer - best.lastAnswer > 0)) {
                best = link;
            }
        }
        return best;
    }

    /**
     * Role holder, after {@code link} answered: gives it queued jobs while it has credit.
     * {@code mayWait} false on a holder that must never block (an attached event loop): a send that
     * would wait is left to the pool's reader thread ({@link PoolReader#dispatchMayWait}).
     * {@code now}: a nanoTime the holder read a moment ago, the sends' time.
     */
    void refill(WorkerLink link, boolean mayWait, long now) {
        while (link.hasCredit()) {
            Job job = pool.queue().take();
            if (job == null) {
                return;
            }
            if (job.isDone()) {
                pool.queue().taken();
                continue; // cancelled or timed out while it waited
            }
            if (!send(link, job, mayWait, now)) {
                pool.queue().putBack(job);
                if (!mayWait) {
                    pool.reader().dispatchMayWait();
                }
                return;
            }
            pool.queue().taken();
        }
    }

    /** Role holder: gives queued jobs to every worker with credit; {@code mayWait} as for {@link #refill}. */
    void dispatchQueued(boolean mayWait) {
        long now = System.nanoTime();
        while (pool.queue().size() > 0) {
            WorkerLink link = pick();
            if (link == null) {
                return;
            }
            int before = link.load();
            refill(link, mayWait, now);
            if (link.load() == before) {
                return; // it refused (its channel is busy or going): the next answer or request retries, else the supervisor's next tick
            }
        }
    }

    /**
     * Role holder: a worker that has not answered for its stall time ({@link WorkerLink#stalled})
     * gives back the jobs it has not started, and they go ahead of the queued ones to workers with
     * room. Nothing moves unless another worker, not stalled itself, has credit now. {@code now}:
     * a nanoTime read a moment ago; {@code mayWait} as for {@link #refill}.
     */
    void rebalance(long now, boolean mayWait) {
        WorkerLink[] links = pool.links();
        if (links.length < 2) {
            return;
        }
        for (WorkerLink link : links) {
            if (link.passedOverAt != 0) {
                if (link.resumed() && pool.queue().size() > 0) {
                    dispatchQueued(mayWait);
                }
                continue;
            }
            if (link.load() == 0 || !link.stalled(now) || !link.accepting() || !anotherHasRoom(link, now)) {
                continue;
            }
            Job[] back = link.withdrawUnstarted(mayWait);
            if (back.length > 0) {
                for (Job job : back) {
                    pool.queue().requeue(job);
                }
                pool.counters().withdrawn.add(back.length);
                dispatchQueued(mayWait);
            }
        }
    }

    /** True when a worker other than {@code stalled} has credit and is not stalled itself. */
    boolean anotherHasRoom(WorkerLink stalled, long now) {
        for (WorkerLink link : pool.links()) {
            if (link != stalled && link.hasCredit() && !link.stalled(now)) {
                return true;
            }
        }
        return false;
    }

    /** Package-private for a test that replays a cancel landing between a refill's poll and this send. */
    boolean send(WorkerLink link, Job job, boolean mayWait) {
        return send(link, job, mayWait, System.nanoTime());
    }

    /** {@code now}: the send's nanoTime, read by the caller (a clock read costs tens of ns). */
    private boolean send(WorkerLink link, Job job, boolean mayWait, long now) {
        try {
            if (!link.tryDispatch(job, mayWait, pool.config().maxJobsPerWorker(), pool.counters(), now)) {
                return false;
            }
            // A cancel that came after the job left the admission queue and before tryDispatch set
            // its link found it neither queued nor on a worker. Dekker on two volatiles: the link
            // is written before this read of the future, and the cancel completes the future before
            // its hook reads the link, so one of the two sees the other and the worker is told.
            if (job.future.isCancelled()) {
                pool.supervisor().cancelRunning(job);
            }
            return true;
        } catch (IOException | RuntimeException e) {
            // The worker is going (its channel closed or broke): the reader role reaps it.
            link.gone = true;
            pool.reader().wakeUp();
            return false;
        }
    }
}
