package dev.offload.pool;

import dev.offload.launcher.ExitStatus;
import dev.offload.launcher.WorkerProcess;
import dev.offload.transport.Channel;
import dev.offload.transport.CorruptFrameException;
import dev.offload.transport.Frame;
import dev.offload.transport.FrameType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One worker and the pool thread that drives it: takes a job from the admission queue, sends it,
 * reads the worker's frames until the answer, and repeats. The worker is read only while it has a
 * job, so this thread is the channel's only reader. When the worker dies, this thread settles the
 * job (re-run or fail) and ends; a dead slot is never given a job again.
 *
 * <p>Other threads (the supervisor) only read {@link #current}, send CANCEL, and kill the process.
 */
final class WorkerSlot implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(WorkerSlot.class);

    private final WorkerPool pool;
    private final WorkerProcess worker;
    private final Thread thread;
    /** The job on the worker now; written by the slot thread, read by the supervisor. */
    private volatile Job current;
    /** nanoTime of the last frame from the worker while busy. */
    volatile long lastHeard;
    /** nanoTime after which the supervisor kills the worker (cancel grace over), 0 if none. */
    volatile long killAt;
    /** Why the pool killed this worker, if it did (read when the death is reported). */
    volatile String killReason;
    private int jobsRun;
    private boolean retired;

    WorkerSlot(WorkerPool pool, WorkerProcess worker) {
        this.pool = pool;
        this.worker = worker;
        this.thread = new Thread(this, "offload-slot-" + worker.id());
        this.thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    String id() {
        return worker.id();
    }

    WorkerProcess worker() {
        return worker;
    }

    Job current() {
        return current;
    }

    Thread thread() {
        return thread;
    }

    /** Kills the worker; the slot thread sees the end of its channel and reports the death. */
    void kill(String reason) {
        if (killReason == null) {
            killReason = reason;
        }
        worker.kill();
    }

    /** Asks the running job to stop cooperatively; the caller schedules the kill. */
    void sendCancel(Job job) {
        try {
            worker.channel().send(Frame.of(FrameType.CANCEL, job.id, job.attempts, Frame.NO_PAYLOAD));
        } catch (IOException e) {
            // the worker is dying already: its death settles the job
        }
    }

    @Override
    public void run() {
        boolean died = false;
        try {
            Job job;
            while ((job = nextJob()) != null) {
                if (!runJob(job)) {
                    died = true;
                    break;
                }
            }
        } catch (RuntimeException | Error e) {
            LOG.error("slot thread of worker {} failed; stopping that worker", worker.id(), e);
            worker.kill();
            died = true;
        } finally {
            pool.slotEnded(this, died, retired);
        }
    }

    /** The next job, or null when this slot should end (pool stopping, idle timeout, job quota). */
    private Job nextJob() {
        long idleSince = System.nanoTime();
        long idleTimeout = pool.config().idleTimeout().toNanos();
        int maxJobs = pool.config().maxJobsPerWorker();
        while (true) {
            if (pool.isClosing() || !worker.isAlive() || (maxJobs > 0 && jobsRun >= maxJobs)) {
                return null;
            }
            long waitNanos = idleTimeout > 0 ? Math.max(1, idleSince + idleTimeout - System.nanoTime()) : TimeUnit.SECONDS.toNanos(1);
            if (pool.isDraining() && pool.queue().size() == 0) {
                return null;
            }
            Job job = pool.queue().take(waitNanos, pool::isDraining);
            if (job != null) {
                if (job.isDone()) {
                    continue; // cancelled or timed out while it waited
                }
                return job;
            }
            if (pool.isDraining() && pool.queue().size() == 0) {
                return null;
            }
            long now = System.nanoTime();
            if (idleTimeout > 0 && now - idleSince >= idleTimeout) {
                if (pool.tryRetire()) {
                    retired = true;
                    LOG.debug("worker {} idle for {} ms: retiring", worker.id(), idleTimeout / 1_000_000);
                    return null;
                }
                idleSince = now; // at workers.min: stay, and wait a whole idle period again
            }
        }
    }

    /** Runs one attempt of {@code job}; false when the worker died. */
    private boolean runJob(Job job) {
        Channel channel = worker.channel();
        long now = System.nanoTime();
        job.attempts++;
        job.slot = this;
        job.startedAt = now;
        if (job.attempts == 1) {
            pool.counters().queueWait.recordNanos(now - job.submittedAt);
        }
        lastHeard = now;
        current = job;
        pool.counters().busy.incrementAndGet();
        try {
            channel.send(new Frame(FrameType.JOB, job.id, job.attempts, job.handler, 0, job.input));
            while (true) {
                Frame frame = channel.receive();
                lastHeard = System.nanoTime();
                if (frame.jobId() != job.id || frame.attempt() != job.attempts) {
                    continue; // a late frame of an earlier, abandoned attempt
                }
                switch (frame.type()) {
                    case PROGRESS -> pool.completer().progress(job, frame.payload());
                    case RESULT -> {
                        pool.completer().succeed(job, frame.payload(), worker.id());
                        return finished(job);
                    }
                    case ERROR -> {
                        pool.completer().fail(job, frame.payload(), worker.id());
                        return finished(job);
                    }
                    case HEARTBEAT -> {
                        // lastHeard is all it is for
                    }
                    default -> LOG.warn("worker {} sent an unexpected {}", worker.id(), frame);
                }
            }
        } catch (IOException e) {
            if (e instanceof CorruptFrameException) {
                kill("broke its channel (" + e.getMessage() + ")");
            }
            workerDied(job, e);
            return false;
        } finally {
            current = null;
            job.slot = null;
            pool.counters().busy.decrementAndGet();
        }
    }

    private boolean finished(Job job) {
        jobsRun++;
        killAt = 0; // a job that stopped within its cancel grace keeps its worker
        return true;
    }

    private void workerDied(Job job, IOException cause) {
        int exit = exitCode();
        List<String> tail = worker.stderrTail(500);
        String how = killReason != null ? killReason + " (" + ExitStatus.describe(exit) + ")" : ExitStatus.describe(exit);
        if (killReason == null || killReason.startsWith("sent no heartbeat")) {
            pool.counters().crashes.increment();
        }
        if (job.isDone()) {
            LOG.debug("worker {} {} after {} was settled", worker.id(), how, job.describe());
            return;
        }
        if (job.attempts < job.maxAttempts && !pool.isClosing()) {
            LOG.warn("worker {} {} while running {} (attempt {} of {}): running it again on another worker{}",
                    worker.id(), how, job.describe(), job.attempts, job.maxAttempts, tailForLog(tail));
            pool.queue().requeue(job);
            return;
        }
        String message = "worker " + worker.id() + " (pid " + worker.pid() + ") " + how + " while running "
                + job.describe() + " on attempt " + job.attempts + " of " + job.maxAttempts
                + (cause.getMessage() == null ? "" : "; channel: " + cause.getMessage())
                + (tail.isEmpty() ? "" : "; last stderr lines:\n  " + String.join("\n  ", tail));
        pool.completer().failWith(job, new WorkerCrashedException(message, exit, ExitStatus.signal(exit), tail));
    }

    private int exitCode() {
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
