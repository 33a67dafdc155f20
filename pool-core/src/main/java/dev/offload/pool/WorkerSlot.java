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
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * One worker and the pool thread that drives it: takes a job from the admission queue, sends it,
 * reads the worker's frames until the answer, and repeats. The worker is read only while it has a
 * job, by one thread at a time. When the worker dies, this thread settles the job (re-run or fail)
 * and ends; a dead slot is never given a job again.
 *
 * <p>Other threads (the supervisor) only read {@link #current}, send CANCEL, and kill the process.
 *
 * <p>Hand-off ({@link #handoff}, the states below): for a moment after each job the slot thread
 * spins ({@code HOT}) instead of parking. A caller's {@code submit()} may then claim the slot
 * ({@link #tryDispatch}: {@code CLAIMED}, then {@code HANDED}) and write the JOB frame itself, if
 * the channel can take it without a system call. No thread is woken between {@code submit()} and
 * the worker. Then either the slot thread reads the answer ({@code COLD}: back to the ordinary
 * loop), or the caller, waiting in get/join, takes the reading over ({@link #tryLend}:
 * {@code LENT}), settles the job and reopens the slot ({@code HOT}) while the slot thread parks in
 * {@link #lentWait}; a caller that gives up reading hands it back ({@code RETURNED}). Whoever holds
 * the state is the only one touching the job in flight, {@link #handed} and {@link #jobsRun}.
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
    /** Written by the slot thread, or by a caller reading on loan (one at a time, see {@link #handoff}). */
    private volatile int jobsRun;
    private boolean retired;
    private final BooleanSupplier workWaiting;

    /** Hand-off states: the slot thread is not spinning for work (parked, or busy with a job). */
    private static final int COLD = 0;
    /** The slot thread spins for work: a caller may claim the slot. */
    private static final int HOT = 1;
    /** A caller claimed the slot and is sending its job. */
    private static final int CLAIMED = 2;
    /** The caller is done: {@link #handed} is the job, {@link #handedSent} says whether it went out. */
    private static final int HANDED = 3;
    /** The slot thread has ended: no hand-off any more. */
    private static final int ENDED = 4;
    /** The handed job's caller, waiting in get/join, reads its answer; the slot thread parks. */
    private static final int LENT = 5;
    /** That caller stopped reading before the answer came: the slot thread reads on. */
    private static final int RETURNED = 6;
    /** How long the slot thread leaves a handed job for its caller to start reading. */
    private static final long LEND_WINDOW_NANOS = 3_000;
    /** Timed parks of a slot thread whose callers read: from this, doubling up to the max. */
    private static final long LENT_PARK_MIN_NANOS = 50_000;
    private static final long LENT_PARK_MAX_NANOS = 1_000_000;
    private final AtomicInteger handoff = new AtomicInteger(COLD);
    /** Written by the claiming caller before HANDED, read by the slot thread after it. */
    private Job handed;
    private boolean handedSent;
    /** What stopped the caller that read on loan, rethrown by the slot thread; null if none. */
    private IOException returnedFailure;
    /** True while the slot thread parks because callers read the answers. */
    private volatile boolean lending;
    /** The thread that last read an answer on loan: its next job will likely be read the same way. */
    private volatile Thread lastReader;

    WorkerSlot(WorkerPool pool, WorkerProcess worker) {
        this.pool = pool;
        this.worker = worker;
        this.thread = new Thread(this, "offload-slot-" + worker.id());
        this.thread.setDaemon(true);
        this.workWaiting = () -> handoff.get() != HOT || pool.queue().size() > 0 || pool.isDraining();
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
                boolean handedOver = job == handed;
                boolean sent = handedOver && handedSent;
                IOException failure = returnedFailure;
                handed = null;
                returnedFailure = null;
                if (!runJob(job, handedOver, sent, failure)) {
                    died = true;
                    break;
                }
            }
        } catch (RuntimeException | Error e) {
            LOG.error("slot thread of worker {} failed; stopping that worker", worker.id(), e);
            worker.kill();
            died = true;
        } finally {
            try {
                closeHandoff();
            } finally {
                pool.slotEnded(this, died, retired);
            }
        }
    }

    /**
     * The slot thread is ending: refuse further hand-offs, and put back a job a caller handed over
     * that this thread will not run now (it ended by an unexpected error right after a job).
     */
    private void closeHandoff() {
        while (true) {
            int state = handoff.get();
            if (state == CLAIMED || state == LENT) {
                Thread.yield(); // a caller is sending, or reading for at most its spin (see readOnLoan)
            } else if (handoff.compareAndSet(state, ENDED)) {
                if (state == HANDED) {
                    Job job = handed;
                    handed = null;
                    end(job);
                    job.attempts--; // never reached a worker that will answer
                    pool.queue().requeue(job);
                }
                return;
            }
        }
    }

    /** The next job, or null when this slot should end (pool stopping, idle timeout, job quota). */
    private Job nextJob() {
        long idleSince = System.nanoTime();
        long idleTimeout = pool.config().idleTimeout().toNanos();
        // Right after a job, watch for work for a moment instead of parking: a caller that submits
        // its next job at once (a sequential caller, a busy pool) then needs no wake-up of this
        // thread, which on a small machine costs more than the round trip.
        Job handedOver = spinForWork();
        if (handedOver != null) {
            return handedOver;
        }
        while (true) {
            if (pool.isClosing() || !worker.isAlive() || quotaReached()) {
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

    /**
     * Spins for work while the slot is open for a hand-off ({@link #finished} opened it after the
     * last job); a job a caller handed over, or null (then look in the queue as usual).
     */
    private Job spinForWork() {
        if (handoff.get() == COLD) {
            return null; // not opened (job quota reached, pool draining): nobody can claim it
        }
        worker.channel().spinWait(workWaiting);
        if (handoff.compareAndSet(HOT, COLD)) {
            return null;
        }
        return takeHanded();
    }

    /**
     * A caller claimed the slot: waits for its job, then either reads the answer here or, when the
     * caller waits in get/join and takes the reading (see {@link #tryLend}), parks until the caller
     * is done ({@link #lentWait}). Returns the job this thread must run, or null.
     */
    private Job takeHanded() {
        while (true) {
            int state = handoff.get();
            if (state == CLAIMED) {
                // The caller is between its claim and its append, a microsecond. Yield, not spin:
                // if the caller was preempted onto this core, a busy spin would keep it off.
                Thread.yield();
                continue;
            }
            if (state == HANDED) {
                if (handedSent) {
                    long end = System.nanoTime() + LEND_WINDOW_NANOS;
                    while (handoff.get() == HANDED && System.nanoTime() - end < 0) {
                        Thread.yield(); // a moment for the caller to reach get/join
                    }
                }
                if (handoff.compareAndSet(HANDED, COLD)) {
                    return handed;
                }
                continue;
            }
            return lentWait(); // LENT, or a loan already over (HOT, COLD) or given back (RETURNED)
        }
    }

    /**
     * Parks while callers read their own answers: each finished loan reopens the slot (HOT), the
     * next caller claims it and reads again, and this thread stays out of the way, so a round trip
     * has two threads (caller and worker) instead of three. Wakes on a timer (50 µs doubling to
     * 1 ms) to take over a handed job nobody reads, and when a caller gives its job back.
     * Returns the job to run on this thread, or null (then wait for work as usual).
     */
    private Job lentWait() {
        lending = true;
        try {
            long park = LENT_PARK_MIN_NANOS;
            int runsSeen = jobsRun;
            Job unread = null;
            while (true) {
                int state = handoff.get();
                switch (state) {
                    case RETURNED -> {
                        handoff.set(COLD);
                        return handed;
                    }
                    case COLD -> {
                        return null; // the last loan closed the slot (job quota, pool draining)
                    }
                    case HOT -> {
                        boolean idle = jobsRun == runsSeen && park == LENT_PARK_MAX_NANOS;
                        if ((idle || pool.isDraining() || pool.queue().size() > 0) && handoff.compareAndSet(HOT, COLD)) {
                            return null;
                        }
                    }
                    case HANDED -> {
                        Job job = handed;
                        // Seen on two looks, or not sent yet: nobody is going to read it but us.
                        // After the CAS, whatever is handed now is ours (it may be a newer job).
                        if ((job == unread || !handedSent) && handoff.compareAndSet(HANDED, COLD)) {
                            return handed;
                        }
                        unread = job;
                    }
                    default -> {
                        // LENT or CLAIMED: a caller is at work
                    }
                }
                if (state == HANDED) {
                    LockSupport.parkNanos(this, LEND_WINDOW_NANOS);
                } else {
                    runsSeen = jobsRun;
                    LockSupport.parkNanos(this, park);
                    park = Math.min(park * 2, LENT_PARK_MAX_NANOS);
                }
            }
        } finally {
            lending = false;
        }
    }

    /**
     * From {@link JobFuture}, on the thread waiting in get/join for {@code job}: takes over reading
     * the answer if the job was handed over, sent, and nobody reads yet. True: the caller must then
     * call {@link #readOnLoan}.
     */
    boolean tryLend(Job job) {
        if (handoff.get() != HANDED || handed != job || !handedSent || !handoff.compareAndSet(HANDED, LENT)) {
            return false;
        }
        if (handed == job) {
            return true;
        }
        handoff.set(HANDED); // between our look and our CAS the job was read and another handed over
        return false;
    }

    /**
     * The waiting caller reads its job's answer, spinning like any reader (within
     * {@code transport.shm.spin} and the pool-wide spin gate, see {@link Channel#spinWait}) or until
     * {@code deadline} (0: none). On the answer the slot is settled and reopened here and the job
     * completed (handed to this very thread, see {@link JobFuture#settle}); otherwise the reading
     * goes back to the slot thread and the caller parks as usual.
     */
    void readOnLoan(Job job, long deadline) {
        Channel channel = worker.channel();
        LoanedRead read = new LoanedRead(channel, deadline);
        try {
            while (true) {
                if (!channel.spinWait(read) || read.frame == null) {
                    giveBack(read.failure); // no answer within the spin, the deadline passed, or the channel failed
                    return;
                }
                Frame frame = read.frame;
                read.frame = null;
                lastHeard = System.nanoTime();
                if (frame.jobId() != job.id || frame.attempt() != job.attempts) {
                    continue;
                }
                switch (frame.type()) {
                    case PROGRESS -> pool.completer().progress(job, frame.payload());
                    case RESULT -> {
                        finishedOnLoan(job);
                        pool.completer().succeed(job, frame.payload(), worker.id());
                        return;
                    }
                    case ERROR -> {
                        finishedOnLoan(job);
                        pool.completer().fail(job, frame.payload(), worker.id());
                        return;
                    }
                    case HEARTBEAT -> {
                        // lastHeard is all it is for
                    }
                    default -> LOG.warn("worker {} sent an unexpected {}", worker.id(), frame);
                }
            }
        } catch (RuntimeException | Error e) {
            giveBack(null);
            throw e;
        }
    }

    /** One poll per spin step of a read on loan; stops the spin on a frame, a failure or the deadline. */
    private final class LoanedRead implements BooleanSupplier {
        private final Channel channel;
        private final long deadline;
        Frame frame;
        IOException failure;

        LoanedRead(Channel channel, long deadline) {
            this.channel = channel;
            this.deadline = deadline;
        }

        @Override
        public boolean getAsBoolean() {
            try {
                frame = channel.poll();
            } catch (IOException e) {
                failure = e; // the slot thread settles the job as if it had read this itself
                return true;
            }
            return frame != null || pool.isClosing() || (deadline != 0 && System.nanoTime() - deadline >= 0);
        }
    }

    private void giveBack(IOException failure) {
        returnedFailure = failure;
        handoff.set(RETURNED);
        LockSupport.unpark(thread);
    }

    /** {@link #finished}, on the caller's thread: the slot thread is parked in {@link #lentWait}. */
    private void finishedOnLoan(Job job) {
        pool.counters().readByCaller.increment();
        handed = null;
        lastReader = Thread.currentThread();
        if (finished(job)) {
            if (pool.queue().size() > 0) {
                LockSupport.unpark(thread); // queued jobs: the slot thread takes them
            }
        } else {
            handoff.set(COLD);
            LockSupport.unpark(thread); // the slot thread retires the worker or ends
        }
    }

    /**
     * From a caller's {@code submit()}: gives {@code job} to this slot if its thread is spinning
     * for work, and sends the JOB frame here if the channel takes it without blocking (else the
     * slot thread sends it). False: the slot was not free, nothing happened. Never blocks.
     */
    boolean tryDispatch(Job job) {
        if (handoff.get() != HOT || !handoff.compareAndSet(HOT, CLAIMED)) {
            return false;
        }
        boolean sent = false;
        try {
            begin(job);
            sent = worker.channel().trySend(jobFrame(job));
            if (sent) {
                pool.counters().sentBySubmit.increment();
            }
        } catch (IOException e) {
            // the worker is going; the slot thread's own send meets the same end and settles the job
        } finally {
            handed = job;
            handedSent = sent;
            handoff.set(HANDED);
        }
        if (lending && (!sent || Thread.currentThread() != lastReader)) {
            // The slot thread parks while callers read their own answers; this caller is not the
            // one that did (or must not read: nothing sent), so wake the slot thread to read.
            LockSupport.unpark(thread);
        }
        return true;
    }

    /** Marks the start of an attempt: from here the supervisor watches the job on this slot. */
    private void begin(Job job) {
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
    }

    private static Frame jobFrame(Job job) {
        return new Frame(FrameType.JOB, job.id, job.attempts, job.handler, 0, job.input);
    }

    /**
     * Runs one attempt of {@code job}; false when the worker died. A job a caller handed over was
     * begun by that caller, and maybe {@code sent} too; {@code failedOnLoan} is what stopped the
     * caller that was reading its answer, if anything did.
     */
    private boolean runJob(Job job, boolean handedOver, boolean sent, IOException failedOnLoan) {
        Channel channel = worker.channel();
        if (!handedOver) {
            begin(job);
        }
        try {
            if (failedOnLoan != null) {
                throw failedOnLoan; // what the caller reading on loan met
            }
            if (!sent) {
                channel.send(jobFrame(job));
            }
            while (true) {
                Frame frame = channel.receive();
                lastHeard = System.nanoTime();
                if (frame.jobId() != job.id || frame.attempt() != job.attempts) {
                    continue; // a late frame of an earlier, abandoned attempt
                }
                switch (frame.type()) {
                    case PROGRESS -> pool.completer().progress(job, frame.payload());
                    case RESULT -> {
                        finished(job);
                        pool.completer().succeed(job, frame.payload(), worker.id());
                        return true;
                    }
                    case ERROR -> {
                        finished(job);
                        pool.completer().fail(job, frame.payload(), worker.id());
                        return true;
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
            end(job);
            workerDied(job, e);
            return false;
        } catch (RuntimeException | Error e) {
            end(job);
            throw e;
        }
    }

    /**
     * The worker answered. The slot is free from here: it is opened for a hand-off (true) before the
     * caller's future completes, so that a caller who submits again as soon as it has its result
     * finds this slot spinning for work rather than still busy; not if the pool is draining or the
     * worker has run its {@code workers.maxJobs} (false).
     */
    private boolean finished(Job job) {
        end(job);
        jobsRun++;
        killAt = 0; // a job that stopped within its cancel grace keeps its worker
        if (pool.isDraining() || quotaReached()) {
            return false;
        }
        handoff.set(HOT);
        return true;
    }

    private boolean quotaReached() {
        int maxJobs = pool.config().maxJobsPerWorker();
        return maxJobs > 0 && jobsRun >= maxJobs;
    }

    private void end(Job job) {
        current = null;
        job.slot = null;
        pool.counters().busy.decrementAndGet();
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
