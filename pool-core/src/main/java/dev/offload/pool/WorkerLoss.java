package dev.offload.pool;

import dev.offload.launcher.internal.ExitStatus;
import dev.offload.launcher.internal.WorkerProcess;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * What happens after a worker is gone, on a spawn thread (never on the reader role: it waits for
 * the exit code and the stderr tail). The job it was running costs one attempt: it runs again on
 * another worker, or fails with {@link WorkerCrashedException} once its attempts are used up. The
 * jobs queued behind it on that worker never started, and those ahead of it had run but their
 * answers, held back to go out with later ones, died with the worker: all of them go back to the
 * admission queue with their attempt returned. Which job was running is what the worker recorded
 * last ({@link dev.offload.transport.internal.Channel#lastJobStarted}); without that record
 * (pipes, which hold nothing back) it is the oldest the worker held. Then the worker's files go
 * and, unless the pool is closing, a replacement is asked for.
 *
 * <p>One exception to the cost: a worker killed from outside (SIGKILL, SIGTERM: not by the pool)
 * before it had answered anything. A fresh JVM's first job, which loads the classes every job
 * needs, is the likeliest victim of a kill storm whatever the job does, and the job that waited
 * longest is always first on the next fresh worker: charged, it would use up its attempts on
 * other jobs' bad luck. So it is not charged, up to {@code maxAttempts} times (a job that makes the
 * OOM killer strike every fresh worker still ends).
 */
final class WorkerLoss {
    private static final Logger LOG = LoggerFactory.getLogger(WorkerLoss.class);

    private final WorkerPool pool;
    private int pending;

    WorkerLoss(WorkerPool pool) {
        this.pool = pool;
    }

    /**
     * Which of {@code held} (oldest first) the worker was running: the one matching
     * {@code started} ({@code {jobId, attempt}}, the worker's record, or null), else the oldest.
     */
    static int runningIndex(Job[] held, long[] started) {
        if (started != null) {
            for (int i = 0; i < held.length; i++) {
                if (held[i].id == started[0] && held[i].attempts == started[1]) {
                    return i;
                }
            }
        }
        return 0;
    }

    /**
     * Reader role: hands the loss over; {@code held} are the worker's jobs, oldest first, and
     * {@code held[running]} the one it was running.
     */
    void settle(WorkerLink link, Job[] held, int running, IOException cause) {
        synchronized (this) {
            pending++;
        }
        pool.spawner().execute(() -> {
            try {
                run(link, held, running, cause);
            } catch (RuntimeException e) {
                LOG.error("settling the loss of worker {} failed", link.id(), e);
            } finally {
                synchronized (this) {
                    pending--;
                    notifyAll();
                }
                pool.checkTerminated();
            }
        });
    }

    synchronized int pending() {
        return pending;
    }

    /** Waits up to {@code millis} for every loss handed over so far to be settled. */
    synchronized void awaitAll(long millis) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        try {
            while (pending > 0) {
                long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (left <= 0) {
                    return;
                }
                wait(left);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void run(WorkerLink link, Job[] held, int running, IOException cause) {
        WorkerProcess worker = link.worker;
        int exit = exitCode(worker);
        List<String> tail = worker.stderrTail(500);
        String reason = link.killReason;
        String how = reason != null ? reason + " (" + ExitStatus.describe(exit) + ")" : ExitStatus.describe(exit);
        if (reason == null || reason.startsWith("sent no heartbeat")) {
            pool.counters().crashes.increment();
        }
        boolean freshAndKilled = reason == null && ExitStatus.killedFromOutside(exit) && link.lastAnswer == 0;
        for (int i = 0; i < held.length; i++) {
            Job job = held[i];
            job.link = null;
            if (job.isDone()) {
                continue;
            }
            if (pool.isClosing()) {
                pool.completer().failWith(job, new OffloadException("the pool closed before " + job.describe() + " finished"), link);
            } else if (i != running) {
                job.attempts--; // it waited behind the running job, or ran and its answer was held back: not its fault
                pool.queue().requeue(job);
            } else if (freshAndKilled && job.unchargedLosses < job.maxAttempts) {
                job.unchargedLosses++;
                job.attempts--;
                LOG.warn("worker {} {} before its first answer, while running {}: running it again on another worker,"
                        + " attempt not counted{}", link.id(), how, job.describe(), tailForLog(tail));
                pool.queue().requeue(job);
            } else if (job.attempts < job.maxAttempts) {
                LOG.warn("worker {} {} while running {} (attempt {} of {}): running it again on another worker{}",
                        link.id(), how, job.describe(), job.attempts, job.maxAttempts, tailForLog(tail));
                pool.queue().requeue(job);
            } else {
                String message = "worker " + link.id() + " (pid " + worker.pid() + ") " + how + " while running "
                        + job.describe() + " on attempt " + job.attempts + " of " + job.maxAttempts
                        + (cause == null || cause.getMessage() == null ? "" : "; channel: " + cause.getMessage())
                        + (tail.isEmpty() ? "" : "; last stderr lines:\n  " + String.join("\n  ", tail));
                pool.completer().failWith(job, new WorkerCrashedException(message, exit, ExitStatus.signal(exit), tail), link);
            }
        }
        if (held.length == 0) {
            LOG.debug("worker {} {} while idle", link.id(), how);
        }
        worker.close(1_000);
        pool.removeLink(link);
        if (!pool.isClosing()) {
            pool.spawner().replacementNeeded();
        }
        pool.supervisor().wake();
        pool.reader().requestDispatch();
    }

    private static int exitCode(WorkerProcess worker) {
        try {
            return worker.onExit().get(2, TimeUnit.SECONDS);
        } catch (Exception e) {
            worker.kill();
            return -1;
        }
    }

    private static String tailForLog(List<String> tail) {
        return tail.isEmpty() ? "" : "; last stderr lines:\n  " + String.join("\n  ", tail);
    }
}
