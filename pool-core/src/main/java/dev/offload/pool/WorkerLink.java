package dev.offload.pool;

import dev.offload.launcher.internal.WorkerProcess;
import dev.offload.transport.internal.Channel;
import dev.offload.transport.internal.Frame;
import dev.offload.transport.internal.FrameType;

import java.io.IOException;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One live worker as the data path sees it: its process and channel, the jobs sent to it and not
 * yet answered ({@link InFlight}, oldest first: that one is running), and how many it may have at
 * once (its credit). It has no thread. A caller's {@code submit()} or the reader role sends JOB
 * frames through {@link #tryDispatch}, which may hold a frame back when the worker has plenty in
 * hand ({@link #mayHold}); the reader role reads the answers and writes the frames held once the
 * worker runs low ({@link #flushDue}, {@link #flushHeld}).
 *
 * <p>Threading: {@link #tryDispatch} from any thread (the dispatch lock, only ever tried, keeps the
 * in-flight order equal to the channel's order); the in-flight ring's consumer side, {@link #credit}
 * and {@link #runTime} from the reader role; the volatile fields for the supervisor, from
 * anywhere.
 */
final class WorkerLink {
    /** The most jobs a worker may hold at once, however short they are. */
    static final int MAX_CREDIT = 128;
    /** How much work, in run time, the pool keeps queued inside a worker ahead of the running job. */
    private static final long PIPELINE_NANOS = 100_000;

    /**
     * Unanswered jobs a worker must have in hand, ahead of a new one, for that one's JOB frame to
     * be held back ({@link #tryDispatch}): at a few microseconds a job, the worker is busy for tens
     * of microseconds before it could read it, and the reader role flushes at the next answer.
     */
    static final int HOLD_AHEAD = 16;
    /**
     * Below this many jobs in the worker's hand (sent, not held, not answered), the frames held
     * back are written: by the role holder as it reads an answer, or by the dispatch that held the
     * last one if it finds the count there already ({@link #flushDue}).
     */
    static final int HOLD_LOW = 8;
    /** The most JOB frames held back at once: the next dispatch sends them all. */
    static final int HOLD_MAX = 32;
    /**
     * A worker that has not answered for this long, nor for {@link #STALL_RUNS} of its typical run
     * time, while it holds jobs it has not started, is stalled: those jobs go to another worker
     * ({@link Dispatcher#rebalance}). Workers run below the caller's priority; on busy cores one
     * can wait milliseconds for a core, or sit in a collection, while another has room.
     */
    static final long STALL_MIN_NANOS = 1_000_000;
    static final int STALL_RUNS = 8;
    private static final Job[] NO_JOBS = new Job[0];
    /** {@link #lastAnswer} moves on only once this much older: it orders workers answered within a moment of each other arbitrarily. */
    private static final long LAST_ANSWER_GRAIN_NANOS = 100_000;

    final WorkerProcess worker;
    final Channel channel;
    final InFlight inFlight = new InFlight(MAX_CREDIT);
    private final ReentrantLock dispatchLock = new ReentrantLock();

    /**
     * Jobs this worker may hold now; set by the reader role from the run times it reads. One until
     * the first answer: a job of unknown length never waits behind another on a worker while a
     * second worker could be started for it, and the admission queue keeps its priority order.
     */
    private volatile int credit = 1;
    /** Reader-owned: this worker's typical handler run time, from its recent answers. */
    private final RunTimeEstimate runTime = new RunTimeEstimate();
    /** Reader-owned: how long without an answer makes this worker stalled ({@link #STALL_MIN_NANOS}). */
    private long stallNanos = STALL_MIN_NANOS;
    /**
     * nanoTime its unstarted jobs were withdrawn ({@link #withdrawUnstarted}), 0 if they were not:
     * it gets no new job until it shows it runs again (an answer, or the withdrawal seen; see
     * {@link #resumed}). The supervisor kills a worker passed over for workers.heartbeatTimeout.
     */
    volatile long passedOverAt;
    /** JOB frames sent (or held) on the channel so far; under the dispatch lock. */
    private long jobFrames;
    /** False once the worker must get no more jobs (retiring, quota reached, pool draining, dead). */
    private volatile boolean accepting = true;
    /** Set when the worker is known gone (doorbell end of stream, process exit): the reader reaps it. */
    volatile boolean gone;
    /** Set by the reader role once it has taken the link out of service. */
    volatile boolean reaped;
    /**
     * Set by a role holder that found the dispatch lock taken while it meant to flush held JOB
     * frames ({@link #flushHeld}): the lock's holder flushes them once it lets the lock go.
     */
    private volatile boolean flushWanted;
    /** Jobs sent to this worker so far (for {@code workers.maxJobs}); under the dispatch lock. */
    private int sent;
    /** The most jobs this worker has held at once (for tests and tuning); under the dispatch lock. */
    private volatile int mostHeld;
    /** nanoTime since when the oldest in-flight job has been running (sent, or its predecessor answered). */
    volatile long headSince;
    /** nanoTime of the last frame read from this worker. */
    volatile long lastHeard;
    /** nanoTime of the last answer: the most recently busy worker is preferred (its caches are warm). */
    volatile long lastAnswer;
    /** nanoTime after which the supervisor kills the worker (a cancel's grace is over), 0 if none. */
    volatile long killAt;
    /** The job {@link #killAt} is for. */
    volatile Job killFor;
    /** Why the pool killed this worker, if it did (read when the death is reported). */
    volatile String killReason;
    /** The shm worker that took this stand-in's place ({@link Spawner}); it retires once it holds nothing. */
    volatile String supersededBy;
    /** Why the pool stopped this worker, if it retired it (read when its exit is reported). */
    volatile String retireReason;
    /**
     * nanoTime since when the worker has had nothing in flight (for workers.idleTimeout), 0 while
     * busy; approximate (a dispatch and an answer may race), so retiring re-checks under the lock.
     */
    volatile long idleSince = System.nanoTime();

    /** The attached answer loop's watch on this worker's doorbell, if any; under this link's monitor. */
    private AnswerLoop.Watch loopWatch;
    /** Set once the channel may close: no loop may watch the doorbell from then on. Under the monitor. */
    private boolean unwatched;

    /** Called when a flush that may not wait left held JOB frames to the pool's reader thread. */
    private final Runnable flushLeftToReaderThread;

    WorkerLink(WorkerProcess worker, Runnable flushLeftToReaderThread) {
        this.worker = worker;
        this.flushLeftToReaderThread = flushLeftToReaderThread;
        this.channel = worker.channel();
        this.lastHeard = System.nanoTime();
    }

    String id() {
        return worker.id();
    }

    boolean accepting() {
        return accepting && !gone;
    }

    /** From now on the worker gets no new job; what it holds finishes. */
    void stopAccepting() {
        accepting = false;
    }

    /** For a test that makes every dispatch to this worker refused for a while: the lock they all try. */
    java.util.concurrent.locks.ReentrantLock dispatchLockForTest() {
        return dispatchLock;
    }

    /** A pipe worker standing in for a shm worker while the pool starts ({@link Spawner}). */
    boolean isStandIn() {
        return worker.isStandIn();
    }

    /** Spawn thread: shm worker {@code by} takes this stand-in's place; it finishes what it holds, then retires. */
    void supersede(String by) {
        supersededBy = by;
        accepting = false;
    }

    /** True when this worker could take a job now (a hint: {@link #tryDispatch} decides). */
    boolean hasCredit() {
        return accepting() && passedOverAt == 0 && inFlight.size() < credit;
    }

    /**
     * Reader role: true when the worker holds jobs and has not answered for its stall time (see
     * {@link #STALL_MIN_NANOS}); {@code now} a nanoTime read a moment ago.
     */
    boolean stalled(long now) {
        return !inFlight.isEmpty() && now - headSince > stallNanos;
    }

    int load() {
        return inFlight.size();
    }

    int credit() {
        return credit;
    }

    int mostHeld() {
        return mostHeld;
    }

    /**
     * Sends {@code job} to this worker if it has credit and the send needs no waiting; false
     * otherwise, with nothing changed. {@code mayWait}: the caller is a pool thread that may wait a
     * moment (for the queue's next file); a caller's {@code submit()} passes false. Never blocks
     * when false. {@code readBefore}: a nanoTime the caller read a moment ago, for this send's time. A
     * holder that reuses the time it read an answer at may pass one from before the job was
     * submitted (another thread submitted it meanwhile): the job's submit time is then the send's.
     */
    boolean tryDispatch(Job job, boolean mayWait, int maxJobs, Counters counters, long readBefore) throws IOException {
        if (!dispatchLock.tryLock()) {
            return false;
        }
        long now = readBefore - job.submittedAt < 0 ? job.submittedAt : readBefore; // a job is never sent before it was submitted
        try {
            if (!accepting() || !inFlight.hasRoom(credit)) {
                return false;
            }
            boolean wasIdle = inFlight.isEmpty();
            long sentBefore = job.sentAt;
            job.attempts++;
            job.link = this;
            job.sentAt = now;
            if (wasIdle) {
                headSince = now;
                idleSince = 0;
            }
            // In the ring before the frame is out: the worker may answer before trySend returns.
            inFlight.add(job);
            if (inFlight.size() > mostHeld) {
                mostHeld = inFlight.size();
            }
            boolean written = false;
            try {
                Frame frame = new Frame(FrameType.JOB, job.id, job.attempts, job.handler, 0, job.input);
                if (mayHold()) {
                    written = channel.tryHold(frame, now);
                    if (written && flushDue()) {
                        flushUnderLock(mayWait); // the role holder read answers meanwhile and may have missed this frame
                    }
                } else {
                    written = channel.trySend(frame, now);
                }
                if (!written && mayWait && wasIdle) {
                    channel.send(frame); // nothing in flight, so no arena to wait for: only a new queue file
                    written = true;
                }
            } finally {
                if (!written) {
                    inFlight.retractLast(job);
                    job.attempts--;
                    job.link = null;
                    job.sentAt = sentBefore;
                    if (wasIdle) {
                        idleSince = now;
                    }
                }
            }
            if (!written) {
                return false;
            }
            job.frameOnLink = ++jobFrames;
            if (sentBefore == 0) {
                counters.queueWait.recordNanos(now - job.submittedAt);
            }
            if (maxJobs > 0 && ++sent >= maxJobs) {
                accepting = false; // recycled once what it holds is answered
            }
            return true;
        } finally {
            unlockDispatch(mayWait);
        }
    }

    /** Lets the dispatch lock go, then flushes held frames if a role holder asked meanwhile ({@link #flushHeld}). */
    private void unlockDispatch(boolean mayWait) {
        dispatchLock.unlock();
        if (flushWanted) {
            flushHeld(mayWait);
        }
    }

    /**
     * Under the dispatch lock, the job already in flight: true when its frame may wait with the
     * frames held before it. The worker has {@link #HOLD_AHEAD} jobs in hand ahead of it (sent, not
     * held, not answered), so an answer is on its way, and the role holder that reads it flushes
     * ({@link #flushHeld}); the credit says those jobs are short (a credit above the threshold means
     * a run time estimate under 100 us / {@link #HOLD_AHEAD}); and fewer than {@link #HOLD_MAX}
     * are held (this send then carries them all).
     */
    private boolean mayHold() {
        if (credit <= HOLD_AHEAD || !channel.holdsFrames()) {
            return false;
        }
        int held = channel.heldFrames();
        return held < HOLD_MAX - 1 && inFlight.sizeSeen() - 1 - held >= HOLD_AHEAD;
    }

    /**
     * True when JOB frames are held back and the worker has fewer than {@link #HOLD_LOW} jobs in
     * hand. Dekker with the other side: a dispatch holds a frame (a volatile count) and then reads
     * the ring's head; the role holder moves the head and then reads that count. One of them sees
     * the other's write, so a frame held while the last answers were read is still written.
     */
    boolean flushDue() {
        int held = channel.heldFrames();
        return held > 0 && inFlight.size() - held < HOLD_LOW;
    }

    /**
     * Under the dispatch lock: writes the held frames, or leaves them to the reader thread when that
     * would wait and may not. A channel that breaks marks the worker gone: the reader role reaps it
     * and requeues every job it held, the held ones among them.
     */
    private void flushUnderLock(boolean mayWait) {
        try {
            if (!channel.tryFlushHeld(System.nanoTime())) {
                if (mayWait) {
                    channel.flushHeld();
                } else {
                    flushLeftToReaderThread.run();
                }
            }
        } catch (IOException | RuntimeException e) {
            gone = true;
            flushLeftToReaderThread.run(); // wakes the reader thread, which reaps it
        }
    }

    /**
     * Role holder, after reading answers from this worker (and from {@link #tryDispatch} when a
     * holder asked): writes the JOB frames held back, if any. Never waits: when a dispatch holds the
     * lock, that dispatch flushes as it leaves; when the write itself would wait (a new queue file,
     * another thread sending), a holder that {@code mayWait} writes anyway, and one that must not
     * (an event loop) leaves it to the pool's reader thread, woken for it.
     */
    void flushHeld(boolean mayWait) {
        if (channel.heldFrames() == 0) {
            return;
        }
        flushWanted = true;
        // Lock or flag: [flag] then [tryLock] here, [unlock] then [flag] in tryDispatch. A failed
        // tryLock saw the lock held, so that holder's later read of the flag sees it set.
        while (flushWanted && dispatchLock.tryLock()) {
            try {
                flushWanted = false;
                flushUnderLock(mayWait);
            } finally {
                dispatchLock.unlock();
            }
        }
    }

    /**
     * Reader role: the oldest job was answered at {@code now} (a nanoTime). Returns it (null if
     * none), starts the next one's clock, and learns this worker's run time for its credit.
     */
    Job answered(long runNanos, long now) {
        Job job = inFlight.poll();
        if (lastAnswer == 0 || now - lastAnswer >= LAST_ANSWER_GRAIN_NANOS) {
            lastAnswer = now; // not every answer: the submitting threads read this line, and a write takes it from them
        }
        headSince = now;
        if (inFlight.isEmpty()) {
            idleSince = now;
        }
        if (passedOverAt != 0) {
            passedOverAt = 0;
        }
        learn(runNanos);
        return job;
    }

    /**
     * Reader role or supervisor, on a worker passed over that holds nothing: true (and it may get
     * jobs again) once it has seen the withdrawal, which it does only when it runs.
     */
    boolean resumed() {
        if (passedOverAt == 0 || !inFlight.isEmpty() || channel.jobsClaimed() < 0) {
            return false;
        }
        passedOverAt = 0;
        return true;
    }

    /**
     * Reader role: takes back the jobs this worker holds and has not started, their frames
     * withdrawn on the channel ({@link Channel#withdraw}) so that it never starts them; oldest
     * first, their attempts given back. Empty when there are none, the transport cannot withdraw,
     * the worker claimed one meanwhile, or a dispatch holds the lock. After a withdrawal the worker
     * gets no new job until it shows it runs ({@link #passedOverAt}).
     */
    Job[] withdrawUnstarted(boolean mayWait) {
        if (!dispatchLock.tryLock()) {
            return NO_JOBS;
        }
        try {
            long claimed = channel.jobsClaimed();
            int n = claimed < 0 ? 0 : inFlight.countSentAfter(claimed);
            if (n == 0 || !channel.withdraw(claimed, jobFrames)) {
                return NO_JOBS;
            }
            passedOverAt = System.nanoTime();
            Job[] taken = inFlight.retractNewest(n);
            for (Job job : taken) {
                job.attempts--;
                job.link = null;
            }
            sent -= n;
            if (inFlight.isEmpty()) {
                idleSince = System.nanoTime();
            }
            return taken;
        } finally {
            unlockDispatch(mayWait);
        }
    }

    /** Reader role: the credit follows the run time: deep pipelines for tiny jobs, one at a time for long ones. */
    private void learn(long runNanos) {
        long estimate = runTime.learn(runNanos);
        stallNanos = Math.max(STALL_MIN_NANOS, STALL_RUNS * estimate);
        long depth = 1 + PIPELINE_NANOS / Math.max(1, estimate);
        int next = (int) Math.min(MAX_CREDIT, depth);
        if (next != credit) {
            credit = next; // only when it changes: submitting threads read it, and a write moves the line away from them
        }
    }

    /**
     * Reader role, the worker being gone: takes it out of service and returns every job it held,
     * oldest (the one that was running) first.
     */
    Job[] takeAll() {
        dispatchLock.lock(); // waits out a dispatch in progress; none follows, since it is not accepting
        try {
            accepting = false;
            reaped = true;
            Job[] held = new Job[inFlight.size()];
            for (int i = 0; i < held.length; i++) {
                held[i] = inFlight.poll();
            }
            return held;
        } finally {
            dispatchLock.unlock();
        }
    }

    /**
     * Supervisor: stops the worker taking jobs if it has been idle since before {@code idleBefore};
     * true when it then holds none and can be closed without losing anything.
     */
    boolean retireIfIdle(long idleBefore) {
        if (!dispatchLock.tryLock()) {
            return false;
        }
        try {
            long since = idleSince;
            if (!accepting() || !inFlight.isEmpty() || since == 0 || since - idleBefore > 0) {
                return false;
            }
            accepting = false;
            return true;
        } finally {
            unlockDispatch(true);
        }
    }

    /** Sends a CANCEL for {@code job}; quiet when the worker is going anyway. */
    void sendCancel(Job job) {
        try {
            channel.send(Frame.of(FrameType.CANCEL, job.id, job.attempts, Frame.NO_PAYLOAD));
        } catch (IOException e) {
            // the worker is dying: its death settles the job
        }
    }

    /** Kills the worker; the reader role sees it go and settles what it held. */
    void kill(String reason) {
        if (killReason == null) {
            killReason = reason;
        }
        worker.kill();
    }

    @Override
    public String toString() {
        return "WorkerLink[" + worker + ", " + inFlight.size() + " in flight, credit " + credit + "]";
    }

    /**
     * Reader thread: has {@code loop} watch this worker's doorbell. False (and nothing watched)
     * once {@link #stopWatching} ran.
     */
    synchronized boolean watchOn(AnswerLoop loop, Runnable onReadable) {
        if (unwatched) {
            return false;
        }
        unwatchLoop();
        loopWatch = loop.watch(channel.wakeups(), onReadable);
        return true;
    }

    /** Ends the loop's watch, if there is one (the doorbell goes back to the reader thread, or away). */
    synchronized void unwatchLoop() {
        if (loopWatch != null) {
            AnswerLoop.Watch watch = loopWatch;
            loopWatch = null;
            watch.cancel();
        }
    }

    /**
     * Before anything closes the channel: no loop watches its doorbell any more, and none will. A
     * loop polling a closed file descriptor could poll another file that reused its number.
     */
    synchronized void stopWatching() {
        unwatched = true;
        unwatchLoop();
    }
}
